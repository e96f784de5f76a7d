from django.urls import path

from . import import_views, views

app_name = "sites"

urlpatterns = [
    path("", views.SiteListView.as_view(), name="site_list"),
    path("new/", views.SiteCreateView.as_view(), name="site_create"),
    path("<int:pk>/", views.SiteDetailView.as_view(), name="site_detail"),
    path("<int:pk>/edit/", views.SiteEditView.as_view(), name="site_edit"),
    path("import/", import_views.SiteImportView.as_view(), name="site_import"),
    path("import/template/", import_views.SiteImportTemplateView.as_view(), name="site_import_template"),
]
