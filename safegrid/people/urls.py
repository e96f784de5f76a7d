from django.urls import path

from . import import_views, views

app_name = "people"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="person_list"),
    path("new/", views.PersonCreateView.as_view(), name="person_create"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("<int:pk>/unmask/", views.PersonUnmaskView.as_view(), name="person_unmask"),
    path("import/", import_views.PersonImportView.as_view(), name="person_import"),
    path("import/template/", import_views.PersonImportTemplateView.as_view(), name="person_import_template"),
    path("postings/", views.PostingListView.as_view(), name="posting_list"),
    path("postings/new/", views.PostingCreateView.as_view(), name="posting_create"),
    path("postings/<int:pk>/", views.PostingDetailView.as_view(), name="posting_detail"),
    path("postings/<int:pk>/end/", views.PostingEndView.as_view(), name="posting_end"),
    path(
        "postings/<int:pk>/raise-hazard/", views.PostingRaiseHazardView.as_view(), name="posting_raise_hazard"
    ),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", views.TeamEditView.as_view(), name="team_edit"),
    path("trainings/", views.TrainingListView.as_view(), name="training_list"),
    path("trainings/new/", views.TrainingCreateView.as_view(), name="training_create"),
    path("trainings/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("trainings/<int:pk>/edit/", views.TrainingEditView.as_view(), name="training_edit"),
    path("certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("certificates/import/", import_views.CertificateImportView.as_view(), name="certificate_import"),
    path(
        "certificates/import/template/",
        import_views.CertificateImportTemplateView.as_view(),
        name="certificate_import_template",
    ),
    path("certificates/new/", views.CertificateCreateView.as_view(), name="certificate_create"),
    path("certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate_detail"),
    path("certificates/<int:pk>/review/", views.CertificateReviewView.as_view(), name="certificate_review"),
    path("certificates/<int:pk>/extend/", views.CertificateExtendView.as_view(), name="certificate_extend"),
    path("certificates/<int:pk>/revoke/", views.CertificateRevokeView.as_view(), name="certificate_revoke"),
    path("commendations/", views.CommendationListView.as_view(), name="commendation_list"),
    path("commendations/new/", views.CommendationCreateView.as_view(), name="commendation_create"),
    path("commendations/<int:pk>/", views.CommendationDetailView.as_view(), name="commendation_detail"),
]
