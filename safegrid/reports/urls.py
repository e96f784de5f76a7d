from django.urls import path

from . import bulletin_views, screen_views, views

app_name = "reports"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/bulletin.docx", bulletin_views.BulletinView.as_view(), name="bulletin"),
    path("risk-map/", views.RiskMapView.as_view(), name="risk_map"),
    path("risk-map/data/", views.RiskMapDataView.as_view(), name="risk_map_data"),
    path("risk-map/matrix.xlsx", views.RiskMatrixExportView.as_view(), name="risk_matrix_export"),
    path("screen/", screen_views.ScreenView.as_view(), name="screen"),
    path("screen/data/", screen_views.ScreenDataView.as_view(), name="screen_data"),
]
