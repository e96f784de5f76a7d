"""The criteria and checklist library is edited here, by the system administrator only; every save
writes one audit record in the same transaction (see SystemConfigAdmin)."""

from django.contrib import admin

from safegrid.core.admin import SystemConfigAdmin, _is_system_admin
from safegrid.core.audit import audit_record, diff, snapshot

from .models import Checklist, ChecklistItem, Criterion, Instrument


@admin.register(Instrument)
class InstrumentAdmin(SystemConfigAdmin):
    audit_entity = "instrument"
    audit_fields = ("name", "number", "sector_codes", "effective_from", "superseded_by")
    list_display = ["name", "number", "sector_codes", "effective_from", "superseded_by"]
    search_fields = ["name", "number"]
    raw_id_fields = ["superseded_by"]


@admin.register(Criterion)
class CriterionAdmin(SystemConfigAdmin):
    audit_entity = "criterion"
    audit_fields = (
        "instrument",
        "article",
        "item",
        "text",
        "is_major",
        "effective_from",
        "superseded_by",
        "sort_order",
    )
    list_display = ["instrument", "article", "item", "text", "is_major", "superseded_by"]
    list_filter = ["instrument", "is_major"]
    list_select_related = ["instrument", "superseded_by"]
    search_fields = ["text", "article", "instrument__name"]
    raw_id_fields = ["superseded_by"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    raw_id_fields = ["criterion"]

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request)


def _item_lines(checklist: Checklist | None) -> list[str]:
    if checklist is None or checklist.pk is None:
        return []
    return [
        f"{i.order}. {i.text}" + (f" [{i.criterion_id}]" if i.criterion_id else "")
        for i in checklist.items.order_by("order", "id")
    ]


@admin.register(Checklist)
class ChecklistAdmin(SystemConfigAdmin):
    """A checklist and its items are saved in one admin transaction; the audit record, written
    after the items, covers both (one record per save)."""

    audit_entity = "checklist"
    audit_fields = ("name", "sector_code", "active")
    list_display = ["name", "sector_code", "active"]
    list_filter = ["active", "sector_code"]
    search_fields = ["name"]
    inlines = [ChecklistItemInline]

    def save_model(self, request, obj, form, change) -> None:
        # The admin's change view already runs in a transaction; lock and remember the old state.
        stored = Checklist.objects.select_for_update().get(pk=obj.pk) if change else None
        before = snapshot(stored, list(self.audit_fields)) if stored is not None else {}
        request._checklist_before = {**before, "items": _item_lines(stored)} if stored else {}
        admin.ModelAdmin.save_model(self, request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        after = {**snapshot(obj, list(self.audit_fields)), "items": _item_lines(obj)}
        audit_record(
            actor=request.user,
            action=f"{self.audit_entity}.{'update' if change else 'create'}",
            obj=obj,
            changes=diff(getattr(request, "_checklist_before", {}), after),
        )
