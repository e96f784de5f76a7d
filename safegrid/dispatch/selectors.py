"""Reads for dispatch: meetings, agenda items, action items (督办) and cadence compliance. Every
read starts from `visible_to(actor, capability)`."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.exceptions import CapabilityDenied
from safegrid.core.scope import grants_for, row_scope_q
from safegrid.core.selectors import scoped_get
from safegrid.hazards.choices import HazardStatus
from safegrid.hazards.models import Hazard
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Organisation, Region, Sector

from . import cadence
from .choices import BODY_LEVEL, BODY_MEETINGS_PER_YEAR, ActionState, ActionStatus, MeetingBody, PeriodStatus
from .models import ActionItem, AgendaItem, Meeting

# ---- meetings ---------------------------------------------------------------------------------


def meeting_list(*, actor, capability: str | None = Cap.VIEW_DISPATCH) -> QuerySet[Meeting]:
    return (
        Meeting.objects.visible_to(actor, capability)
        .select_related("region", "sector")
        .annotate(
            agenda_count=Count("agenda_items", distinct=True),
            action_count=Count("action_items", distinct=True),
        )
        .order_by("-held_on", "-id")
    )


def meeting_get(*, actor, pk, capability: str | None = Cap.VIEW_DISPATCH) -> Meeting:
    """One meeting with its agenda (hazards, decisions) and action items; NotInScope (→ 404) when
    missing or out of scope."""
    return scoped_get(
        meeting_list(actor=actor, capability=capability)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("hazard__site", "responsible_org", "decided_by"),
            ),
            Prefetch(
                "action_items", queryset=ActionItem.objects.select_related("owner").order_by("deadline", "id")
            ),
        ),
        pk,
    )


def meeting_region_choices(*, actor) -> QuerySet[Region]:
    """Counties whose meetings the actor may record."""
    return Region.objects.visible_to(actor, Cap.MANAGE_MEETING).filter(kind=RegionKind.COUNTY)


def meeting_sector_choices(*, actor) -> QuerySet[Sector]:
    """Sector committees whose meetings the actor may record."""
    return Sector.objects.visible_to(actor, Cap.MANAGE_MEETING).select_related("region")


def managed_meeting_choices(*, actor) -> QuerySet[Meeting]:
    """Meetings whose resolutions the actor may turn into action items."""
    return (
        Meeting.objects.visible_to(actor, Cap.MANAGE_MEETING)
        .select_related("sector")
        .order_by("-held_on", "-id")
    )


def agenda_hazard_choices(*, actor, meeting: Meeting) -> QuerySet[Hazard]:
    """Open hazards the meeting may take up: in its county, at its body's handling level and, for a
    sector committee, of its sector (the service checks again)."""
    hazards = (
        Hazard.objects.visible_to(actor, Cap.VIEW_HAZARD)
        .filter(region_path__startswith=meeting.region_path, level=BODY_LEVEL[meeting.body])
        .exclude(status=HazardStatus.CLOSED)
        .select_related("site")
        .order_by("reported_at", "id")
    )
    if meeting.body == MeetingBody.SECTOR_COMMITTEE:
        hazards = hazards.filter(sector_id=meeting.sector_id)
    return hazards


def agenda_item_get(*, actor, pk, capability: str = Cap.MANAGE_MEETING) -> AgendaItem:
    """One agenda item through its meeting's scope; NotInScope (→ 404) otherwise."""
    meetings = Meeting.objects.visible_to(actor, capability)
    return scoped_get(
        AgendaItem.objects.filter(meeting__in=meetings).select_related(
            "meeting__sector", "meeting__region", "hazard"
        ),
        pk,
    )


def organisation_choices(*, actor) -> QuerySet[Organisation]:
    """Organisations the actor may name as responsible units or owners (read rule over the grants
    that manage meetings; the service keeps those of the meeting's county)."""
    return Organisation.objects.visible_to(actor, Cap.MANAGE_MEETING, write=False).select_related("region")


# ---- action items -----------------------------------------------------------------------------


def action_item_list(*, actor, capability: str | None = Cap.VIEW_DISPATCH) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.visible_to(actor, capability)
        .select_related("meeting__sector", "owner")
        .order_by("status", "deadline", "id")
    )


def action_item_get(*, actor, pk, capability: str | None = Cap.VIEW_DISPATCH) -> ActionItem:
    return scoped_get(action_item_list(actor=actor, capability=capability), pk)


def action_item_for_completion(*, actor, pk) -> ActionItem:
    """An action item the actor may report done (办结): the meeting's managers (MANAGE_MEETING scope)
    and the responsible unit's own staff (the actor's organisation is the item's owner). NotInScope
    when the actor cannot see it at all; CapabilityDenied when it can read it but not report it."""
    item = action_item_get(actor=actor, pk=pk)
    manages = ActionItem.objects.visible_to(actor, Cap.MANAGE_MEETING).filter(pk=item.pk).exists()
    owns = actor.organisation_id is not None and item.owner_id == actor.organisation_id
    if not (manages or owns):
        raise CapabilityDenied(_("只有会议组织单位或该事项的责任单位可以办结。"))
    return item


def filter_action_state(queryset: QuerySet[ActionItem], state: str, today: datetime.date | None = None):
    """督办 filters: open and not yet due, overdue (deadline passed, still open), done."""
    today = today or timezone.localdate()
    if state == ActionState.OPEN:
        return queryset.filter(status=ActionStatus.OPEN, deadline__gte=today)
    if state == ActionState.OVERDUE:
        return queryset.filter(status=ActionStatus.OPEN, deadline__lt=today)
    if state == ActionState.DONE:
        return queryset.filter(status=ActionStatus.DONE)
    return queryset


@dataclass(frozen=True)
class ActionFigures:
    total: int
    open: int
    overdue: int
    done: int


def action_figures(*, actor, today: datetime.date | None = None) -> ActionFigures:
    """Counts of the actor's action items by 督办 state. One query."""
    today = today or timezone.localdate()
    row = ActionItem.objects.visible_to(actor, Cap.VIEW_DISPATCH).aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status=ActionStatus.OPEN, deadline__gte=today)),
        overdue=Count("id", filter=Q(status=ActionStatus.OPEN, deadline__lt=today)),
        done=Count("id", filter=Q(status=ActionStatus.DONE)),
    )
    return ActionFigures(**row)


# ---- cadence compliance -----------------------------------------------------------------------


@dataclass
class PeriodCompliance:
    period: cadence.Period
    held: int
    status: str

    @property
    def label(self) -> str:
        return self.period.label


@dataclass
class BodyCompliance:
    """One meeting body of a county over one year."""

    body: str
    label: str
    region: Region
    sector: Sector | None
    meetings_per_year: int
    periods: list[PeriodCompliance] = field(default_factory=list)

    @property
    def held(self) -> int:
        return sum(p.held for p in self.periods)

    @property
    def required(self) -> int:
        return sum(p.period.required for p in self.periods)

    @property
    def missed(self) -> list[PeriodCompliance]:
        return [p for p in self.periods if p.status == PeriodStatus.MISSED]


def _counties(actor) -> list[Region]:
    """Counties whose meetings the actor reads: those at, above or below its anchors."""
    condition = None
    for grant in grants_for(actor, Cap.VIEW_DISPATCH):
        if grant.site_id is not None:
            continue
        q = row_scope_q(grant, region="path", sector=None, ancestors=True)
        condition = q if condition is None else condition | q
    if condition is None:
        return []
    return list(Region.objects.filter(condition, kind=RegionKind.COUNTY).order_by("path"))


def cadence_compliance(*, actor, year: int, today: datetime.date | None = None) -> list[BodyCompliance]:
    """For every meeting body the actor reads (each county's committee and office, and the sector
    committees of its sectors), each period of `year` (see `cadence`): meetings required, held (in
    the actor's scope) and met / missed / in progress / future as of `today` (default: today in
    Asia/Shanghai). Three queries."""
    today = today or timezone.localdate()
    counties = _counties(actor)
    if not counties:
        return []
    sectors = list(
        Sector.objects.visible_to(actor, Cap.VIEW_DISPATCH)
        .filter(region__in=counties)
        .order_by("region_path", "sort_order", "id")
    )
    held = Counter(
        (r["region_id"], r["body"], r["sector_id"], r["held_on"])
        for r in Meeting.objects.visible_to(actor, Cap.VIEW_DISPATCH)
        .filter(held_on__gte=datetime.date(year, 1, 1), held_on__lte=datetime.date(year, 12, 31))
        .values("region_id", "body", "sector_id", "held_on")
    )
    by_body: dict[tuple, list[datetime.date]] = {}
    for (region_id, body, sector_id, day), n in held.items():
        by_body.setdefault((region_id, body, sector_id), []).extend([day] * n)

    def build(body: str, region: Region, sector: Sector | None, per_year: int, label: str) -> BodyCompliance:
        days = by_body.get((region.pk, body, sector.pk if sector else None), [])
        row = BodyCompliance(body=body, label=label, region=region, sector=sector, meetings_per_year=per_year)
        for period in cadence.periods(per_year, year):
            n = sum(1 for d in days if period.start <= d <= period.end)
            row.periods.append(PeriodCompliance(period, n, cadence.period_status(period, n, today)))
        return row

    rows: list[BodyCompliance] = []
    for county in counties:
        for body in (MeetingBody.COUNTY_COMMITTEE, MeetingBody.COUNTY_OFFICE):
            label = (
                f"{county.name}{MeetingBody(body).label}"
                if len(counties) > 1
                else str(MeetingBody(body).label)
            )
            rows.append(build(body, county, None, BODY_MEETINGS_PER_YEAR[body], label))
        for sector in sectors:
            if sector.region_id == county.pk:
                label = sector.committee_name or f"{sector.name}{MeetingBody.SECTOR_COMMITTEE.label}"
                rows.append(
                    build(MeetingBody.SECTOR_COMMITTEE, county, sector, sector.meetings_per_year, label)
                )
    return rows


def missed_periods(rows: list[BodyCompliance]) -> list[tuple[BodyCompliance, PeriodCompliance]]:
    return [(row, p) for row in rows for p in row.missed]
