"""What the dashboard shows: the §7 figures as cards, each with the list that reproduces it.

`counts` names the figure whose value the linked list's total ("共 N 条") equals: the figure itself
for counts, the rows summed for sums (person-times → trainings), None where the figure is not a
number of rows (plans written or revised are versions; meetings required are a rule)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy

from safegrid.orgs.choices import RegionKind
from safegrid.people.choices import CertificateStatus

from .statistics import BreakdownRow, Figures, MonthCount


def list_url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{reverse(name)}?{query}" if query else reverse(name)


@dataclass(frozen=True)
class Card:
    name: str  # the Figures field
    label: str
    value: object
    url: str
    counts: str | None
    list_total: int | None = None  # the value of `counts`: what the linked list's total must be


@dataclass
class Section:
    title: str
    cards: list[Card] = field(default_factory=list)


def _d(day: datetime.date) -> str:
    return day.isoformat()


def sections(f: Figures) -> list[Section]:
    """The cards of the figures the actor may see, by bulletin pillar (groups that are None are left
    out)."""
    a, b = _d(f.date_from), _d(f.date_to)
    hazards = "hazards:hazard_list"
    found = {"reported_from": a, "reported_to": b}
    result: list[Section] = []

    def section(title, rows):
        rows = [(n, label, f"{v:.2f}" if isinstance(v, Decimal) else v, *rest) for n, label, v, *rest in rows]
        cards = [
            Card(*row, list_total=getattr(f, row[4]) if row[4] else None)
            for row in rows
            if row[2] is not None
        ]
        if cards:
            result.append(Section(title, cards))

    rate = f.rectification_rate
    section(
        pgettext_lazy("dashboard", "排查整改"),
        [
            (
                "places_inspected",
                gettext_lazy("排查场所（处）"),
                f.places_inspected,
                list_url("sites:site_list", inspected_from=a, inspected_to=b),
                "places_inspected",
            ),
            (
                "inspections",
                gettext_lazy("检查（次）"),
                f.inspections,
                list_url("inspections:inspection_list", since=a, until=b),
                "inspections",
            ),
            (
                "hazards_found",
                gettext_lazy("发现隐患（处）"),
                f.hazards_found,
                list_url(hazards, **found),
                "hazards_found",
            ),
            (
                "hazards_rectified",
                gettext_lazy("已整改（处）"),
                f.hazards_rectified,
                list_url(hazards, **found, status="closed"),
                "hazards_rectified",
            ),
            (
                "rectification_rate",
                gettext_lazy("整改率"),
                None
                if rate is None and f.hazards_found is None
                else ("—" if rate is None else f"{rate * 100:.1f}%"),
                list_url(hazards, **found, status="closed"),
                "hazards_rectified",
            ),
            (
                "major_hazards",
                gettext_lazy("重大隐患（处）"),
                f.major_hazards,
                list_url(hazards, **found, grade="major"),
                "major_hazards",
            ),
            (
                "hazards_overdue",
                gettext_lazy("当前逾期（处）"),
                f.hazards_overdue,
                list_url(hazards, overdue="true"),
                "hazards_overdue",
            ),
            (
                "hazards_escalated_open",
                gettext_lazy("提级未销号（处）"),
                f.hazards_escalated_open,
                list_url(hazards, escalated="true", is_open="true"),
                "hazards_escalated_open",
            ),
        ],
    )
    section(
        pgettext_lazy("dashboard", "执法"),
        [
            (
                "penalties",
                gettext_lazy("行政处罚（次）"),
                f.penalties,
                list_url("enforcement:penalty_list", since=a, until=b),
                "penalties",
            ),
            (
                "penalty_amount",
                gettext_lazy("罚款金额（元）"),
                f.penalty_amount,
                list_url("enforcement:penalty_list", since=a, until=b),
                "penalties",
            ),
            (
                "documents_issued",
                gettext_lazy("执法文书（份）"),
                f.documents_issued,
                list_url("enforcement:document_list", status="issued", since=a, until=b),
                "documents_issued",
            ),
        ],
    )
    certificates = "people:certificate_list"
    section(
        pgettext_lazy("dashboard", "队伍建设"),
        [
            (
                "trainings",
                gettext_lazy("培训（场）"),
                f.trainings,
                list_url("people:training_list", date_from=a, date_to=b),
                "trainings",
            ),
            (
                "training_person_times",
                gettext_lazy("培训人次"),
                f.training_person_times,
                list_url("people:training_list", date_from=a, date_to=b),
                "trainings",
            ),
            (
                "certificates_valid",
                gettext_lazy("有效证书"),
                f.certificates_valid,
                list_url(certificates, status=CertificateStatus.VALID),
                "certificates_valid",
            ),
            (
                "certificates_expiring",
                gettext_lazy("即将到期证书"),
                f.certificates_expiring,
                list_url(certificates, status=CertificateStatus.EXPIRY_DUE),
                "certificates_expiring",
            ),
            (
                "certificates_expired",
                gettext_lazy("已过期证书"),
                f.certificates_expired,
                list_url(certificates, status=CertificateStatus.EXPIRED),
                "certificates_expired",
            ),
        ],
    )
    activities = "publicity:activity_list"
    section(
        pgettext_lazy("dashboard", "宣传培训"),
        [
            (
                "publicity_activities",
                gettext_lazy("宣传活动（次）"),
                f.publicity_activities,
                list_url(activities, date_from=a, date_to=b),
                "publicity_activities",
            ),
            (
                "enterprise_visits",
                gettext_lazy("走访企业（家次）"),
                f.enterprise_visits,
                list_url(activities, date_from=a, date_to=b),
                "publicity_activities",
            ),
            (
                "lectures",
                gettext_lazy("宣讲（场）"),
                f.lectures,
                list_url(activities, channel="lecture", date_from=a, date_to=b),
                "lectures",
            ),
        ],
    )
    section(
        pgettext_lazy("dashboard", "实战演练"),
        [
            (
                "drills",
                gettext_lazy("演练（次）"),
                f.drills,
                list_url("emergency:drill_list", date_from=a, date_to=b),
                "drills",
            ),
            (
                "drill_participants",
                gettext_lazy("参演人数"),
                f.drill_participants,
                list_url("emergency:drill_list", date_from=a, date_to=b),
                "drills",
            ),
            (
                "plans_written_or_revised",
                gettext_lazy("预案编修（件）"),
                f.plans_written_or_revised,
                list_url("emergency:plan_list"),
                None,
            ),
        ],
    )
    section(
        pgettext_lazy("dashboard", "调度机制"),
        [
            (
                "meetings_held",
                gettext_lazy("召开会议（次）"),
                f.meetings_held,
                list_url("dispatch:meeting_list", date_from=a, date_to=b),
                "meetings_held",
            ),
            (
                "meetings_required",
                gettext_lazy("应开会议（次）"),
                f.meetings_required,
                list_url("dispatch:compliance", year=f.date_to.year),
                None,
            ),
        ],
    )
    # 明晰职责: only the figures a list reproduces. Grids with or without a grid worker have no list,
    # and the organisations counted (those seated in the actor's area) are fewer than the
    # organisation list shows (it adds the bodies above the area): those stay in the bulletin.
    regions = "orgs:region_list"
    section(
        pgettext_lazy("dashboard", "明晰职责"),
        [
            (
                "townships",
                gettext_lazy("乡镇（个）"),
                f.townships,
                list_url(regions, kind=RegionKind.TOWNSHIP.value),
                "townships",
            ),
            (
                "grids",
                gettext_lazy("网格（个）"),
                f.grids,
                list_url(regions, kind=RegionKind.GRID.value),
                "grids",
            ),
            (
                "grid_duty_lists",
                gettext_lazy("网格职责清单（份）"),
                f.grid_duty_lists,
                list_url("orgs:gridduty_list"),
                "grid_duty_lists",
            ),
        ],
    )
    funds = list_url("support:fund_list", year_from=f.date_from.year, year_to=f.date_to.year)
    engagements = list_url("support:engagement_list", date_from=a, date_to=b)
    section(
        pgettext_lazy("dashboard", "基础保障"),
        [
            ("funds_allocated", gettext_lazy("安排资金（元）"), f.funds_allocated, funds, "fund_allocations"),
            ("funds_spent", gettext_lazy("已支出（元）"), f.funds_spent, funds, "fund_allocations"),
            (
                "expert_engagements",
                gettext_lazy("专家服务（次）"),
                f.expert_engagements,
                engagements,
                "expert_engagements",
            ),
            ("expert_days", gettext_lazy("专家（人·天）"), f.expert_days, engagements, "expert_engagements"),
            ("expert_cost", gettext_lazy("专家费用（元）"), f.expert_cost, engagements, "expert_engagements"),
            (
                "expert_problems",
                gettext_lazy("发现问题（个）"),
                f.expert_problems,
                engagements,
                "expert_engagements",
            ),
        ],
    )
    return result


def trend_rows(months: list[MonthCount]) -> list[dict]:
    hazards = "hazards:hazard_list"
    return [
        {
            "label": m.month.strftime("%Y-%m"),
            "found": m.found,
            "closed": m.closed,
            "found_url": list_url(hazards, reported_from=_d(m.month), reported_to=_d(m.last_day)),
            "closed_url": list_url(
                hazards, status="closed", closed_from=_d(m.month), closed_to=_d(m.last_day)
            ),
        }
        for m in months
    ]


def breakdown_rows(rows: list[BreakdownRow], f: Figures) -> list[dict]:
    """Each row with the links reproducing its four numbers (through the list filter the row names:
    sector, sector_code or within)."""
    period = {"reported_from": _d(f.date_from), "reported_to": _d(f.date_to)}
    result = []
    for r in rows:
        found = {**period, r.list_filter: r.key}
        result.append(
            {
                "row": r,
                "found_url": list_url("hazards:hazard_list", **found),
                "closed_url": list_url("hazards:hazard_list", **found, status="closed"),
                "open_url": list_url("hazards:hazard_list", **found, is_open="true"),
                "overdue_url": list_url("hazards:hazard_list", **found, overdue="true"),
            }
        )
    return result


@dataclass(frozen=True)
class CadenceRow:
    """A row of the dashboard's meeting-cadence table."""

    label: str
    held: int
    required: int
    missed: int  # periods that ended short of their meetings


def cadence_rows(bodies) -> tuple[list[CadenceRow], bool]:
    """The dashboard's meeting-cadence table from dispatch.selectors.cadence_compliance's rows: one
    row per meeting body within one county; over several counties one row per county, its
    committee, office and sector committees together (a province has 1,600 bodies; the compliance
    page lists them all). The second value says whether the rows are counties."""
    if len({body.region.pk for body in bodies}) <= 1:
        return [CadenceRow(b.label, b.held, b.required, len(b.missed)) for b in bodies], False
    per_county: dict[int, list] = {}
    for body in bodies:
        row = per_county.setdefault(body.region.pk, [body.region.name, 0, 0, 0])
        row[1] += body.held
        row[2] += body.required
        row[3] += len(body.missed)
    return [CadenceRow(*row) for row in per_county.values()], True
