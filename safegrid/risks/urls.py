from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("", views.RiskPointListView.as_view(), name="risk_point_list"),
    path("new/", views.RiskPointCreateView.as_view(), name="risk_point_create"),
    path("<int:pk>/", views.RiskPointDetailView.as_view(), name="risk_point_detail"),
    path("<int:pk>/reassess/", views.RiskPointReassessView.as_view(), name="risk_point_reassess"),
    path("sites/<int:site_id>/badge/", views.SiteRiskBadgeView.as_view(), name="site_badge"),
    path("site-grading/new/", views.SiteGradingCreateView.as_view(), name="site_grading_create"),
]
