"""Dispatch in the demo county (调度): the meetings of the county committee, the county office and
the sector committees, their agenda (escalated hazards among them), decisions and action items.

`build_demo_dispatch(seed=…, today=…)` runs on a county written by `build_demo_county` with its
year of activity, when the dispatch app is installed and migrated (`dispatch_ready`); otherwise it
writes nothing and returns None. Everything random comes from one `random.Random` seeded from
`seed`: the same seed and `today` give the same rows.

- Period: from 1 January of the year that contains the first day of the demo's activity year
  (today − 365 days) up to yesterday, so that every calendar period the compliance page shows for
  those years is complete.
- Cadence: the county committee once a quarter, the office once a month, each sector committee per
  its `meetings_per_year` (periods from `dispatch.cadence`). One sector committee (水上交通和渔业
  船舶, or the last committee if that one is missing) deliberately skips its most recent finished
  period, so the compliance page shows a missed period. The period still running today has a
  meeting only sometimes.
- Escalated hazards: a hazard of the activity year that was escalated to a level (2 sector
  committee, 3 county office, 4 county committee) and then assigned there goes on the agenda of
  that body's meeting when the meeting falls between the escalation and the assignment (the meeting
  day is chosen among the period's assignment days to take as many as possible). The decision is
  the one on the hazard's timeline: responsible unit, person and deadline of its "assign" event,
  which the agenda item links (`hazard_event`). Decisions are recorded, not re-applied: the
  timeline is already the hazard loop's. A hazard still waiting at a level after escalation goes,
  undecided, on the agenda of the body's latest meeting after its escalation.
- Resolutions become action items of the county's organisations, due 15–60 days after the
  meeting; most past-due ones are done, a few are overdue, recent ones mostly open.

Rows are bulk-created with the scope keys the services compute (county path; sector of a sector
committee), with no audit record per row.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.roles import Role
from safegrid.orgs.choices import OrganisationKind, RegionKind
from safegrid.orgs.models import Organisation, Region, Sector

from .county import _clean

YEAR_DAYS = 365
MISSED_SECTOR = "waterway"
CURRENT_PERIOD_CHANCE = 0.6

COMMITTEE_TOPICS = (
    "传达学习上级安全生产会议精神",
    "通报本季度安全生产形势和事故情况",
    "研究部署下阶段安全生产重点工作",
    "听取各行业领域安委会工作汇报",
)
OFFICE_TOPICS = (
    "通报本月隐患排查治理情况",
    "调度重点行业领域专项整治进展",
    "部署节假日及重大活动期间安全防范工作",
    "通报逾期未整改隐患督办情况",
)
SECTOR_TOPICS = (
    "分析研判本行业领域安全风险",
    "通报行业领域隐患排查整改情况",
    "部署行业领域专项检查",
    "研究行业领域重大隐患挂牌督办事项",
)
RESOLUTIONS = (
    "开展安全生产大排查大整治，{days}日内报送排查情况",
    "对辖区有限空间作业单位开展专项检查",
    "落实节假日期间领导带班和24小时值班制度",
    "完成重大隐患整改并报送整改报告",
    "组织开展一次应急演练并报送总结",
    "开展“安全生产月”宣传活动",
    "对逾期未整改隐患约谈企业主要负责人",
    "开展汛期地质灾害和尾矿库隐患排查",
    "完成行业领域安全风险辨识评估并更新风险清单",
    "开展燃气、电动自行车等消防安全专项整治",
)
DONE_NOTES = ("已按期完成并报送情况。", "已完成，整改材料已归档。", "已组织实施，详见书面报告。")
KIND_BY_BODY = {
    "county_committee": ("plenary", "plenary", "special"),
    "county_office": ("dispatch",),
    "sector_committee": ("special", "consultation", "joint", "on_site"),
}


def dispatch_ready() -> bool:
    """The dispatch app is installed and its tables exist."""
    if not apps.is_installed("safegrid.dispatch"):
        return False
    tables = set(connection.introspection.table_names())
    models = list(apps.get_app_config("dispatch").get_models(include_auto_created=True))
    return bool(models) and all(m._meta.db_table in tables for m in models)


@dataclass
class _Escalated:
    """A hazard escalated to `level` on `escalated_on`; `assign` is the event that assigned it there
    (None: still waiting)."""

    hazard_id: int
    level: int
    sector_id: int
    escalated_on: datetime.date
    assign: dict[str, Any] | None = None
    superseded: bool = False  # escalated again before it was assigned at this level
    taken: bool = False


@dataclass
class _Body:
    body: str
    sector: Sector | None
    per_year: int
    label: str
    meetings: list[Any] = field(default_factory=list)


class _Builder:
    def __init__(self, *, seed: int, today: datetime.date) -> None:
        from safegrid.dispatch import cadence

        self.cadence = cadence
        self.rng = random.Random(f"dispatch-{seed}")
        self.today = today
        self.last_day = today - datetime.timedelta(days=1)
        self.first_day = datetime.date((today - datetime.timedelta(days=YEAR_DAYS)).year, 1, 1)
        counties = list(Region.objects.filter(kind=RegionKind.COUNTY).order_by("code"))
        if not counties:
            raise ValueError("演示县尚未生成（没有县级区划），请先生成演示县。")
        self.county = counties[0]
        self.sectors = list(Sector.objects.filter(region=self.county).order_by("sort_order", "code"))
        orgs = list(
            Organisation.objects.filter(region_path__startswith=self.county.path).order_by(
                "region__code", "kind", "name"
            )
        )
        self.orgs_by_kind: dict[str, list[Organisation]] = {}
        for org in orgs:
            self.orgs_by_kind.setdefault(org.kind, []).append(org)
        self.committee_orgs = {
            o.sector_id: o for o in self.orgs_by_kind.get(OrganisationKind.SECTOR_COMMITTEE, [])
        }
        self.users = {u.username: u for u in User.objects.order_by("username")}
        if "office" not in self.users:
            raise ValueError("演示县缺少县安委办账号（office）。")
        self.sector_users: dict[int, User] = {}
        for a in (
            RoleAssignment.objects.filter(role=Role.SECTOR_OFFICER)
            .select_related("user")
            .prefetch_related("sectors")
            .order_by("user__username", "id")
        ):
            for sector in a.sectors.all():
                self.sector_users.setdefault(sector.pk, a.user)
        self.bodies = [
            _Body("county_committee", None, 4, "县安委会"),
            _Body("county_office", None, 12, "县安委办"),
            *(
                _Body("sector_committee", s, s.meetings_per_year, s.committee_name or f"{s.name}安委会")
                for s in self.sectors
            ),
        ]
        missed = next(
            (b for b in self.bodies if b.sector and b.sector.code == MISSED_SECTOR), self.bodies[-1]
        )
        self.missed_body = missed
        self.missed_period: Any = None
        self.escalated = self._escalated()
        self.agenda: list[Any] = []
        self.actions: list[Any] = []

    # --- hazards ----------------------------------------------------------------------------------

    def _escalated(self) -> list[_Escalated]:
        """Escalations of the activity year, in hazard and timeline order, with the assignment that
        followed at the same level."""
        from safegrid.hazards.models import Hazard, HazardEvent

        sectors = dict(
            Hazard.objects.filter(region_path__startswith=self.county.path).values_list("pk", "sector_id")
        )
        found: list[_Escalated] = []
        current: dict[int, _Escalated] = {}
        events = (
            HazardEvent.objects.filter(hazard_id__in=list(sectors))
            .order_by("hazard_id", "at", "id")
            .values("id", "hazard_id", "action", "to_level", "from_level", "at", "note", "data", "actor_id")
        )
        tz = timezone.get_current_timezone()
        for e in events:
            day = e["at"].astimezone(tz).date()
            if e["action"] in ("escalate", "sweep_escalate") and e["to_level"] >= 2:
                if e["hazard_id"] in current:
                    current[e["hazard_id"]].superseded = True
                current[e["hazard_id"]] = _Escalated(
                    e["hazard_id"], e["to_level"], sectors[e["hazard_id"]], day
                )
                found.append(current[e["hazard_id"]])
            elif e["action"] == "assign":
                pending = current.pop(e["hazard_id"], None)
                if pending is not None and pending.level == e["to_level"]:
                    pending.assign = {**e, "day": day}
        return found

    def _candidates(self, body: _Body) -> list[_Escalated]:
        level = {"county_committee": 4, "county_office": 3, "sector_committee": 2}[body.body]
        return [
            h
            for h in self.escalated
            if h.level == level and (body.sector is None or h.sector_id == body.sector.pk) and not h.taken
        ]

    # --- meetings ---------------------------------------------------------------------------------

    def _day_in(self, start: datetime.date, end: datetime.date, body: _Body) -> datetime.date:
        """The meeting day: the assignment day that lets the meeting take most escalated hazards,
        else a weekday of the period (any day if it has none)."""
        assigned = [h for h in self._candidates(body) if h.assign and start <= h.assign["day"] <= end]
        if assigned:
            days = sorted({h.assign["day"] for h in assigned})
            return max(
                days,
                key=lambda d: (
                    sum(1 for h in assigned if h.escalated_on <= d <= h.assign["day"]),
                    -d.toordinal(),
                ),
            )
        span = (end - start).days + 1
        weekdays = [start + datetime.timedelta(days=i) for i in range(span)]
        weekdays = [d for d in weekdays if d.weekday() < 5] or weekdays
        return self.rng.choice(weekdays)

    def plan_meetings(self) -> None:
        from safegrid.dispatch.models import Meeting

        years = range(self.first_day.year, self.last_day.year + 1)
        finished = [
            p for y in years for p in self.cadence.periods(self.missed_body.per_year, y) if p.end < self.today
        ]
        if finished:
            self.missed_period = finished[-1]
        for body in self.bodies:
            creator = self.users["office"]
            if body.sector is not None:
                creator = self.sector_users.get(body.sector.pk, creator)
            for year in years:
                for period in self.cadence.periods(body.per_year, year):
                    start, end = max(period.start, self.first_day), min(period.end, self.last_day)
                    if start > end:
                        continue
                    if body is self.missed_body and period == self.missed_period:
                        continue
                    if period.end >= self.today and self.rng.random() > CURRENT_PERIOD_CHANCE:
                        continue
                    for _n in range(period.required):
                        day = self._day_in(start, end, body)
                        kind = self.rng.choice(KIND_BY_BODY[body.body])
                        meeting = Meeting(
                            body=body.body,
                            sector=body.sector,
                            region=self.county,
                            region_path=self.county.path,
                            title=self._title(body, kind, day, period),
                            kind=kind,
                            held_on=day,
                            place=self._place(body),
                            chair=self._chair(body),
                            attendees=self._attendees(body),
                            attendee_count=self.rng.randint(12, 45)
                            if body.sector is None
                            else self.rng.randint(8, 20),
                            agenda="",
                            minutes="",
                            created_by=creator,
                        )
                        body.meetings.append(meeting)

    def _title(self, body: _Body, kind: str, day: datetime.date, period: Any) -> str:
        from safegrid.dispatch.choices import MeetingKind

        kind_label = str(MeetingKind(kind).label)
        if body.body == "county_committee":
            return f"{day.year}年{period.label}{self.county.name}安委会{kind_label}"
        if body.body == "county_office":
            return f"{day.year}年{day.month}月{self.county.name}安委办安全生产调度会"
        return f"{body.label}{day.year}年{day.month}月{kind_label}"[:100]

    def _place(self, body: _Body) -> str:
        if body.sector is not None and body.sector.lead_department_id:
            return "牵头单位会议室"
        return self.rng.choice(("县政府三楼会议室", "县应急管理局会议室", "县行政中心第一会议室"))

    def _chair(self, body: _Body) -> str:
        if body.body == "county_committee":
            return (
                f"县长、县安委会主任 {self.users['leader'].display_name}"
                if "leader" in self.users
                else "县长"
            )
        if body.body == "county_office":
            return f"县安委办主任 {self.users['office'].display_name}"
        return "行业领域安委会主任"

    def _attendees(self, body: _Body) -> str:
        if body.sector is None:
            return "县安委会成员单位分管负责人，各乡镇分管负责人，县安委办全体人员"
        return f"{body.sector.member_departments or '成员单位'}分管负责人"

    # --- agenda, decisions and action items -----------------------------------------------------

    def plan_agenda(self) -> None:
        from safegrid.dispatch.models import AgendaItem

        for body in self.bodies:
            topics = {"county_committee": COMMITTEE_TOPICS, "county_office": OFFICE_TOPICS}.get(
                body.body, SECTOR_TOPICS
            )
            body.meetings.sort(key=lambda m: m.held_on)
            for meeting in body.meetings:
                items: list[AgendaItem] = []
                for title in self.rng.sample(topics, 2):
                    items.append(
                        AgendaItem(
                            meeting=meeting,
                            title=title,
                            decided=True,
                            decision="会议原则同意，由县安委办抓好落实。"
                            if body.sector is None
                            else "会议同意，由牵头单位抓好落实。",
                            decided_by=meeting.created_by,
                            decided_at=_evening(meeting.held_on),
                        )
                    )
                for h in self._candidates(body):
                    if h.assign and h.escalated_on <= meeting.held_on <= h.assign["day"]:
                        h.taken = True
                        data = h.assign["data"] or {}
                        items.append(
                            AgendaItem(
                                meeting=meeting,
                                title="",
                                hazard_id=h.hazard_id,
                                decided=True,
                                decision=h.assign["note"] or "限期整改",
                                responsible_org_id=data.get("responsible_org"),
                                responsible_person=(data.get("responsible_person") or "")[:30],
                                deadline=datetime.date.fromisoformat(data["deadline"])
                                if data.get("deadline")
                                else None,
                                decided_by_id=h.assign["actor_id"],
                                decided_at=h.assign["at"],
                                hazard_event_id=h.assign["id"],
                            )
                        )
                for order, item in enumerate(items, start=1):
                    item.order = order
                self.agenda.extend(items)
                meeting.agenda = "；".join(i.title for i in items if i.title) + (
                    "；研究提级隐患" if len(items) > 2 else ""
                )
                meeting.minutes = (
                    f"会议由{meeting.chair}主持，{meeting.attendee_count}人参加。"
                    f"会议研究了{len(items)}项议题，形成决议如下。"
                )
        # Hazards still waiting at a level: on the agenda of the body's latest meeting after the escalation.
        for body in self.bodies:
            for h in self._candidates(body):
                if h.assign is not None or h.superseded:
                    continue
                later = [m for m in body.meetings if m.held_on >= h.escalated_on]
                if later:
                    h.taken = True
                    meeting = later[-1]
                    order = sum(1 for i in self.agenda if i.meeting is meeting) + 1
                    self.agenda.append(
                        AgendaItem(meeting=meeting, order=order, title="", hazard_id=h.hazard_id)
                    )

    def plan_actions(self) -> None:
        from safegrid.dispatch.choices import ActionStatus
        from safegrid.dispatch.models import ActionItem

        governments = self.orgs_by_kind.get(OrganisationKind.TOWNSHIP_GOVERNMENT, [])
        departments = self.orgs_by_kind.get(OrganisationKind.DEPARTMENT, [])
        office = (self.orgs_by_kind.get(OrganisationKind.COUNTY_OFFICE) or [None])[0]
        for body in self.bodies:
            for meeting in body.meetings:
                for _n in range(self.rng.randint(1, 3)):
                    if body.sector is not None:
                        pool = [
                            o
                            for o in (self.committee_orgs.get(body.sector.pk), body.sector.lead_department)
                            if o
                        ]
                        pool += self.rng.sample(governments, min(2, len(governments)))
                    else:
                        pool = [
                            *self.rng.sample(governments, min(3, len(governments))),
                            *departments[:3],
                            *([office] if office else []),
                        ]
                    owner = self.rng.choice(pool)
                    days = self.rng.randint(15, 60)
                    deadline = meeting.held_on + datetime.timedelta(days=days)
                    status, done_on, note = ActionStatus.OPEN, None, ""
                    if deadline < self.today:
                        if self.rng.random() < 0.96:
                            latest = min(deadline + datetime.timedelta(days=10), self.last_day)
                            done_on = _between(self.rng, meeting.held_on + datetime.timedelta(days=3), latest)
                    elif (
                        self.rng.random() < 0.3
                        and meeting.held_on + datetime.timedelta(days=3) <= self.last_day
                    ):
                        done_on = _between(
                            self.rng, meeting.held_on + datetime.timedelta(days=3), self.last_day
                        )
                    if done_on is not None:
                        status, note = ActionStatus.DONE, self.rng.choice(DONE_NOTES)
                    self.actions.append(
                        ActionItem(
                            meeting=meeting,
                            region_path=meeting.region_path,
                            sector_id=meeting.sector_id,
                            resolution=self.rng.choice(RESOLUTIONS).format(days=days),
                            owner=owner,
                            deadline=deadline,
                            status=status,
                            done_on=done_on,
                            done_note=note,
                            created_by=meeting.created_by,
                        )
                    )

    # --- writing ----------------------------------------------------------------------------------

    def write(self) -> None:
        from safegrid.dispatch.models import ActionItem, AgendaItem, Meeting
        from safegrid.hazards.models import Hazard

        meetings = sorted(
            (m for b in self.bodies for m in b.meetings), key=lambda m: (m.held_on, m.body, m.sector_id or 0)
        )
        for m in meetings:
            _clean(m)
        Meeting.objects.bulk_create(meetings)
        hazards = {
            h.pk: h for h in Hazard.objects.filter(pk__in=[i.hazard_id for i in self.agenda if i.hazard_id])
        }
        for item in self.agenda:
            item.meeting_id = item.meeting.pk
            if item.hazard_id and not item.title:
                h = hazards[item.hazard_id]
                item.title = f"{h.number} {h.description}"[:200]
            _clean(item)
        AgendaItem.objects.bulk_create(self.agenda, batch_size=500)
        for action in self.actions:
            action.meeting_id = action.meeting.pk
            _clean(action)
        ActionItem.objects.bulk_create(self.actions, batch_size=500)

    def counts(self) -> dict[str, Any]:
        meetings = [m for b in self.bodies for m in b.meetings]
        hazard_items = [i for i in self.agenda if i.hazard_id]
        overdue = [a for a in self.actions if a.status == "open" and a.deadline < self.today]
        missed = None
        if self.missed_period is not None:
            missed = f"{self.missed_body.label} {self.missed_period.start.year}年{self.missed_period.label}"
        return {
            "period": [str(self.first_day), str(self.last_day)],
            "meetings": len(meetings),
            "by_body": dict(sorted(Counter(m.body for m in meetings).items())),
            "agenda_items": len(self.agenda),
            "hazard_items": len(hazard_items),
            "hazard_decisions": sum(1 for i in hazard_items if i.decided),
            "hazards_pending": sum(1 for i in hazard_items if not i.decided),
            "action_items": len(self.actions),
            "action_done": sum(1 for a in self.actions if a.status == "done"),
            "action_open": len(self.actions)
            - sum(1 for a in self.actions if a.status == "done")
            - len(overdue),
            "action_overdue": len(overdue),
            "missed": missed,
        }


def _evening(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(17, 30), tzinfo=timezone.get_current_timezone())


def _between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return end
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def build_demo_dispatch(*, seed: int, today: datetime.date | None = None) -> dict[str, Any] | None:
    """Write the county's meetings, agenda, decisions and action items and return their counts;
    None (nothing written) when the dispatch app is not installed or not migrated."""
    if not dispatch_ready():
        return None
    today = today or timezone.localdate()
    with transaction.atomic():
        builder = _Builder(seed=seed, today=today)
        builder.plan_meetings()
        builder.plan_agenda()
        builder.plan_actions()
        builder.write()
        return builder.counts()


def summary_lines(counts: dict[str, Any] | None) -> list[str]:
    if counts is None:
        return ["  调度模块未安装或未迁移，未生成调度会议和督办事项。"]
    by_body = counts["by_body"]
    missed = f"；未达标周期：{counts['missed']}" if counts["missed"] else ""
    return [
        f"  调度会议 {counts['meetings']} 次（县安委会 {by_body.get('county_committee', 0)}，"
        f"县安委办 {by_body.get('county_office', 0)}，行业领域安委会 {by_body.get('sector_committee', 0)}）；"
        f"议题 {counts['agenda_items']} 项，其中提级隐患 {counts['hazard_items']} 项"
        f"（已按会议决定交办 {counts['hazard_decisions']}，待研究 {counts['hazards_pending']}）；"
        f"督办事项 {counts['action_items']} 项：已办结 {counts['action_done']}，"
        f"办理中 {counts['action_open']}，"
        f"逾期 {counts['action_overdue']}{missed}",
    ]


def wipe_demo_dispatch() -> None:
    """Delete every action item, agenda item and meeting (before the hazards they refer to)."""
    if not dispatch_ready():
        return
    from safegrid.dispatch.models import ActionItem, AgendaItem, Meeting

    ActionItem.objects.all().delete()
    AgendaItem.objects.all().delete()
    Meeting.objects.all().delete()
