from django.contrib import admin

from safegrid.core.admin_site import ReadOnlyAdmin

from .models import Site


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "kind", "sector", "grid", "is_key", "business_status"]
    list_filter = ["category", "kind", "is_key", "business_status"]
    search_fields = ["name", "credit_code", "address"]
