from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("funds/", views.FundListView.as_view(), name="fund_list"),
    path("funds/new/", views.FundCreateView.as_view(), name="fund_create"),
    path("funds/<int:pk>/", views.FundDetailView.as_view(), name="fund_detail"),
    path("funds/<int:pk>/edit/", views.FundEditView.as_view(), name="fund_edit"),
    path(
        "funds/<int:pk>/expenditures/new/", views.ExpenditureCreateView.as_view(), name="expenditure_create"
    ),
    path("experts/", views.ExpertListView.as_view(), name="expert_list"),
    path("experts/new/", views.ExpertCreateView.as_view(), name="expert_create"),
    path("experts/<int:pk>/", views.ExpertDetailView.as_view(), name="expert_detail"),
    path("experts/<int:pk>/edit/", views.ExpertEditView.as_view(), name="expert_edit"),
    path("experts/<int:pk>/unmask/", views.ExpertUnmaskView.as_view(), name="expert_unmask"),
    path("engagements/", views.EngagementListView.as_view(), name="engagement_list"),
    path("engagements/new/", views.EngagementCreateView.as_view(), name="engagement_create"),
    path("engagements/<int:pk>/", views.EngagementDetailView.as_view(), name="engagement_detail"),
    path("engagements/<int:pk>/edit/", views.EngagementEditView.as_view(), name="engagement_edit"),
    path("engagements/<int:pk>/findings/new/", views.FindingCreateView.as_view(), name="finding_create"),
    path(
        "engagements/<int:pk>/findings/<int:finding>/hazard/",
        views.FindingRaiseHazardView.as_view(),
        name="finding_raise_hazard",
    ),
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("evaluations/new/", views.EvaluationCreateView.as_view(), name="evaluation_create"),
    path("evaluations/<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path("evaluations/<int:pk>/edit/", views.EvaluationEditView.as_view(), name="evaluation_edit"),
    path("weights/", views.WeightListView.as_view(), name="weight_list"),
    path("weights/new/", views.WeightCreateView.as_view(), name="weight_create"),
    path("weights/<int:pk>/edit/", views.WeightEditView.as_view(), name="weight_edit"),
    path("leadership/", views.LeadershipListView.as_view(), name="leadership_list"),
    path("leadership/new/", views.LeadershipCreateView.as_view(), name="leadership_create"),
    path("leadership/<int:pk>/", views.LeadershipDetailView.as_view(), name="leadership_detail"),
    path("leadership/<int:pk>/edit/", views.LeadershipEditView.as_view(), name="leadership_edit"),
]
