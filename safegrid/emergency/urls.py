from django.urls import path

from . import views

app_name = "emergency"

urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/review/", views.PlanReviewView.as_view(), name="plan_review"),
    path("plans/<int:pk>/file/", views.PlanFileView.as_view(), name="plan_file"),
    path("plans/<int:pk>/evaluate/", views.PlanEvaluateView.as_view(), name="plan_evaluate"),
    path("plans/<int:pk>/revise/", views.PlanReviseView.as_view(), name="plan_revise"),
    path("drill-plans/", views.DrillPlanListView.as_view(), name="drill_plan_list"),
    path("drill-plans/new/", views.DrillPlanCreateView.as_view(), name="drill_plan_create"),
    path("drill-plans/<int:pk>/", views.DrillPlanDetailView.as_view(), name="drill_plan_detail"),
    path("drill-plans/<int:pk>/edit/", views.DrillPlanEditView.as_view(), name="drill_plan_edit"),
    path("drills/", views.DrillListView.as_view(), name="drill_list"),
    path("drills/new/", views.DrillCreateView.as_view(), name="drill_create"),
    path("drills/<int:pk>/", views.DrillDetailView.as_view(), name="drill_detail"),
    path("drills/<int:pk>/edit/", views.DrillEditView.as_view(), name="drill_edit"),
    path(
        "drills/<int:pk>/problems/<int:problem>/hazard/",
        views.ProblemHazardView.as_view(),
        name="problem_hazard",
    ),
    path(
        "drills/<int:pk>/problems/<int:problem>/revision/",
        views.ProblemRevisionView.as_view(),
        name="problem_revision",
    ),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
]
