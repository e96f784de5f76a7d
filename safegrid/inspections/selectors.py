from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from safegrid.accounts.roles import Cap
from safegrid.core.scope import grants_for
from safegrid.core.selectors import scoped_get

from .models import Checklist, ChecklistItem, Criterion, Inspection


def inspection_list(*, actor, capability: str | None = Cap.VIEW_INSPECTION) -> QuerySet[Inspection]:
    return (
        Inspection.objects.visible_to(actor, capability)
        .select_related("site", "organisation", "recorded_by")
        .annotate(hazard_count=Count("hazards"))
        .order_by("-inspected_on", "-id")
    )


def inspection_get(*, actor, pk, capability: str | None = Cap.VIEW_INSPECTION) -> Inspection:
    return scoped_get(inspection_list(actor=actor, capability=capability), pk)


# The criteria and checklist library is county-wide reference data: every role that inspects or
# reports (all business roles hold VIEW_INSPECTION) reads all of it; no row is scoped.
def _may_read_library(actor, capability: str | None) -> bool:
    return bool(grants_for(actor, capability))


def sector_code_q(field: str, code: str) -> Q:
    """Rows whose comma-separated sector codes (`field`) include `code`."""
    return (
        Q(**{field: code})
        | Q(**{f"{field}__startswith": f"{code},"})
        | Q(**{f"{field}__endswith": f",{code}"})
        | Q(**{f"{field}__contains": f",{code},"})
    )


def criterion_list(*, actor, capability: str | None = Cap.VIEW_INSPECTION) -> QuerySet[Criterion]:
    if not _may_read_library(actor, capability):
        return Criterion.objects.none()
    return Criterion.objects.select_related("instrument").order_by("instrument__name", "sort_order", "id")


def criterion_current_list(*, actor, capability: str | None = Cap.VIEW_INSPECTION) -> QuerySet[Criterion]:
    """Criteria in force: neither the item nor its instrument superseded, and already effective."""
    today = timezone.localdate()
    return (
        criterion_list(actor=actor, capability=capability)
        .filter(superseded_by__isnull=True, instrument__superseded_by__isnull=True)
        .filter(Q(effective_from__isnull=True) | Q(effective_from__lte=today))
    )


def criterion_get(*, actor, pk, capability: str | None = Cap.VIEW_INSPECTION) -> Criterion:
    return scoped_get(criterion_list(actor=actor, capability=capability), pk)


def checklist_list(*, actor, capability: str | None = Cap.VIEW_INSPECTION) -> QuerySet[Checklist]:
    if not _may_read_library(actor, capability):
        return Checklist.objects.none()
    items = Prefetch("items", queryset=ChecklistItem.objects.select_related("criterion__instrument"))
    return Checklist.objects.prefetch_related(items).order_by("name")


def checklist_active_list(*, actor, capability: str | None = Cap.VIEW_INSPECTION) -> QuerySet[Checklist]:
    return checklist_list(actor=actor, capability=capability).filter(active=True)


def checklist_get(*, actor, pk, capability: str | None = Cap.VIEW_INSPECTION) -> Checklist:
    return scoped_get(checklist_list(actor=actor, capability=capability), pk)
