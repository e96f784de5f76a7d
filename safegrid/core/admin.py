from django.contrib import admin
from django.db import transaction

from .admin_site import USE_ADMIN
from .audit import audit_record, diff, snapshot
from .models import CalendarYear, HolidayOverride


def _is_system_admin(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and user.has_capability(USE_ADMIN))


class SystemConfigAdmin(admin.ModelAdmin):
    """Editable system configuration (系统配置) for the system administrator.

    Unlike `ReadOnlyAdmin`, these tables have no business service in front of them: the admin is
    their only editor. Each save or delete therefore writes its audit record here, in the same
    transaction as the change. Subclasses name the audit entity and the audited fields.
    """

    audit_entity: str = ""
    audit_fields: tuple[str, ...] = ()

    def has_module_permission(self, request) -> bool:
        return _is_system_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request)

    def has_add_permission(self, request) -> bool:
        return _is_system_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request)

    def save_model(self, request, obj, form, change) -> None:
        fields = list(self.audit_fields)
        with transaction.atomic():
            # `obj` already carries the submitted values; the stored row still has the old ones.
            stored = type(obj).objects.select_for_update().get(pk=obj.pk) if change else None
            before = snapshot(stored, fields) if stored is not None else {}
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"{self.audit_entity}.{'update' if change else 'create'}",
                obj=obj,
                changes=diff(before, snapshot(obj, fields)),
            )

    def _audit_delete(self, request, obj) -> None:
        before = snapshot(obj, list(self.audit_fields))
        audit_record(
            actor=request.user,
            action=f"{self.audit_entity}.delete",
            obj=obj,
            changes=diff(before, dict.fromkeys(before)),
        )

    def delete_model(self, request, obj) -> None:
        with transaction.atomic():
            self._audit_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        # The "delete selected" action bypasses delete_model; audit each row it removes.
        with transaction.atomic():
            for obj in queryset:
                self._audit_delete(request, obj)
            super().delete_queryset(request, queryset)


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(SystemConfigAdmin):
    audit_entity = "holiday"
    audit_fields = ("date", "is_workday", "name")
    list_display = ["date", "name", "is_workday", "created_at"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(SystemConfigAdmin):
    audit_entity = "calendar_year"
    audit_fields = ("year", "complete", "note")
    list_display = ["year", "complete", "note"]
