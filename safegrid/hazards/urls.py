from django.urls import path

from . import import_views, views

app_name = "hazards"

urlpatterns = [
    path("", views.HazardListView.as_view(), name="hazard_list"),
    path("report/", views.HazardReportView.as_view(), name="hazard_report"),
    path("<int:pk>/", views.HazardDetailView.as_view(), name="hazard_detail"),
    path("<int:pk>/<slug:action>/", views.HazardActionView.as_view(), name="hazard_action"),
    path("import/", import_views.HazardImportView.as_view(), name="hazard_import"),
    path("import/template/", import_views.HazardImportTemplateView.as_view(), name="hazard_import_template"),
]
