from django.contrib import admin

from safegrid.core.admin_site import ReadOnlyAdmin

from .models import GridDuty, Organisation, Region, Sector


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "path", "planning_area"]
    list_filter = ["kind", "planning_area"]
    search_fields = ["code", "name"]


@admin.register(Sector)
class SectorAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "region", "lead_department", "meetings_per_year"]


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "sector"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(GridDuty)
class GridDutyAdmin(ReadOnlyAdmin):
    list_display = ["grid", "role", "person_name", "inspection_interval_days"]
    list_filter = ["role"]
