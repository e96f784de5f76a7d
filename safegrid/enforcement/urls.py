from django.urls import path

from . import views

app_name = "enforcement"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document_list"),
    path("new/", views.DocumentCreateView.as_view(), name="document_create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("<int:pk>/edit/", views.DocumentEditView.as_view(), name="document_edit"),
    path("<int:pk>/issue/", views.DocumentIssueView.as_view(), name="document_issue"),
    path("<int:pk>/correct/", views.DocumentCorrectView.as_view(), name="document_correct"),
    path("penalties/", views.PenaltyListView.as_view(), name="penalty_list"),
    path("penalties/new/", views.PenaltyCreateView.as_view(), name="penalty_create"),
    path("penalties/<int:pk>/", views.PenaltyDetailView.as_view(), name="penalty_detail"),
]
