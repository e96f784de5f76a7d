from __future__ import annotations

from django.db.models import Count, QuerySet

from safegrid.accounts.roles import Cap
from safegrid.core.selectors import scoped_get

from .models import Inspection


def inspection_list(*, actor, capability: str | None = Cap.VIEW_INSPECTION) -> QuerySet[Inspection]:
    return (
        Inspection.objects.visible_to(actor, capability)
        .select_related("site", "organisation", "recorded_by")
        .annotate(hazard_count=Count("hazards"))
        .order_by("-inspected_on", "-id")
    )


def inspection_get(*, actor, pk, capability: str | None = Cap.VIEW_INSPECTION) -> Inspection:
    return scoped_get(inspection_list(actor=actor, capability=capability), pk)
