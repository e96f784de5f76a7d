"""Scoped reads for regions, sectors, organisations and grid duties."""

from __future__ import annotations

from django.db.models import Count, Min, QuerySet

from safegrid.accounts.roles import Cap
from safegrid.core.selectors import scoped_get

from .choices import RegionKind
from .models import GridDuty, Organisation, Region, Sector


def region_list(*, actor, capability: str | None = Cap.VIEW_REGION) -> QuerySet[Region]:
    return Region.objects.visible_to(actor, capability).select_related("parent")


def region_get(*, actor, pk, capability: str | None = Cap.VIEW_REGION) -> Region:
    return scoped_get(region_list(actor=actor, capability=capability), pk)


def grid_choices(*, actor, capability: str | None = Cap.VIEW_REGION) -> QuerySet[Region]:
    return region_list(actor=actor, capability=capability).filter(kind=RegionKind.GRID)


def region_children(*, actor, region: Region) -> QuerySet[Region]:
    return (
        region_list(actor=actor)
        .filter(parent=region)
        .annotate(site_count=Count("sites", distinct=True), child_count=Count("children", distinct=True))
        .order_by("sort_order", "code")
    )


def region_ancestors(*, region: Region) -> list[Region]:
    """Breadcrumb of names above a region. Names of enclosing regions are not scoped data: every
    user knows which county their township is in; the breadcrumb links only visible nodes."""
    return list(
        Region.objects.filter(path__in=_ancestor_paths(region.path)).exclude(pk=region.pk).order_by("depth")
    )


def _ancestor_paths(path: str) -> list[str]:
    from safegrid.core.scope import ancestor_paths

    return ancestor_paths(path)


def sector_list(*, actor, capability: str | None = Cap.VIEW_SECTOR) -> QuerySet[Sector]:
    return Sector.objects.visible_to(actor, capability).select_related("region", "lead_department")


def reads_sector_kinds(*, actor) -> bool:
    """True for an actor above a county (every VIEW_SECTOR grant anchored at a city or a
    province): it reads the sectors of many counties, where every county sets up the same sector
    committees (a province has 1,400 sectors of 14 kinds), and compares them by kind (by code: 矿山
    of every county together) rather than one by one."""
    from safegrid.core.scope import reads_above_county

    return reads_above_county(actor, Cap.VIEW_SECTOR)


def sector_kind_list(*, actor) -> QuerySet[Sector]:
    """The sector kinds among the sectors the actor sees: one sector per code (the earliest
    created, whose name the kind is shown by), in sort order."""
    firsts = (
        Sector.objects.visible_to(actor, Cap.VIEW_SECTOR).order_by().values("code").annotate(first=Min("id"))
    )
    return Sector.objects.filter(pk__in=firsts.values("first")).order_by("sort_order", "code")


def sector_choices(*, actor, capability: str) -> QuerySet[Sector]:
    """Sectors a user may pick while doing `capability` elsewhere (e.g. the sector of a new site):
    read visibility, counted only over the grants that carry that capability."""
    return Sector.objects.visible_to(actor, capability, write=False).select_related("region")


def sector_get(*, actor, pk, capability: str | None = Cap.VIEW_SECTOR) -> Sector:
    return scoped_get(sector_list(actor=actor, capability=capability), pk)


def organisation_list(*, actor, capability: str | None = Cap.VIEW_ORGANISATION) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(actor, capability).select_related("region", "sector", "parent")


def organisation_get(*, actor, pk, capability: str | None = Cap.VIEW_ORGANISATION) -> Organisation:
    return scoped_get(organisation_list(actor=actor, capability=capability), pk)


def grid_duty_list(*, actor, capability: str | None = Cap.VIEW_GRIDDUTY) -> QuerySet[GridDuty]:
    return GridDuty.objects.visible_to(actor, capability).select_related("grid", "organisation")


def grid_duty_get(*, actor, pk, capability: str | None = Cap.VIEW_GRIDDUTY) -> GridDuty:
    return scoped_get(grid_duty_list(actor=actor, capability=capability), pk)
