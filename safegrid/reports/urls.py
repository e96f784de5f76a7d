from django.urls import path

from safegrid.core.replica import replica_reads

from . import bulletin_views, screen_views, views

app_name = "reports"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dashboard/", replica_reads(views.DashboardView.as_view()), name="dashboard"),
    path("dashboard/bulletin.docx", replica_reads(bulletin_views.BulletinView.as_view()), name="bulletin"),
    path("risk-map/", views.RiskMapView.as_view(), name="risk_map"),
    path("risk-map/data/", replica_reads(views.RiskMapDataView.as_view()), name="risk_map_data"),
    path("risk-map/matrix.xlsx", views.RiskMatrixExportView.as_view(), name="risk_matrix_export"),
    path("screen/", screen_views.ScreenView.as_view(), name="screen"),
    path("screen/data/", replica_reads(screen_views.ScreenDataView.as_view()), name="screen_data"),
]
