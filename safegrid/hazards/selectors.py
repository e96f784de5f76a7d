"""Scoped reads for hazards: lists, queues and the detail with its timeline."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import ROLE_HANDLING_LEVEL, Cap
from safegrid.core.scope import grants_for
from safegrid.core.selectors import scoped_get

from .choices import DEADLINE_STATUSES, HazardStatus
from .models import Hazard, HazardEvent


def hazard_list(*, actor, capability: str | None = Cap.VIEW_HAZARD) -> QuerySet[Hazard]:
    # The grid is shown by name; its outline (GeoJSON, the largest column of a region) is not
    # decoded for every row of a list.
    return (
        Hazard.objects.visible_to(actor, capability)
        .select_related("site", "site__grid", "site__sector", "responsible_org")
        .defer("site__grid__geometry")
    )


def hazard_get(*, actor, pk, capability: str | None = Cap.VIEW_HAZARD) -> Hazard:
    events = HazardEvent.objects.select_related("actor").order_by("at", "id")
    queryset = hazard_list(actor=actor, capability=capability).prefetch_related(
        Prefetch("events", queryset=events)
    )
    return scoped_get(queryset, pk)


def _my_levels(actor) -> set[int]:
    return {
        ROLE_HANDLING_LEVEL[g.role]
        for g in actor.grants
        if g.role in ROLE_HANDLING_LEVEL and Cap.HANDLE_HAZARD in g.capabilities
    }


QUEUES = {
    "to_assign": gettext_lazy("待交办"),
    "overdue": gettext_lazy("已逾期"),
    "due_soon": gettext_lazy("3日内到期"),
    "to_verify": gettext_lazy("待复查"),
    "supervised": gettext_lazy("挂牌督办"),
    "to_rectify": gettext_lazy("待整改"),
}


def hazard_queue(*, actor, queue: str, today: datetime.date | None = None) -> QuerySet[Hazard]:
    """The work lists of each role. "My level" queues contain only hazards handled at a level the
    actor's roles handle; the responsible unit sees what it must rectify."""
    today = today or timezone.localdate()
    qs = hazard_list(actor=actor)
    levels = _my_levels(actor)
    at_my_level = Q(level__in=levels)
    if queue == "to_assign":
        return qs.filter(at_my_level, status=HazardStatus.REPORTED).order_by("reported_at", "id")
    if queue == "to_verify":
        # The levels the actor handles, and the territorial level where the actor may re-check (复查,
        # the grid worker's VERIFY_HAZARD, in that grant's scope only). A reader — the county leader,
        # a supervisor above the county — has nothing to re-check.
        mine = at_my_level
        if grants_for(actor, Cap.VERIFY_HAZARD):
            checkable = hazard_list(actor=actor, capability=Cap.VERIFY_HAZARD).filter(level=1)
            mine |= Q(pk__in=checkable.values("pk"))
        return qs.filter(status=HazardStatus.VERIFYING).filter(mine).order_by("rectified_at")
    if queue == "overdue":
        return qs.filter(status__in=DEADLINE_STATUSES, deadline__lt=today).order_by("deadline", "id")
    if queue == "due_soon":
        return qs.filter(
            status__in=DEADLINE_STATUSES,
            deadline__gte=today,
            deadline__lte=today + datetime.timedelta(days=3),
        ).order_by("deadline", "id")
    if queue == "supervised":
        return qs.filter(supervised=True).exclude(status=HazardStatus.CLOSED).order_by("deadline", "id")
    if queue == "to_rectify":
        return qs.filter(status__in=DEADLINE_STATUSES).order_by("deadline", "id")
    return qs.none()
