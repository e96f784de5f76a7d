from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/new/", views.RegionCreateView.as_view(), name="region_create"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("regions/<int:pk>/edit/", views.RegionEditView.as_view(), name="region_edit"),
    path("sectors/", views.SectorListView.as_view(), name="sector_list"),
    path("sectors/new/", views.SectorCreateView.as_view(), name="sector_create"),
    path("sectors/<int:pk>/", views.SectorDetailView.as_view(), name="sector_detail"),
    path("sectors/<int:pk>/edit/", views.SectorEditView.as_view(), name="sector_edit"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.OrganisationEditView.as_view(), name="organisation_edit"),
    path("grid-duties/", views.GridDutyListView.as_view(), name="gridduty_list"),
    path("grid-duties/new/", views.GridDutyCreateView.as_view(), name="gridduty_create"),
    path("grid-duties/<int:pk>/", views.GridDutyDetailView.as_view(), name="gridduty_detail"),
    path("grid-duties/<int:pk>/edit/", views.GridDutyEditView.as_view(), name="gridduty_edit"),
]
