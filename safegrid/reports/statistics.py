"""The figures of DESIGN.md §7, defined once for a period and the actor's scope, and reused by the
dashboard, the API, the exports and the bulletin.

A period is two calendar dates in Asia/Shanghai, both included. Every group of figures belongs to a
capability: an actor without it gets None for the whole group (so pages hide it), never zeros.
Where an app already defines a figure (people, publicity, emergency, support, dispatch) it is
reused from that app's selector; the others are built here on the apps' scoped querysets, so every
count equals the number of rows the actor could list."""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Length, Substr, TruncMonth
from django.utils import timezone

from safegrid.accounts.models import RoleAssignment
from safegrid.accounts.roles import Cap, Role
from safegrid.core.scope import grants_for
from safegrid.dispatch import selectors as dispatch_selectors
from safegrid.emergency import selectors as emergency_selectors
from safegrid.enforcement import selectors as enforcement_selectors
from safegrid.enforcement.choices import DocumentStatus
from safegrid.hazards import selectors as hazard_selectors
from safegrid.hazards import tally
from safegrid.hazards.choices import DEADLINE_STATUSES, HazardGrade, HazardStatus
from safegrid.hazards.models import Hazard
from safegrid.inspections import selectors as inspection_selectors
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.choices import OrganisationKind, RegionKind
from safegrid.people import selectors as people_selectors
from safegrid.people.choices import CertificateStatus
from safegrid.publicity import selectors as publicity_selectors
from safegrid.support import selectors as support_selectors

ZERO = Decimal("0.00")


def day_start(day: datetime.date) -> datetime.datetime:
    """Local midnight (Asia/Shanghai) at the start of `day`, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def reported_between(date_from: datetime.date, date_to: datetime.date, field: str = "reported_at") -> Q:
    """Rows whose `field` (a datetime) falls on a local date in [date_from, date_to]. Written as a
    half-open datetime range so that the (region_path, reported_at) index serves it."""
    return Q(
        **{f"{field}__gte": day_start(date_from), f"{field}__lt": day_start(date_to + datetime.timedelta(1))}
    )


def escalated_q() -> Q:
    """Hazards escalated at least once (by a level or by the overdue sweep) — the hazard list's
    `escalated` filter (`escalated_at` is set by the first escalation)."""
    return Q(escalated_at__isnull=False)


@dataclass(frozen=True)
class Figures:
    """DESIGN.md §7 for one period and one actor's scope. None = the actor may not see that kind of
    record (the whole group is None), never "zero"."""

    date_from: datetime.date
    date_to: datetime.date
    today: datetime.date

    # 排查整改 (VIEW_INSPECTION): distinct sites with ≥ 1 inspection in the period; inspections.
    places_inspected: int | None
    inspections: int | None
    # 排查整改 (VIEW_HAZARD): hazards reported in the period; of those, closed (销号); rectified /
    # found (None when nothing was found); of those, major; and, as of `today` whatever the period,
    # overdue (deadline passed, not rectified) and escalated at least once and still open.
    hazards_found: int | None
    hazards_rectified: int | None
    rectification_rate: float | None
    major_hazards: int | None
    hazards_overdue: int | None
    hazards_escalated_open: int | None
    # 执法 (VIEW_ENFORCEMENT): penalties decided and their amount, documents issued in the period.
    penalties: int | None
    penalty_amount: Decimal | None
    documents_issued: int | None
    # 队伍建设 (VIEW_PEOPLE): trainings held in the period and their person-times (人次);
    # certificates by status as of `today` (valid, expiring within the reminder window, expired).
    trainings: int | None
    training_person_times: int | None
    certificates_valid: int | None
    certificates_expiring: int | None
    certificates_expired: int | None
    # 宣传培训 (VIEW_PUBLICITY): activities in the period, enterprise visits (one per site visited by
    # an activity), lectures.
    publicity_activities: int | None
    enterprise_visits: int | None
    lectures: int | None
    # 实战演练 (VIEW_EMERGENCY): drills held and their participants; plan versions issued (written or
    # revised) by the actor's own scope.
    drills: int | None
    drill_participants: int | None
    plans_written_or_revised: int | None
    # 调度机制 (VIEW_DISPATCH): meetings held in the period; meetings required by the cadence of the
    # bodies the actor reads, over the cadence periods lying wholly inside the period.
    meetings_held: int | None
    meetings_required: int | None
    # 基础保障 (VIEW_SUPPORT): allocations of the budget years the period touches (count, amount, and
    # what was spent against them); expert engagements started in the period, expert-days (experts ×
    # days), cost and problems found.
    fund_allocations: int | None
    funds_allocated: Decimal | None
    funds_spent: Decimal | None
    expert_engagements: int | None
    expert_days: int | None
    expert_cost: Decimal | None
    expert_problems: int | None
    # 明晰职责 (VIEW_ORGANISATION), as the records stand now, whatever the period: townships and grids
    # the actor sees; of those grids, the ones with at least one active 网格员 account (a grid
    # worker's role assignment at that grid, its user active) and the rest; active organisations
    # seated in the actor's own area (not the bodies above it that the organisation list also
    # shows), and of those the committees (县安委会, 行业领域安委会); grid duty lists (one per grid
    # and role).
    townships: int | None
    grids: int | None
    grids_staffed: int | None
    grids_unstaffed: int | None
    organisations: int | None
    committees: int | None
    grid_duty_lists: int | None

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _none(*names: str) -> dict:
    return dict.fromkeys(names)


def _inspection_figures(actor, date_from, date_to) -> dict:
    if not grants_for(actor, Cap.VIEW_INSPECTION):
        return _none("places_inspected", "inspections")
    row = (
        inspection_selectors.inspection_list(actor=actor)
        .filter(inspected_on__gte=date_from, inspected_on__lte=date_to)
        .order_by()
        .aggregate(n=Count("id"), places=Count("site_id", distinct=True))
    )
    return {"places_inspected": row["places"], "inspections": row["n"]}


def _hazard_figures(actor, date_from, date_to, today, *, live: bool = False) -> dict:
    names = (
        "hazards_found",
        "hazards_rectified",
        "rectification_rate",
        "major_hazards",
        "hazards_overdue",
        "hazards_escalated_open",
    )
    if not grants_for(actor, Cap.VIEW_HAZARD):
        return _none(*names)
    if not live and tally.serves(actor, date_from, date_to):
        return _hazard_figures_from_tally(actor, date_from, date_to, today)
    block = _live_block(actor, date_from, date_to, today)
    if block is not None:
        return _hazard_figure_values(**block.totals)
    in_period = reported_between(date_from, date_to)
    # Every figure counts rows reported in the period or still open: the other rows (closed
    # before, reported before) are left out by the WHERE, not scanned for the FILTERs.
    row = (
        Hazard.objects.visible_to(actor, Cap.VIEW_HAZARD)
        .filter(in_period | ~Q(status=HazardStatus.CLOSED))
        .order_by()
        .aggregate(
            found=Count("id", filter=in_period),
            rectified=Count("id", filter=in_period & Q(status=HazardStatus.CLOSED)),
            major=Count("id", filter=in_period & Q(grade=HazardGrade.MAJOR)),
            overdue=Count("id", filter=Q(status__in=DEADLINE_STATUSES, deadline__lt=today)),
            escalated=Count("id", filter=~Q(status=HazardStatus.CLOSED) & Q(escalated_q())),
        )
    )
    return _hazard_figure_values(**row)


def _hazard_figure_values(*, found, rectified, major, overdue, escalated) -> dict:
    """The hazard group of `Figures`, whichever way its counts were read."""
    return {
        "hazards_found": found,
        "hazards_rectified": rectified,
        "rectification_rate": rate(rectified, found),
        "major_hazards": major,
        "hazards_overdue": overdue,
        "hazards_escalated_open": escalated,
    }


_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("statistics_memo", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within the block, the figures, the trend and the breakdowns of one page share what they read
    in common (today's open work above a county): the dashboard and the statistics API wrap their
    calls in it. Outside it nothing is kept, so a later call always sees the rows as they are."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _shared(key: tuple, compute):
    """`compute()`, once per `key` inside `shared_reads` (every call outside it)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@dataclass(frozen=True)
class _LiveBlock:
    """The live hazard figures of one page, read in one statement (see `_live_block`)."""

    date_from: datetime.date
    date_to: datetime.date
    area_length: int | None
    totals: dict
    by_sector: dict
    by_area: dict
    trend: dict


def _flag(condition: Q) -> ExpressionWrapper:
    """A row's condition as a column: a boolean on PostgreSQL, 1 or 0 on SQLite (NULL where the
    condition reads a NULL: counted as not met either way)."""
    return ExpressionWrapper(condition, output_field=BooleanField())


def _live_block(actor, date_from, date_to, today) -> _LiveBlock | None:
    """Inside `shared_reads`, the live figures, the 12-month trend and both breakdowns of one page in
    one statement (PERFORMANCE.md: one GROUPING SETS statement, 4.4 ms, against 12.8 ms for four
    queries): the scoped hazards reported in the period or in the trend's window, closed in the
    window, or open, are read once (a CTE) and counted five ways (UNION ALL, which SQLite runs too).
    Each row carries 0/1 flags computed by the ORM, so every condition is the one the separate
    queries use. Outside `shared_reads`, None: each figure is read on its own."""
    memo = _memo.get()
    if memo is None:
        return None
    key = ("live-block", actor.pk, today)
    held = memo.get(key)
    if held is not None and (held.date_from, held.date_to) == (date_from, date_to):
        return held
    areas = _breakdown_areas_shared(actor)
    lengths = {len(a.path) for a in areas}
    area_length = lengths.pop() if len(lengths) == 1 else None
    spans = months_back(today)
    in_period = reported_between(date_from, date_to)
    reported_in_window = reported_between(spans[0][0], spans[-1][1])
    closed_in_window = Q(status=HazardStatus.CLOSED) & reported_between(
        spans[0][0], spans[-1][1], "closed_at"
    )
    is_open = ~Q(status=HazardStatus.CLOSED)
    zone = timezone.get_current_timezone()
    base = (
        hazard_selectors.hazard_list(actor=actor)
        .select_related(None)
        .filter(in_period | reported_in_window | closed_in_window | is_open)
        .order_by()
        .annotate(
            b_area=Substr("region_path", 1, area_length or 1),
            b_rmonth=TruncMonth("reported_at", tzinfo=zone, output_field=DateField()),
            b_cmonth=TruncMonth("closed_at", tzinfo=zone, output_field=DateField()),
            f_period=_flag(in_period),
            f_closed=_flag(Q(status=HazardStatus.CLOSED)),
            f_major=_flag(Q(grade=HazardGrade.MAJOR)),
            f_overdue=_flag(Q(status__in=DEADLINE_STATUSES, deadline__lt=today)),
            f_escalated=_flag(is_open & escalated_q()),
            f_rtrend=_flag(reported_in_window),
            f_ctrend=_flag(closed_in_window),
        )
        .values(
            "sector_id",
            "b_area",
            "b_rmonth",
            "b_cmonth",
            "f_period",
            "f_closed",
            "f_major",
            "f_overdue",
            "f_escalated",
            "f_rtrend",
            "f_ctrend",
        )
    )
    base_sql, params = base.query.get_compiler(using=base.db).as_sql()
    connection = connections[base.db]
    sql = (
        _live_block_sql_grouping_sets(base_sql)
        if connection.vendor == "postgresql"
        else _live_block_sql(base_sql)
    )
    totals: dict = {}
    by_sector: dict = {}
    by_area: dict = {}
    trend: dict = {}
    with connections[base.db].cursor() as cursor:
        cursor.execute(sql, params)
        for kind, sector_id, area, month, *numbers in cursor.fetchall():
            a, b, c, d, e = (int(n or 0) for n in numbers)
            if kind != 0 and a == 0:
                continue  # a group with nothing in the period or the window (GROUPING SETS keeps it)
            if kind == 0:
                totals = {"found": a, "rectified": b, "major": c, "overdue": d, "escalated": e}
            elif kind == 1:
                by_sector[sector_id] = (a, b, c)
            elif kind == 2:
                by_area[area] = (a, b, c)
            else:
                first = _as_date(month)
                found, closed = trend.get(first, (0, 0))
                trend[first] = (a, closed) if kind == 3 else (found, a)
    block = _LiveBlock(
        date_from, date_to, area_length, totals, by_sector, by_area if area_length else {}, trend
    )
    memo[key] = block
    return block


# The rows of the live block's statement: (kind, sector id, area, month, a, b, c, d, e) where kind 0
# is the totals (found, rectified, major, overdue, escalated), 1 a sector and 2 an area (found,
# rectified, overdue among them, 0, 0), 3 a month reported and 4 a month closed (count, 0, 0, 0, 0).


def _live_block_sql(base_sql: str) -> str:
    """The statement as a CTE counted five ways (UNION ALL: SQLite has no GROUPING SETS). Composed
    of SQL compiled by the ORM (its values stay parameters) and fixed text."""
    per_group = "SUM(f_period), SUM(f_period * f_closed), SUM(f_period * f_overdue), 0, 0"
    nothing = "CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS DATE)"
    return (
        f"WITH s AS ({base_sql}) "  # noqa: S608 - compiled ORM SQL, parameters kept  # nosec B608
        f"SELECT 0, {nothing}, SUM(f_period), SUM(f_period * f_closed), SUM(f_period * f_major),"
        " SUM(f_overdue), SUM(f_escalated) FROM s"
        f" UNION ALL SELECT 1, sector_id, CAST(NULL AS TEXT), CAST(NULL AS DATE), {per_group}"
        " FROM s WHERE f_period = 1 GROUP BY sector_id"
        f" UNION ALL SELECT 2, CAST(NULL AS BIGINT), b_area, CAST(NULL AS DATE), {per_group}"
        " FROM s WHERE f_period = 1 GROUP BY b_area"
        " UNION ALL SELECT 3, CAST(NULL AS BIGINT), CAST(NULL AS TEXT), b_rmonth, COUNT(*), 0, 0, 0, 0"
        " FROM s WHERE f_rtrend = 1 GROUP BY b_rmonth"
        " UNION ALL SELECT 4, CAST(NULL AS BIGINT), CAST(NULL AS TEXT), b_cmonth, COUNT(*), 0, 0, 0, 0"
        " FROM s WHERE f_ctrend = 1 GROUP BY b_cmonth"
    )


def _live_block_sql_grouping_sets(base_sql: str) -> str:
    """The same rows from one pass on PostgreSQL (GROUPING SETS, hashed together, counting with
    FILTERs over the boolean flags: about 0.6 × the CTE's time on a county's 14,000 rows); groups
    with nothing counted come back with zeros and are skipped by the reader. Composed of SQL
    compiled by the ORM and fixed text."""
    g_sector, g_area, g_rmonth, g_cmonth = (
        f"GROUPING({column}) = 0" for column in ("sector_id", "b_area", "b_rmonth", "b_cmonth")
    )

    def n(condition: str) -> str:
        return f"COUNT(*) FILTER (WHERE {condition})"

    return (
        f"SELECT CASE WHEN {g_sector} THEN 1 WHEN {g_area} THEN 2 WHEN {g_rmonth} THEN 3"  # noqa: S608  # nosec B608
        f" WHEN {g_cmonth} THEN 4 ELSE 0 END, sector_id, b_area, COALESCE(b_rmonth, b_cmonth),"
        f" CASE WHEN {g_rmonth} THEN {n('f_rtrend')} WHEN {g_cmonth} THEN {n('f_ctrend')}"
        f" ELSE {n('f_period')} END,"
        f" CASE WHEN {g_rmonth} OR {g_cmonth} THEN 0 ELSE {n('f_period AND f_closed')} END,"
        f" CASE WHEN {g_sector} OR {g_area} THEN {n('f_period AND f_overdue')}"
        f" WHEN {g_rmonth} OR {g_cmonth} THEN 0 ELSE {n('f_period AND f_major')} END,"
        f" CASE WHEN {g_sector} OR {g_area} OR {g_rmonth} OR {g_cmonth} THEN 0 ELSE {n('f_overdue')} END,"
        f" CASE WHEN {g_sector} OR {g_area} OR {g_rmonth} OR {g_cmonth} THEN 0 ELSE {n('f_escalated')} END"
        f" FROM ({base_sql}) s"  # compiled ORM SQL, its values kept as parameters
        " GROUP BY GROUPING SETS ((), (sector_id), (b_area), (b_rmonth), (b_cmonth))"
    )


def _as_date(value) -> datetime.date:
    """A month's first day as the database returns it (a date; SQLite: its text)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _open_work(actor, date_from, date_to, today) -> dict | None:
    """Today's open work of an actor the tally serves, per (sector, county path): [overdue now,
    escalated and open, overdue among those reported in the period]. One GROUP BY over the partial
    index of open hazards (shared by the figures and both breakdowns inside `shared_reads`). None
    when the actor's counties have paths of different lengths (then each is counted on its own)."""

    def compute():
        lengths = set(
            org_selectors.region_list(actor=actor)
            .filter(kind=RegionKind.COUNTY)
            .order_by()
            .annotate(n=Length("path"))
            .values_list("n", flat=True)
            .distinct()
        )
        if len(lengths) != 1:
            return None
        owed = Q(status__in=DEADLINE_STATUSES, deadline__lt=today)
        rows = (
            hazard_selectors.hazard_list(actor=actor)
            .exclude(status=HazardStatus.CLOSED)
            .order_by()
            .annotate(county=Substr("region_path", 1, lengths.pop()))
            .values("sector_id", "county")
            .annotate(
                overdue=Count("id", filter=owed),
                escalated=Count("id", filter=escalated_q()),
                late=Count("id", filter=owed & reported_between(date_from, date_to)),
            )
        )
        return {(r["sector_id"], r["county"]): (r["overdue"], r["escalated"], r["late"]) for r in rows}

    return _shared(("open", actor.pk, date_from, date_to, today), compute)


def _tally_period(actor, date_from, date_to) -> dict:
    """{(sector, county path): [found, rectified, major]} over the period's months, from the tally:
    one GROUP BY shared by the figures and both breakdowns inside `shared_reads` (the rows are at
    most sectors × counties: 1,400 for a province)."""

    def compute():
        rows = (
            tally.tally_list(actor=actor)
            .filter(month__gte=date_from, month__lte=date_to)
            .values_list("sector_id", "region_path")
            .annotate(found=Sum("found"), rectified=Sum("rectified"), major=Sum("major"))
        )
        return {
            (sector_id, path): (found, rectified, major) for sector_id, path, found, rectified, major in rows
        }

    return _shared(("tally", actor.pk, date_from, date_to), compute)


def _open_figures(actor, date_from, date_to, today) -> dict:
    """Overdue now and escalated-and-open: today's state of open work, read live (the partial index
    of open hazards carries every column)."""
    work = _open_work(actor, date_from, date_to, today)
    if work is not None:
        return {
            "overdue": sum(v[0] for v in work.values()),
            "escalated": sum(v[1] for v in work.values()),
        }
    return (
        hazard_selectors.hazard_list(actor=actor)
        .exclude(status=HazardStatus.CLOSED)
        .order_by()
        .aggregate(
            overdue=Count("id", filter=Q(status__in=DEADLINE_STATUSES, deadline__lt=today)),
            escalated=Count("id", filter=escalated_q()),
        )
    )


def _hazard_figures_from_tally(actor, date_from, date_to, today) -> dict:
    """The same figures for an actor above a county over whole months: the period's counts summed
    from the tally (hazards.tally), today's from the open hazards."""
    rows = _tally_period(actor, date_from, date_to).values()
    found, rectified = sum(r[0] for r in rows), sum(r[1] for r in rows)
    now = _open_figures(actor, date_from, date_to, today)
    return _hazard_figure_values(
        found=found,
        rectified=rectified,
        major=sum(r[2] for r in rows),
        overdue=now["overdue"],
        escalated=now["escalated"],
    )


def rate(part: int, whole: int) -> float | None:
    """part / whole as a fraction rounded to 4 places; None when whole is 0."""
    return round(part / whole, 4) if whole else None


def _enforcement_figures(actor, date_from, date_to) -> dict:
    if not grants_for(actor, Cap.VIEW_ENFORCEMENT):
        return _none("penalties", "penalty_amount", "documents_issued")
    penalties = (
        enforcement_selectors.penalty_list(actor=actor)
        .filter(decided_on__gte=date_from, decided_on__lte=date_to)
        .order_by()
        .aggregate(n=Count("id"), amount=Sum("amount"))
    )
    documents = (
        enforcement_selectors.document_list(actor=actor)
        .filter(status=DocumentStatus.ISSUED, issued_on__gte=date_from, issued_on__lte=date_to)
        .order_by()
        .count()
    )
    return {
        "penalties": penalties["n"],
        "penalty_amount": penalties["amount"] or ZERO,
        "documents_issued": documents,
    }


def _people_figures(actor, date_from, date_to, today) -> dict:
    names = (
        "trainings",
        "training_person_times",
        "certificates_valid",
        "certificates_expiring",
        "certificates_expired",
    )
    if not grants_for(actor, Cap.VIEW_PEOPLE):
        return _none(*names)
    # people_figures also counts people and teams (three queries we do not need): the training and
    # certificate parts are the app's own selectors, called directly.
    trainings = (
        people_selectors.training_list(actor=actor)
        .filter(held_on__gte=date_from, held_on__lte=date_to)
        .order_by()
        .aggregate(n=Count("id"), times=Sum("person_times"))
    )
    certificates = people_selectors.certificate_status_counts(actor=actor, today=today)
    return {
        "trainings": trainings["n"],
        "training_person_times": trainings["times"] or 0,
        "certificates_valid": certificates[CertificateStatus.VALID],
        "certificates_expiring": certificates[CertificateStatus.EXPIRY_DUE],
        "certificates_expired": certificates[CertificateStatus.EXPIRED],
    }


def _publicity_figures(actor, date_from, date_to) -> dict:
    if not grants_for(actor, Cap.VIEW_PUBLICITY):
        return _none("publicity_activities", "enterprise_visits", "lectures")
    f = publicity_selectors.activity_figures(actor=actor, date_from=date_from, date_to=date_to)
    return {
        "publicity_activities": f.activities,
        "enterprise_visits": f.enterprise_visits,
        "lectures": f.lectures,
    }


def _emergency_figures(actor, date_from, date_to) -> dict:
    if not grants_for(actor, Cap.VIEW_EMERGENCY):
        return _none("drills", "drill_participants", "plans_written_or_revised")
    f = emergency_selectors.emergency_figures(actor=actor, date_from=date_from, date_to=date_to)
    return {
        "drills": f.drills,
        "drill_participants": f.participants,
        "plans_written_or_revised": f.plans_written_or_revised,
    }


def cadence_compliance(*, actor, year: int, today: datetime.date):
    """dispatch.selectors.cadence_compliance, read once per page inside `shared_reads` (the
    dashboard shows the rows and counts the meetings required from them)."""
    return _shared(
        ("cadence", actor.pk, year, today),
        lambda: dispatch_selectors.cadence_compliance(actor=actor, year=year, today=today),
    )


def _dispatch_figures(actor, date_from, date_to, today) -> dict:
    if not grants_for(actor, Cap.VIEW_DISPATCH):
        return _none("meetings_held", "meetings_required")
    held = (
        dispatch_selectors.meeting_list(actor=actor)
        .filter(held_on__gte=date_from, held_on__lte=date_to)
        .order_by()
        .values("pk")
        .count()
    )
    required = 0
    for year in range(date_from.year, date_to.year + 1):
        for body in cadence_compliance(actor=actor, year=year, today=today):
            required += sum(
                p.period.required
                for p in body.periods
                if date_from <= p.period.start and p.period.end <= date_to
            )
    return {"meetings_held": held, "meetings_required": required}


def _support_figures(actor, date_from, date_to) -> dict:
    names = (
        "fund_allocations",
        "funds_allocated",
        "funds_spent",
        "expert_engagements",
        "expert_days",
        "expert_cost",
        "expert_problems",
    )
    if not grants_for(actor, Cap.VIEW_SUPPORT):
        return _none(*names)
    allocations = support_selectors.fund_list(actor=actor).filter(
        year__gte=date_from.year, year__lte=date_to.year
    )
    total = support_selectors.fund_grand_total(
        support_selectors.fund_totals(actor=actor, allocations=allocations)
    )
    experts = support_selectors.engagement_figures(actor=actor, date_from=date_from, date_to=date_to)
    return {
        "fund_allocations": allocations.order_by().values("pk").count(),
        "funds_allocated": total.allocated,
        "funds_spent": total.spent,
        "expert_engagements": experts.engagements,
        "expert_days": experts.expert_days,
        "expert_cost": experts.cost,
        "expert_problems": experts.problems,
    }


COMMITTEE_KINDS = (OrganisationKind.COUNTY_COMMITTEE, OrganisationKind.SECTOR_COMMITTEE)


def _duty_figures(actor) -> dict:
    names = (
        "townships",
        "grids",
        "grids_staffed",
        "grids_unstaffed",
        "organisations",
        "committees",
        "grid_duty_lists",
    )
    if not grants_for(actor, Cap.VIEW_ORGANISATION):
        return _none(*names)
    # Whether a visible grid has a grid worker is read from the role assignments directly, not
    # through their own scope: that scope shows sector officers and grid workers only their own
    # assignment, which would report every other grid as unstaffed. The figure names no person, and
    # the grid's duty list, which every reader of this group sees, already names its 网格员.
    staffed = Exists(
        RoleAssignment.objects.filter(region_id=OuterRef("pk"), role=Role.GRID_WORKER, user__is_active=True)
    )
    grid = Q(kind=RegionKind.GRID)
    regions = org_selectors.region_list(actor=actor)
    areas = regions.order_by().aggregate(
        townships=Count("id", filter=Q(kind=RegionKind.TOWNSHIP)),
        grids=Count("id", filter=grid),
        staffed=Count("id", filter=grid & Q(staffed)),
    )
    # The organisation list also shows the bodies above the actor's area (the county office to a
    # township); the bulletin speaks of the area's own, so only those seated in a visible region.
    organisations = (
        org_selectors.organisation_list(actor=actor)
        .filter(is_active=True, region_id__in=regions.order_by().values("pk"))
        .order_by()
        .aggregate(n=Count("id"), committees=Count("id", filter=Q(kind__in=COMMITTEE_KINDS)))
    )
    return {
        "townships": areas["townships"],
        "grids": areas["grids"],
        "grids_staffed": areas["staffed"],
        "grids_unstaffed": areas["grids"] - areas["staffed"],
        "organisations": organisations["n"],
        "committees": organisations["committees"],
        "grid_duty_lists": org_selectors.grid_duty_list(actor=actor).order_by().values("pk").count(),
    }


def figures(
    *, actor, date_from: datetime.date, date_to: datetime.date, today: datetime.date | None = None
) -> Figures:
    """Every §7 figure for [date_from, date_to] (local dates, both included) in the actor's scope.
    `today` (default: today in Asia/Shanghai) fixes the figures that are "as of now" (overdue,
    escalated, certificates, cadence); the duty figures are the records as they stand now, whatever
    the period. A bounded number of queries, whatever the row counts."""
    if date_from > date_to:
        raise ValueError("date_from after date_to")
    today = today or timezone.localdate()
    values: dict = {"date_from": date_from, "date_to": date_to, "today": today}
    values |= _inspection_figures(actor, date_from, date_to)
    values |= _hazard_figures(actor, date_from, date_to, today)
    values |= _enforcement_figures(actor, date_from, date_to)
    values |= _people_figures(actor, date_from, date_to, today)
    values |= _publicity_figures(actor, date_from, date_to)
    values |= _emergency_figures(actor, date_from, date_to)
    values |= _dispatch_figures(actor, date_from, date_to, today)
    values |= _support_figures(actor, date_from, date_to)
    values |= _duty_figures(actor)
    return Figures(**values)


# ---- trends and breakdowns (hazards) -------------------------------------------------------------


@dataclass(frozen=True)
class MonthCount:
    """Hazards reported in one month, and hazards closed (销号) in that month."""

    month: datetime.date  # the first day
    last_day: datetime.date
    found: int
    closed: int


def months_back(today: datetime.date, n: int = 12) -> list[tuple[datetime.date, datetime.date]]:
    """The n calendar months ending with today's, oldest first, as (first day, last day)."""
    result = []
    year, month = today.year, today.month
    for _i in range(n):
        first = datetime.date(year, month, 1)
        nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
        result.append((first, nxt - datetime.timedelta(days=1)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return result[::-1]


def hazard_monthly_trend(
    *, actor, today: datetime.date | None = None, months: int = 12, live: bool = False
) -> list[MonthCount]:
    """Found and closed per month over the last `months` months (today's included). One query, its
    rows limited to those reported or closed in the window (the covering index serves it); for an
    actor above a county, one query on the tally."""
    today = today or timezone.localdate()
    spans = months_back(today, months)
    if not live and tally.serves(actor):
        rows = (
            tally.tally_list(actor=actor)
            .filter(month__gte=spans[0][0], month__lte=spans[-1][0])
            .values("month")
            .annotate(found=Sum("found"), closed=Sum("closed"))
        )
        per_month = {r["month"]: (r["found"], r["closed"]) for r in rows}
        return [MonthCount(first, last, *per_month.get(first, (0, 0))) for first, last in spans]
    memo = _memo.get()
    block = memo.get(("live-block", actor.pk, today)) if memo is not None and months == 12 else None
    if block is not None:  # read with the page's figures (any period: the window is today's)
        return [MonthCount(first, last, *block.trend.get(first, (0, 0))) for first, last in spans]
    aggregates = {}
    for i, (first, last) in enumerate(spans):
        aggregates[f"f{i}"] = Count("id", filter=reported_between(first, last))
        aggregates[f"c{i}"] = Count(
            "id", filter=Q(status=HazardStatus.CLOSED) & reported_between(first, last, "closed_at")
        )
    start, end = spans[0][0], spans[-1][1]
    window = reported_between(start, end)
    closed_in_window = Q(status=HazardStatus.CLOSED) & reported_between(start, end, "closed_at")
    row = (
        hazard_selectors.hazard_list(actor=actor)
        .filter(window | closed_in_window)
        .order_by()
        .aggregate(**aggregates)
    )
    return [
        MonthCount(month=first, last_day=last, found=row[f"f{i}"], closed=row[f"c{i}"])
        for i, (first, last) in enumerate(spans)
    ]


@dataclass(frozen=True)
class BreakdownRow:
    """Hazards reported in the period in one sector or one area: found, of those closed, still open,
    and overdue now."""

    key: int | str  # sector id, sector code (a sector kind) or region id
    name: str
    found: int
    closed: int
    open: int
    overdue: int
    list_filter: str  # the hazard list's filter `key` is a value of: sector, sector_code or within


def _grouped_counts(actor, key, date_from, date_to, today) -> dict:
    """{group key: (found, closed, overdue)} over the hazards reported in the period, grouped by
    `key` (a field name or an expression). One GROUP BY query: its shape does not depend on the
    number of groups (one FILTER column per group overflowed PostgreSQL's 1,664-column target list
    at province scale)."""
    rows = (
        hazard_selectors.hazard_list(actor=actor)
        .filter(reported_between(date_from, date_to))
        .order_by()
        .annotate(group=key)
        .values("group")
        .annotate(
            found=Count("id"),
            closed=Count("id", filter=Q(status=HazardStatus.CLOSED)),
            overdue=Count("id", filter=Q(status__in=DEADLINE_STATUSES, deadline__lt=today)),
        )
    )
    return {r["group"]: (r["found"], r["closed"], r["overdue"]) for r in rows}


def _grouped_counts_from_tally(actor, key, overdue_key, date_from, date_to, today) -> dict:
    """`_grouped_counts` for an actor the tally serves: found and closed summed from the tally rows
    grouped by `key`, overdue counted live over the open hazards grouped by `overdue_key`."""
    sums: dict = {}
    for (sector_id, path), (found, rectified, _major) in _tally_period(actor, date_from, date_to).items():
        group = sector_id if key == "sector_id" else path
        have = sums.get(group, (0, 0))
        sums[group] = (have[0] + found, have[1] + rectified)
    work = _open_work(actor, date_from, date_to, today)
    late: dict = {}
    if work is not None:
        for (sector_id, county), (_overdue, _escalated, n) in work.items():
            group = sector_id if key == "sector_id" else county
            if n:
                late[group] = late.get(group, 0) + n
    else:
        overdue = (
            hazard_selectors.hazard_list(actor=actor)
            .exclude(status=HazardStatus.CLOSED)
            .filter(reported_between(date_from, date_to), status__in=DEADLINE_STATUSES, deadline__lt=today)
            .order_by()
            .annotate(group=overdue_key)
            .values("group")
            .annotate(n=Count("id"))
        )
        late = {r["group"]: r["n"] for r in overdue}
    counts = {group: (found, closed, late.get(group, 0)) for group, (found, closed) in sums.items()}
    for group, n in late.items():  # never without a row found in the period, but exact anyway
        counts.setdefault(group, (0, 0, n))
    return counts


def _rows(counts: dict, items: list[tuple[object, int, str]], list_filter: str) -> list[BreakdownRow]:
    result = []
    for group, key, name in items:
        found, closed, overdue = counts.get(group, (0, 0, 0))
        result.append(BreakdownRow(key, name, found, closed, found - closed, overdue, list_filter))
    return result


def _by_sector_kind(counts: dict, sectors: list[tuple[int, str, str]]) -> list[BreakdownRow]:
    """Sector rows summed per kind (code), in the order the kinds first appear, each named as its
    first sector."""
    kinds: dict[str, list] = {}
    for pk, name, code in sectors:
        found, closed, overdue = counts.get(pk, (0, 0, 0))
        kind = kinds.setdefault(code, [name, 0, 0, 0])
        kind[1] += found
        kind[2] += closed
        kind[3] += overdue
    return [
        BreakdownRow(code, name, found, closed, found - closed, overdue, "sector_code")
        for code, (name, found, closed, overdue) in kinds.items()
    ]


def hazard_breakdown_by_sector(
    *,
    actor,
    date_from: datetime.date,
    date_to: datetime.date,
    today: datetime.date | None = None,
    live: bool = False,
) -> list[BreakdownRow]:
    """Per sector the actor may filter by (its sector list), in the sectors' order; for an actor
    above a county (org_selectors.reads_sector_kinds) per sector kind, the counties' sectors of one
    code together (14 rows for a province, not 1,400). Two queries (three from the tally)."""
    today = today or timezone.localdate()
    sectors = list(
        org_selectors.sector_list(actor=actor)
        .select_related(None)
        .order_by("region_path", "sort_order", "id")
        .values_list("id", "name", "code")
    )
    if not sectors:
        return []
    if not live and tally.serves(actor, date_from, date_to):
        counts = _grouped_counts_from_tally(actor, "sector_id", F("sector_id"), date_from, date_to, today)
    elif (block := None if live else _live_block(actor, date_from, date_to, today)) is not None:
        counts = block.by_sector
    else:
        counts = _grouped_counts(actor, F("sector_id"), date_from, date_to, today)
    if org_selectors.reads_sector_kinds(actor=actor):
        return _by_sector_kind(counts, sectors)
    return _rows(counts, [(pk, pk, name) for pk, name, _code in sectors], "sector")


def breakdown_areas(*, actor) -> list:
    """The areas of the area breakdown: the counties the actor sees when it sees more than one (a
    city, a province: 100 rows, not 1,600 townships), else the townships it sees, or (seeing none: a
    grid worker, an enterprise) its grids."""
    regions = org_selectors.region_list(actor=actor).select_related(None).order_by("path")
    regions = regions.only("name", "path", "kind")
    # Filtered in the database: a province sees 11,000 regions, of which 1,600 townships.
    counties = list(regions.filter(kind=RegionKind.COUNTY))
    if len(counties) > 1:
        return counties
    townships = list(regions.filter(kind=RegionKind.TOWNSHIP))
    return townships or list(regions.filter(kind=RegionKind.GRID))


def hazard_breakdown_by_area(
    *,
    actor,
    date_from: datetime.date,
    date_to: datetime.date,
    today: datetime.date | None = None,
    live: bool = False,
) -> list[BreakdownRow]:
    """Per township (or grid, see `breakdown_areas`), by region subtree: a hazard belongs to the
    area whose path is the prefix of its region path of that length, so the rows are grouped by
    that prefix. Two queries (one more per further path length, when areas' paths differ in
    length)."""
    today = today or timezone.localdate()
    areas = _breakdown_areas_shared(actor)
    if not areas:
        return []
    counts: dict = {}
    if (
        not live
        and tally.serves(actor, date_from, date_to)
        and all(a.kind == RegionKind.COUNTY for a in areas)
    ):
        # The tally's rows are the counties themselves.
        for length in sorted({len(r.path) for r in areas}):
            counts |= _grouped_counts_from_tally(
                actor, "region_path", Substr("region_path", 1, length), date_from, date_to, today
            )
        return _rows(counts, [(r.path, r.pk, r.name) for r in areas], "within")
    block = None if live else _live_block(actor, date_from, date_to, today)
    if block is not None and block.area_length is not None:
        return _rows(block.by_area, [(r.path, r.pk, r.name) for r in areas], "within")
    for length in sorted({len(r.path) for r in areas}):
        counts |= _grouped_counts(actor, Substr("region_path", 1, length), date_from, date_to, today)
    return _rows(counts, [(r.path, r.pk, r.name) for r in areas], "within")


def _breakdown_areas_shared(actor) -> list:
    """`breakdown_areas`, read once inside `shared_reads`."""
    return _shared(("areas", actor.pk), lambda: breakdown_areas(actor=actor))


def overdue_hazards(*, actor, today: datetime.date | None = None, limit: int = 10) -> list[Hazard]:
    """The longest-overdue hazards (top `limit`)."""
    return list(hazard_selectors.hazard_queue(actor=actor, queue="overdue", today=today)[:limit])


def escalated_open_hazards(*, actor, limit: int = 10) -> list[Hazard]:
    """Open hazards escalated at least once, highest level and oldest first (top `limit`)."""
    return list(
        hazard_selectors.hazard_list(actor=actor)
        .exclude(status=HazardStatus.CLOSED)
        .filter(escalated_q())
        .order_by("-level", "reported_at", "id")[:limit]
    )
