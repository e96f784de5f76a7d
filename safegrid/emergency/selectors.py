"""Reads for emergency plans and drills, all starting from `visible_to(actor, capability)`; the
drill-frequency compliance of DOMAIN.md §5.3; the bulletin's figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.exceptions import NotInScope
from safegrid.core.scope import grants_for, row_scope_q
from safegrid.core.selectors import scoped_get
from safegrid.orgs.models import Organisation
from safegrid.sites.choices import BusinessStatus
from safegrid.sites.models import Site

from .choices import GOVERNMENT_KINDS, HIGH_RISK_SITE_KINDS, ComplianceRule, PeriodStatus, PlanKind
from .models import DrillPlanEntry, DrillProblem, DrillRecord, EmergencyPlan, PlanVersion, RevisionTask

# ---- plans ------------------------------------------------------------------------------------


def plan_list(*, actor, capability: str | None = Cap.VIEW_EMERGENCY) -> QuerySet[EmergencyPlan]:
    return (
        EmergencyPlan.objects.visible_to(actor, capability)
        .select_related("organisation", "site", "region")
        .annotate(open_tasks=Count("revision_tasks", filter=Q(revision_tasks__resolved_on__isnull=True)))
        .order_by("region_path", "kind", "title", "id")
    )


def plan_get(*, actor, pk, capability: str | None = Cap.VIEW_EMERGENCY) -> EmergencyPlan:
    """One plan with its versions, evaluations and revision tasks; NotInScope (→ 404) when missing
    or out of scope."""
    return scoped_get(
        plan_list(actor=actor, capability=capability).prefetch_related(
            Prefetch("versions", queryset=PlanVersion.objects.order_by("-version")),
            "evaluations",
            Prefetch(
                "revision_tasks",
                queryset=RevisionTask.objects.select_related("problem__drill").order_by("-id"),
            ),
        ),
        pk,
    )


def _placed_organisations(actor, capability: str) -> QuerySet[Organisation]:
    """Organisations under the same rule as the rows they would own (people's rule: subtree, sectors
    of a sector officer, none for a site-bound user), so that an owner offered is an owner the
    actor may write for, and a unit in the compliance table is one whose drills the actor sees."""
    condition = None
    for grant in grants_for(actor, capability):
        if grant.site_id is not None:
            continue
        q = row_scope_q(grant, region="region_path", sector="sector_id")
        condition = q if condition is None else condition | q
    if condition is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(condition)


def owner_organisation_choices(*, actor) -> QuerySet[Organisation]:
    return _placed_organisations(actor, Cap.MANAGE_EMERGENCY).filter(is_active=True).select_related("region")


def owner_site_choices(*, actor) -> QuerySet[Site]:
    return Site.objects.visible_to(actor, Cap.MANAGE_EMERGENCY).order_by("name", "id")


def plan_choices(*, actor) -> QuerySet[EmergencyPlan]:
    """Plans a drill may exercise: every plan the actor can read."""
    return EmergencyPlan.objects.visible_to(actor, Cap.VIEW_EMERGENCY).order_by("title", "id")


def hazard_site_choices(*, actor) -> QuerySet[Site]:
    return Site.objects.visible_to(actor, Cap.REPORT_HAZARD).order_by("name", "id")


# ---- drill plan -------------------------------------------------------------------------------


def drill_plan_list(*, actor, capability: str | None = Cap.VIEW_EMERGENCY) -> QuerySet[DrillPlanEntry]:
    return (
        DrillPlanEntry.objects.visible_to(actor, capability)
        .select_related("organisation", "site", "plan", "record")
        .order_by("year", "month", "planned_on", "id")
    )


def drill_plan_get(*, actor, pk, capability: str | None = Cap.VIEW_EMERGENCY) -> DrillPlanEntry:
    return scoped_get(drill_plan_list(actor=actor, capability=capability), pk)


def open_entry_choices(*, actor) -> QuerySet[DrillPlanEntry]:
    """Entries of the drill plan the actor keeps that have no record yet."""
    return (
        DrillPlanEntry.objects.visible_to(actor, Cap.MANAGE_EMERGENCY)
        .filter(record__isnull=True)
        .order_by("-year", "month", "id")
    )


# ---- drills -----------------------------------------------------------------------------------


def drill_list(*, actor, capability: str | None = Cap.VIEW_EMERGENCY) -> QuerySet[DrillRecord]:
    return (
        DrillRecord.objects.visible_to(actor, capability)
        .select_related("organisation", "site", "plan")
        .annotate(problem_count=Count("problems"))
        .order_by("-held_on", "-id")
    )


def drill_get(*, actor, pk, capability: str | None = Cap.VIEW_EMERGENCY) -> DrillRecord:
    return scoped_get(
        drill_list(actor=actor, capability=capability).prefetch_related(
            Prefetch(
                "problems",
                queryset=DrillProblem.objects.select_related("hazard", "revision_task").order_by("id"),
            )
        ),
        pk,
    )


def problem_get(*, actor, drill_pk, pk, capability: str | None = Cap.VIEW_EMERGENCY) -> DrillProblem:
    """A problem of a drill the actor sees (with `capability`); NotInScope otherwise."""
    drill = drill_get(actor=actor, pk=drill_pk, capability=capability)
    for problem in drill.problems.all():
        if str(problem.pk) == str(pk):
            return problem
    raise NotInScope(_("未找到。"))


# ---- compliance (DOMAIN.md §5.3) --------------------------------------------------------------


@dataclass
class Period:
    label: str
    start: datetime.date
    end: datetime.date
    drills: int
    status: str

    @property
    def status_label(self) -> str:
        return str(PeriodStatus(self.status).label)


@dataclass
class ComplianceRow:
    unit: str
    unit_kind: str  # "plan", "site" or "organisation"
    unit_id: int
    rule: str
    periods: list[Period] = field(default_factory=list)

    @property
    def rule_label(self) -> str:
        return str(ComplianceRule(self.rule).label)

    @property
    def missed(self) -> int:
        return sum(1 for p in self.periods if p.status == PeriodStatus.MISSED)


def _year_periods(year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    return [(_("%(year)s年") % {"year": year}, datetime.date(year, 1, 1), datetime.date(year, 12, 31))]


def _half_periods(year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    return [
        (_("%(year)s年上半年") % {"year": year}, datetime.date(year, 1, 1), datetime.date(year, 6, 30)),
        (_("%(year)s年下半年") % {"year": year}, datetime.date(year, 7, 1), datetime.date(year, 12, 31)),
    ]


def _two_year_periods(year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    return [
        (
            _("%(first)s—%(last)s年") % {"first": year - 1, "last": year},
            datetime.date(year - 1, 1, 1),
            datetime.date(year, 12, 31),
        )
    ]


def _status(drills: int, start: datetime.date, end: datetime.date, today: datetime.date) -> str:
    if drills:
        return PeriodStatus.MET
    if today > end:
        return PeriodStatus.MISSED
    if today >= start:
        return PeriodStatus.OPEN
    return PeriodStatus.FUTURE


def _period_counts(periods, dates: list[datetime.date], since: datetime.date | None):
    """(label, start, end, drills) of each period that applies to a unit (a plan counts from the
    period in which it was issued)."""
    for label, start, end in periods:
        if since is not None and since > end:
            continue  # the plan did not exist yet in this period
        yield label, start, end, sum(1 for d in dates if start <= d <= end)


def _compliance_units(*, actor, year: int):
    """Each unit the drill-frequency rules apply to, over what the actor may see, as (unit kind, id,
    name, rule, periods, drill dates, since): read as plain values (a province has ~17,000
    high-risk sites; no model instances). Four queries."""
    window_start = datetime.date(year - 1, 1, 1)
    window_end = datetime.date(year, 12, 31)
    drills = (
        DrillRecord.objects.visible_to(actor, Cap.VIEW_EMERGENCY)
        .filter(held_on__gte=window_start, held_on__lte=window_end)
        .values_list("plan_id", "site_id", "organisation_id", "held_on")
    )
    by_plan: dict[int, list[datetime.date]] = {}
    by_site: dict[int, list[datetime.date]] = {}
    by_org: dict[int, list[datetime.date]] = {}
    for plan_id, site_id, org_id, held_on in drills:
        if plan_id is not None:
            by_plan.setdefault(plan_id, []).append(held_on)
        if site_id is not None:
            by_site.setdefault(site_id, []).append(held_on)
        if org_id is not None:
            by_org.setdefault(org_id, []).append(held_on)
    # The periods depend on the year only: built once, not per unit.
    year_periods, half_periods, two_year_periods = (
        _year_periods(year),
        _half_periods(year),
        _two_year_periods(year),
    )
    plans = (
        EmergencyPlan.objects.of_scope(actor, Cap.VIEW_EMERGENCY)
        .filter(issued_on__lte=window_end)
        .order_by("region_path", "kind", "title", "id")
        .values_list("id", "title", "kind", "issued_on")
    )
    for pk, title, kind, issued_on in plans:
        on_site = kind == PlanKind.ON_SITE
        rule = ComplianceRule.ON_SITE_HALF if on_site else ComplianceRule.PLAN_YEAR
        periods = half_periods if on_site else year_periods
        yield "plan", pk, title, rule, periods, by_plan.get(pk, ()), issued_on
    sites = (
        Site.objects.visible_to(actor, Cap.VIEW_EMERGENCY)
        .filter(kind__in=HIGH_RISK_SITE_KINDS, business_status=BusinessStatus.OPERATING)
        .order_by("region_path", "name", "id")
        .values_list("id", "name")
    )
    for pk, name in sites:
        yield "site", pk, name, ComplianceRule.HIGH_RISK_HALF, half_periods, by_site.get(pk, ()), None
    orgs = (
        _placed_organisations(actor, Cap.VIEW_EMERGENCY)
        .filter(kind__in=GOVERNMENT_KINDS, is_active=True)
        .order_by("region_path", "kind", "name", "id")
        .values_list("id", "name")
    )
    for pk, name in orgs:
        rule = ComplianceRule.GOVERNMENT_TWO_YEARS
        yield "organisation", pk, name, rule, two_year_periods, by_org.get(pk, ()), None


def drill_compliance(*, actor, year: int, today: datetime.date) -> list[ComplianceRow]:
    """Drill frequency per unit and period for `year` (dates are calendar dates in Asia/Shanghai),
    over what the actor may see:

    - every comprehensive or special plan: ≥ 1 drill exercising it in the year;
    - every on-site plan (现场处置方案): ≥ 1 in each half-year;
    - every operating high-risk site (`HIGH_RISK_SITE_KINDS`): ≥ 1 drill by the site per half-year;
    - the county office, departments and township governments: ≥ 1 drill they organised in the two
      years ending with `year` (a rolling window: `year - 1` and `year`).

    A plan counts from the period in which it was issued. A period is met (drills ≥ 1), missed (it
    ended before `today` without one), open (under way, none yet) or future. Four queries."""
    rows: list[ComplianceRow] = []
    for unit_kind, pk, name, rule, periods, dates, since in _compliance_units(actor=actor, year=year):
        row = ComplianceRow(unit=name, unit_kind=unit_kind, unit_id=pk, rule=rule)
        for label, start, end, n in _period_counts(periods, dates, since):
            row.periods.append(
                Period(label=label, start=start, end=end, drills=n, status=_status(n, start, end, today))
            )
        if row.periods:
            rows.append(row)
    return rows


@dataclass(frozen=True)
class ComplianceSummary:
    units: int
    periods: int
    met: int
    missed: int


def compliance_summary(rows: list[ComplianceRow]) -> ComplianceSummary:
    periods = [p for r in rows for p in r.periods]
    return ComplianceSummary(
        units=len(rows),
        periods=len(periods),
        met=sum(1 for p in periods if p.status == PeriodStatus.MET),
        missed=sum(1 for p in periods if p.status == PeriodStatus.MISSED),
    )


def drill_compliance_summary(*, actor, year: int, today: datetime.date) -> ComplianceSummary:
    """`compliance_summary(drill_compliance(...))` without building the rows (the dashboard's
    figures: a province has ~37,000 units)."""
    units = periods = met = missed = 0
    for _kind, _pk, _name, _rule, unit_periods, dates, since in _compliance_units(actor=actor, year=year):
        applied = 0
        for _label, start, end, n in _period_counts(unit_periods, dates, since):
            applied += 1
            status = _status(n, start, end, today)
            met += status == PeriodStatus.MET
            missed += status == PeriodStatus.MISSED
        periods += applied
        units += applied > 0
    return ComplianceSummary(units=units, periods=periods, met=met, missed=missed)


# ---- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmergencyFigures:
    plans_written_or_revised: int  # versions issued in the period
    drills: int
    participants: int


def emergency_figures(*, actor, date_from: datetime.date, date_to: datetime.date) -> EmergencyFigures:
    """The bulletin's figures for a period (both dates included) in the actor's scope: plan versions
    issued (written or revised), drills held and their participants. Two queries."""
    plans = EmergencyPlan.objects.of_scope(actor, Cap.VIEW_EMERGENCY)
    versions = PlanVersion.objects.filter(
        plan__in=plans.values("pk"), issued_on__gte=date_from, issued_on__lte=date_to
    ).count()
    totals = (
        DrillRecord.objects.visible_to(actor, Cap.VIEW_EMERGENCY)
        .filter(held_on__gte=date_from, held_on__lte=date_to)
        .aggregate(n=Count("id"), people=Sum("participants"))
    )
    return EmergencyFigures(
        plans_written_or_revised=versions, drills=totals["n"], participants=totals["people"] or 0
    )
