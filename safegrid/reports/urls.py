from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("risk-map/", views.RiskMapView.as_view(), name="risk_map"),
    path("risk-map/data/", views.RiskMapDataView.as_view(), name="risk_map_data"),
    path("risk-map/matrix.xlsx", views.RiskMatrixExportView.as_view(), name="risk_matrix_export"),
]
