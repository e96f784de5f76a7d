"""Reads for publicity: plans, activities, the plan against delivery per month and the figures of
the bulletin. Every read starts from `visible_to(actor, capability)`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.exceptions import NotInScope
from safegrid.core.selectors import scoped_get
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Organisation, Region
from safegrid.sites.models import Site

from .choices import ACTIVITY_REGION_KINDS, MONTHS, Channel
from .models import Activity, PlanMonth, PublicityPlan

# ---- activities -------------------------------------------------------------------------------


def activity_list(*, actor, capability: str | None = Cap.VIEW_PUBLICITY) -> QuerySet[Activity]:
    return (
        Activity.objects.visible_to(actor, capability)
        .select_related("organiser", "region")
        .order_by("-date", "-id")
    )


def activity_get(*, actor, pk, capability: str | None = Cap.VIEW_PUBLICITY) -> Activity:
    """One activity with its visited sites; NotInScope (→ 404) when missing or out of scope."""
    return scoped_get(
        activity_list(actor=actor, capability=capability).prefetch_related(
            Prefetch("sites_visited", queryset=Site.objects.order_by("name", "id"))
        ),
        pk,
    )


def organiser_choices(*, actor) -> QuerySet[Organisation]:
    """Organisations the actor may name as an activity's organiser (read rule over the grants that
    may record: a grid worker's township government and county office too)."""
    return Organisation.objects.visible_to(actor, Cap.RECORD_PUBLICITY, write=False).select_related("region")


def activity_region_choices(*, actor) -> QuerySet[Region]:
    """Counties, townships and grids where the actor may record an activity."""
    return Region.objects.visible_to(actor, Cap.RECORD_PUBLICITY).filter(kind__in=ACTIVITY_REGION_KINDS)


def visited_site_choices(*, actor) -> QuerySet[Site]:
    return (
        Site.objects.visible_to(actor, Cap.RECORD_PUBLICITY, write=False)
        .select_related("grid")
        .order_by("name", "id")
    )


# ---- plans ------------------------------------------------------------------------------------


def plan_list(*, actor, capability: str | None = Cap.VIEW_PUBLICITY) -> QuerySet[PublicityPlan]:
    return PublicityPlan.objects.visible_to(actor, capability).select_related("region")


def plan_get(*, actor, pk, capability: str | None = Cap.VIEW_PUBLICITY) -> PublicityPlan:
    return scoped_get(plan_list(actor=actor, capability=capability), pk)


def plan_region_choices(*, actor) -> QuerySet[Region]:
    """Counties whose annual plan the actor may keep."""
    return Region.objects.visible_to(actor, Cap.MANAGE_PUBLICITY_PLAN).filter(kind=RegionKind.COUNTY)


def plan_unit_choices(*, actor) -> QuerySet[Organisation]:
    """Organisations a plan keeper may name as responsible units (those of the plan's own county
    are checked by the service)."""
    return Organisation.objects.visible_to(actor, Cap.MANAGE_PUBLICITY_PLAN, write=False)


def responsible_unit_choices(*, actor, plan: PublicityPlan) -> QuerySet[Organisation]:
    """Organisations of the plan's county that the plan keeper may name as responsible units."""
    return plan_unit_choices(actor=actor).filter(region_path__startswith=plan.region_path)


def plan_month_get(*, plan: PublicityPlan, month: int) -> PlanMonth:
    """One month of a plan already fetched through `plan_get`; NotInScope for a month not 1–12."""
    row = plan.months.prefetch_related("responsible_units").filter(month=month).first()
    if row is None:
        raise NotInScope(_("未找到。"))
    return row


# ---- plan against delivery --------------------------------------------------------------------


@dataclass
class MonthDelivery:
    """One month of a plan against what was delivered in the actor's scope."""

    month: int
    theme: str = ""
    content: str = ""
    responsible_units: list[Organisation] = field(default_factory=list)
    planned_activities: int = 0
    held: int = 0
    audience: int = 0
    enterprise_visits: int = 0  # activities of the 进企业 channel
    sites_visited: int = 0  # distinct sites visited in the month
    lectures: int = 0  # activities of the 宣讲/讲座 channel


def plan_delivery(*, actor, region: Region, year: int) -> list[MonthDelivery]:
    """For each month 1–12 of `year`: the plan of `region` (theme, units, target; empty where the
    actor sees no plan) and the activities held in the region's subtree that the actor may see
    (count, audience, enterprise visits, distinct sites visited, lectures). Months follow the
    activity's date (a calendar date in Asia/Shanghai). Four queries."""
    plan = plan_list(actor=actor).filter(region=region, year=year).first()
    rows = {m: MonthDelivery(month=m) for m in MONTHS}
    if plan is not None:
        for pm in plan.months.prefetch_related("responsible_units"):
            row = rows[pm.month]
            row.theme, row.content = pm.theme, pm.content
            row.responsible_units = list(pm.responsible_units.all())
            row.planned_activities = pm.planned_activities
    activities = activity_list(actor=actor).filter(region_path__startswith=region.path, date__year=year)
    per_month = (
        activities.order_by()
        .annotate(m=ExtractMonth("date"))
        .values("m")
        .annotate(
            held=Count("id"),
            audience=Sum("audience_count"),
            visits=Count("id", filter=Q(channel=Channel.ENTERPRISE_VISIT)),
            lectures=Count("id", filter=Q(channel=Channel.LECTURE)),
        )
    )
    for r in per_month:
        row = rows[r["m"]]
        row.held, row.audience = r["held"], r["audience"] or 0
        row.enterprise_visits, row.lectures = r["visits"], r["lectures"]
    sites = (
        activities.filter(sites_visited__isnull=False)
        .order_by()
        .annotate(m=ExtractMonth("date"))
        .values("m")
        .annotate(n=Count("sites_visited", distinct=True))
    )
    for r in sites:
        rows[r["m"]].sites_visited = r["n"]
    return [rows[m] for m in MONTHS]


def plan_delivery_totals(months: list[MonthDelivery]) -> MonthDelivery:
    """The year's totals of `plan_delivery` rows (month 0); distinct sites are not additive across
    months, so `sites_visited` is the sum of the monthly figures (site-months)."""
    total = MonthDelivery(month=0)
    for row in months:
        total.planned_activities += row.planned_activities
        total.held += row.held
        total.audience += row.audience
        total.enterprise_visits += row.enterprise_visits
        total.sites_visited += row.sites_visited
        total.lectures += row.lectures
    return total


@dataclass(frozen=True)
class ActivityFigures:
    activities: int
    audience: int
    enterprise_visits: int  # site visits: one per site named in an activity
    lectures: int


def activity_figures(*, actor, date_from: datetime.date, date_to: datetime.date) -> ActivityFigures:
    """The bulletin's publicity figures for a period (both dates included) in the actor's scope:
    activities, audience, enterprise visits (each site visited by an activity counts once per
    activity) and lectures. Two queries."""
    activities = activity_list(actor=actor).filter(date__gte=date_from, date__lte=date_to).order_by()
    totals = activities.aggregate(
        n=Count("id"),
        audience=Sum("audience_count"),
        lectures=Count("id", filter=Q(channel=Channel.LECTURE)),
    )
    visits = Activity.sites_visited.through.objects.filter(activity__in=activities.values("pk")).count()
    return ActivityFigures(
        activities=totals["n"],
        audience=totals["audience"] or 0,
        enterprise_visits=visits,
        lectures=totals["lectures"],
    )
