"""Emergency plans and drills in the demo county (应急预案与演练), at the bulletin's scale for the
year before today: 15 plans written or revised, the year's drill plan, 104 drills with 5,200+
participants.

`build_demo_emergency(seed=…, today=…)` runs on a county written by `build_demo_county`, when the
emergency app is installed and migrated; otherwise it writes nothing and returns None. Everything
random comes from one `random.Random` seeded from `seed`, consumed in a fixed order over rows read
back in natural-key order: the same seed and `today` give the same rows.

- Plans that already existed before the period: the county's comprehensive plan (县安委办), six
  special plans of the departments leading their sectors, every township's plan and on-site plans
  (现场处置方案) of ten key high-risk enterprises. In the period five of them are revised (the county
  plan after a drill revealed a problem, two special and two township plans) and ten more on-site
  plans are written: 15 plan versions issued, each reviewed (评审 where 第二十一条 requires it,
  otherwise 论证) and filed — all on time but one, filed three days late.
- Drills (104): every plan is exercised; every on-site plan in each half-year of the period, except
  one plan deliberately left undrilled in the last completed half-year, so the compliance page
  shows a miss; schools, hospitals, malls, hotels, scenic spots and key road sections make up the
  rest. Participants add up to 5,200+. Problems found become revision tasks of the plan exercised;
  none is turned into a hazard here, so the hazard figures of the year (activity.py) stay exactly
  the bulletin's — a problem at an enterprise's drill is left for the user to turn into a hazard.
- The drill plan: one entry per drill held (linked to it) plus entries still to come this year.

High-risk sites without a plan in the system are not given drills: the compliance page lists them
as missed, which is what the rule (应急条例 第八条) says of them.

Rows are bulk-created with the scope keys the services copy (`services.place`) and the filing
deadline they compute (20 working days on the holiday calendar); no audit record per row.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.roles import Role
from safegrid.orgs.choices import OrganisationKind, RegionKind
from safegrid.orgs.models import Organisation, Region
from safegrid.sites.choices import BusinessStatus, SiteKind
from safegrid.sites.models import Site

from .county import _clean

YEAR_DAYS = 365
DRILLS = 104
PARTICIPANTS_RANGE = (5_210, 5_390)
ON_SITE_EXISTING = 10
ON_SITE_NEW = 10
SPECIALS = [  # sector code, plan title
    ("mining", "崇义县非煤矿山生产安全事故专项应急预案"),
    ("hazchem", "崇义县危险化学品事故专项应急预案"),
    ("fire", "崇义县火灾事故专项应急预案"),
    ("road_traffic", "崇义县道路交通事故专项应急预案"),
    ("water", "崇义县防汛抗旱专项应急预案"),
    ("forestry", "崇义县森林火灾专项应急预案"),
]
ON_SITE_TOPICS = {
    SiteKind.MINE: ("透水事故", "冒顶片帮事故", "炸药库火灾"),
    SiteKind.TAILINGS_POND: ("尾矿库溃坝", "汛期漫顶"),
    SiteKind.HAZCHEM: ("危险化学品泄漏", "储罐火灾"),
    SiteKind.GAS: ("燃气泄漏", "液化气储罐火灾"),
    SiteKind.GAS_STATION: ("油品泄漏火灾",),
    SiteKind.FIREWORKS: ("仓库火灾爆炸",),
}
# place kind, site kinds drilled there, (participants low, high), scenario
VENUES = [
    ("school", (SiteKind.SCHOOL,), 12, (150, 450), "教学楼火灾及地震应急疏散"),
    ("hospital", (SiteKind.HOSPITAL,), 8, (60, 180), "病房楼火灾人员疏散与转运"),
    ("mall", (SiteKind.MALL,), 6, (40, 140), "营业高峰期火灾疏散"),
    ("hotel", (SiteKind.HOTEL,), 4, (20, 80), "客房火灾疏散"),
    ("scenic", (SiteKind.TOURISM,), 4, (40, 120), "节假日游客拥挤踩踏及山洪避险"),
]
ROAD_SECTIONS = (
    "G105 国道横水段",
    "赣韶高速崇义出口",
    "S545 省道过埠段",
    "崇义大道与阳明路交叉口",
    "铅厂镇山区急弯路段",
    "上堡梯田景区盘山公路",
)
PROBLEMS = (
    "部分参演人员对疏散路线不熟悉",
    "应急广播覆盖不到后场区域",
    "应急物资储备清单与实物不符",
    "信息报告流程超时",
    "救援队伍集结时间偏长",
    "现场警戒区域划定不清",
)
TRIGGERS_FOR_REVISION = [["command"], ["risks", "resources"], ["laws"], ["command", "resources"]]


def emergency_ready() -> bool:
    """The emergency app is installed and its tables exist."""
    if not apps.is_installed("safegrid.emergency"):
        return False
    tables = set(connection.introspection.table_names())
    models = list(apps.get_app_config("emergency").get_models(include_auto_created=True))
    return bool(models) and all(m._meta.db_table in tables for m in models)


def last_completed_half(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    if today.month >= 7:
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30)
    return datetime.date(today.year - 1, 7, 1), datetime.date(today.year - 1, 12, 31)


class _Builder:
    def __init__(self, *, seed: int, today: datetime.date) -> None:
        from safegrid.core.workdays import WorkdayCalendar

        self.rng = random.Random(f"emergency-{seed}")
        self.today = today
        self.first_day = today - datetime.timedelta(days=YEAR_DAYS)
        self.last_day = today - datetime.timedelta(days=1)
        self.half = last_completed_half(today)
        self.calendar = WorkdayCalendar()  # one calendar for the whole build
        counties = list(Region.objects.filter(kind=RegionKind.COUNTY).order_by("code"))
        if not counties:
            raise ValueError("演示县尚未生成（没有县级区划），请先生成演示县。")
        self.county = counties[0]
        orgs = list(
            Organisation.objects.select_related("sector", "region").order_by("region__code", "kind", "name")
        )
        self.office = next(o for o in orgs if o.kind == OrganisationKind.COUNTY_OFFICE)
        self.governments = [o for o in orgs if o.kind == OrganisationKind.TOWNSHIP_GOVERNMENT]
        self.committees = {
            o.sector.code: o for o in orgs if o.kind == OrganisationKind.SECTOR_COMMITTEE and o.sector_id
        }
        leads = {}
        for o in orgs:
            if o.kind == OrganisationKind.SECTOR_COMMITTEE and o.sector_id and o.sector.lead_department_id:
                leads[o.sector.code] = o.sector.lead_department_id
        by_id = {o.pk: o for o in orgs}
        self.lead_department = {code: by_id[pk] for code, pk in leads.items() if pk in by_id}
        sites = list(
            Site.objects.filter(business_status=BusinessStatus.OPERATING)
            .select_related("grid")
            .order_by("grid__code", "name", "id")
        )
        self.sites_by_kind: dict[str, list[Site]] = {}
        for s in sites:
            self.sites_by_kind.setdefault(s.kind, []).append(s)
        self.users = {u.username: u for u in User.objects.order_by("username")}
        if "office" not in self.users:
            raise ValueError("演示县缺少县安委办账号（office）。")
        self.township_users: dict[str, User] = {}
        self.sector_users: dict[int, User] = {}
        self.site_users: dict[int, User] = {}
        for a in (
            RoleAssignment.objects.select_related("user")
            .prefetch_related("sectors")
            .order_by("user__username")
        ):
            if a.role == Role.TOWNSHIP_OFFICER:
                self.township_users.setdefault(a.region_path, a.user)
            elif a.role == Role.SECTOR_OFFICER:
                for sector in a.sectors.all():
                    self.sector_users.setdefault(sector.pk, a.user)
            elif a.role == Role.ENTERPRISE_MANAGER and a.site_id:
                self.site_users.setdefault(a.site_id, a.user)
        self.plans: list[Any] = []
        self.versions: list[Any] = []
        self.evaluations: list[Any] = []
        self.drills: list[Any] = []
        self.problems: list[tuple[Any, str, Any, bool]] = []  # drill, text, plan to revise, closed
        self.entries: list[Any] = []

    # --- helpers ----------------------------------------------------------------------------

    def author(self, owner) -> User:
        """The demo account that keeps this owner's rows, else the county office."""
        if isinstance(owner, Site):
            return (
                self.site_users.get(owner.pk)
                or self.sector_users.get(owner.sector_id)
                or self.users["office"]
            )
        if owner.sector_id is not None:
            return self.sector_users.get(owner.sector_id) or self.users["office"]
        for path, user in self.township_users.items():
            if owner.region_path.startswith(path):
                return user
        return self.users["office"]

    def day_between(self, lo: datetime.date, hi: datetime.date) -> datetime.date:
        hi = max(lo, hi)
        return lo + datetime.timedelta(days=self.rng.randint(0, (hi - lo).days))

    def owner_kwargs(self, owner) -> dict[str, Any]:
        return (
            {"organisation": None, "site": owner}
            if isinstance(owner, Site)
            else {"organisation": owner, "site": None}
        )

    # --- plans ------------------------------------------------------------------------------

    def plan(self, owner, kind: str, title: str, issued_on: datetime.date, *, revised_on=None, triggers=()):
        """A plan issued before or in the period; `revised_on` issues version 2 in the period."""
        from safegrid.core.dates import add_years
        from safegrid.emergency.models import EmergencyPlan, PlanVersion, review_required_for
        from safegrid.emergency.services import place

        site = owner if isinstance(owner, Site) else None
        method = (
            "review"
            if review_required_for(site) or owner == self.office or (site is None and owner.sector_id)
            else "validation"
        )
        author = self.author(owner)
        plan = EmergencyPlan(kind=kind, title=title, created_by=author, document_number="")
        place(plan, **self.owner_kwargs(owner))
        history = [(1, issued_on, [])]
        if revised_on is not None:
            history.append((2, revised_on, list(triggers)))
        for version, day, version_triggers in history:
            due = self.calendar.add_workdays(day, 20)
            reviewed = day - datetime.timedelta(days=self.rng.randint(3, 15))
            filed = min(day + datetime.timedelta(days=self.rng.randint(5, 20)), due)
            row = PlanVersion(
                plan=plan,
                version=version,
                issued_on=day,
                title=title,
                triggers=version_triggers,
                reason="根据演练和机构调整情况修订" if version_triggers else "",
                review_method=method,
                reviewed_on=reviewed,
                filing_due=due,
                filed_on=filed if filed <= self.last_day else None,
                filed_with="崇义县应急管理局",
                created_by=author,
            )
            self.versions.append(row)
        current = self.versions[-1]
        if len(history) == 2:
            self.versions[-2].superseded_on = current.issued_on
        plan.version = current.version
        plan.issued_on = current.issued_on
        plan.review_method, plan.reviewed_on = current.review_method, current.reviewed_on
        plan.review_note = (
            "专家组评审通过，形成书面评审纪要。" if method == "review" else "经内部论证，内容符合实际。"
        )
        plan.filing_due, plan.filed_on = current.filing_due, current.filed_on
        plan.filed_with = current.filed_with if current.filed_on else ""
        plan.next_evaluation_due = add_years(current.issued_on, 3)
        self.plans.append(plan)
        return plan

    def build_plans(self) -> None:
        rng = self.rng
        before = self.first_day - datetime.timedelta(days=30)
        in_period_hi = self.last_day - datetime.timedelta(days=40)
        half_start = self.half[0]

        def old_day():
            return before - datetime.timedelta(days=rng.randint(0, 3 * 365 - 60))

        self.county_plan = self.plan(
            self.office,
            "comprehensive",
            "崇义县生产安全事故综合应急预案",
            old_day(),
            revised_on=self.day_between(self.first_day + datetime.timedelta(days=60), in_period_hi),
            triggers=["command", "drill"],
        )
        self.specials = []
        for index, (code, title) in enumerate(SPECIALS):
            owner = self.lead_department.get(code) or self.committees.get(code) or self.office
            revised = self.day_between(self.first_day, in_period_hi) if index < 2 else None
            self.specials.append(
                self.plan(
                    owner,
                    "special",
                    title,
                    old_day(),
                    revised_on=revised,
                    triggers=TRIGGERS_FOR_REVISION[index % len(TRIGGERS_FOR_REVISION)],
                )
            )
        self.township_plans = []
        for index, gov in enumerate(self.governments):
            revised = self.day_between(self.first_day, in_period_hi) if index in (2, 5) else None
            self.township_plans.append(
                self.plan(
                    gov,
                    "comprehensive",
                    f"{gov.name}生产安全事故应急预案",
                    old_day(),
                    revised_on=revised,
                    triggers=TRIGGERS_FOR_REVISION[2 + index % 2],
                )
            )
        candidates = [s for kind in ON_SITE_TOPICS for s in self.sites_by_kind.get(kind, []) if s.is_key]
        chosen = rng.sample(candidates, ON_SITE_EXISTING + ON_SITE_NEW)
        self.on_site = []
        for index, site in enumerate(chosen):
            topic = rng.choice(ON_SITE_TOPICS[site.kind])
            if index < ON_SITE_EXISTING:
                issued = old_day()
            else:  # written in the period, before the last completed half-year begins where possible
                issued = self.day_between(
                    self.first_day, min(half_start - datetime.timedelta(days=1), in_period_hi)
                )
            self.on_site.append(self.plan(site, "on_site", f"{site.name}{topic}现场处置方案", issued))
        # One filing late (three days after its deadline), the rest on time.
        late = next(v for v in self.versions if v.plan is self.on_site[-1])
        late.filed_on = late.filing_due + datetime.timedelta(days=3)
        if late.filed_on > self.last_day:
            late.filed_on = None
        self.on_site[-1].filed_on = late.filed_on
        self.on_site[-1].filed_with = "崇义县应急管理局" if late.filed_on else ""
        # Evaluations of the old plans that fell due in the period.
        from safegrid.core.dates import add_years
        from safegrid.emergency.models import PlanEvaluation

        for plan in self.plans:
            if plan.version == 1 and self.first_day <= plan.next_evaluation_due <= self.last_day:
                day = plan.next_evaluation_due - datetime.timedelta(days=rng.randint(0, 20))
                day = max(day, self.first_day)
                self.evaluations.append(
                    PlanEvaluation(
                        plan=plan,
                        evaluated_on=day,
                        conclusion="keep",
                        note="预案内容适当，继续执行。",
                        created_by=plan.created_by,
                    )
                )
                plan.last_evaluated_on, plan.next_evaluation_due = day, add_years(day, 3)

    # --- drills -----------------------------------------------------------------------------

    def drill(self, owner, *, day, kind, mode, place_kind, place, title, plan, participants, scenario):
        from safegrid.emergency.models import DrillRecord
        from safegrid.emergency.services import place as place_keys

        row = DrillRecord(
            title=title[:150],
            held_on=day,
            kind=kind,
            mode=mode,
            place_kind=place_kind,
            place=place[:100],
            plan=plan,
            participants=participants,
            participating_units=f"{owner.name}及相关单位",
            scenario=scenario,
            debrief="组织有序，响应及时，参演人员熟悉各自职责。",
            written_evaluation="演练达到预期目标；暴露的问题已纳入整改。",
            summary=f"{day:%Y年%m月%d日}开展{title}，检验了应急预案的可操作性。",
            submitted_on=min(day + datetime.timedelta(days=self.rng.randint(3, 10)), self.last_day),
            created_by=self.author(owner),
        )
        place_keys(row, **self.owner_kwargs(owner))
        self.drills.append(row)
        return row

    def build_drills(self) -> None:
        rng = self.rng
        half_lo, half_hi = self.half
        half_hi = min(half_hi, self.last_day)
        after_half = (half_hi + datetime.timedelta(days=1), self.last_day)
        # The county comprehensive plan: one drill before its revision, revealing the problem.
        county_day = self.day_between(
            self.first_day, self.county_plan.issued_on - datetime.timedelta(days=10)
        )
        drill = self.drill(
            self.office,
            day=county_day,
            kind="comprehensive",
            mode="live",
            place_kind="road",
            place=ROAD_SECTIONS[0],
            title="崇义县生产安全事故应急救援综合演练",
            plan=self.county_plan,
            participants=rng.randint(300, 450),
            scenario="危化品运输车辆侧翻泄漏引发多车相撞",
        )
        self.problems.append(
            (drill, "县级应急指挥部成员单位联络表已过期，部分单位未能按时响应", self.county_plan, True)
        )
        for plan in self.specials:
            owner = plan.organisation
            self.drill(
                owner,
                day=self.day_between(
                    plan.issued_on if plan.issued_on > self.first_day else self.first_day, self.last_day
                ),
                kind="single",
                mode=rng.choice(["live", "tabletop"]),
                place_kind="other",
                place=f"{owner.name}指定地点",
                title=f"{plan.title.removeprefix('崇义县').removesuffix('专项应急预案')}应急演练",
                plan=plan,
                participants=rng.randint(60, 200),
                scenario=f"模拟{plan.title.removeprefix('崇义县').removesuffix('专项应急预案')}突发情况",
            )
        for plan in self.township_plans:
            gov = plan.organisation
            start = max(plan.issued_on, self.first_day)
            self.drill(
                gov,
                day=self.day_between(start, self.last_day),
                kind="comprehensive" if rng.random() < 0.3 else "single",
                mode="live",
                place_kind=rng.choice(["school", "other", "road"]),
                place=f"{gov.region.name}辖区",
                title=f"{gov.region.name}防汛及地质灾害避险转移演练",
                plan=plan,
                participants=rng.randint(60, 220),
                scenario="强降雨引发山洪和地质灾害，组织群众转移",
            )
        # On-site plans: one drill in the last completed half-year (one deliberately missed) and a
        # second one outside it for most.
        self.missed_plan = self.on_site[0]
        for plan in self.on_site:
            site = plan.site
            for window in (
                (half_lo, half_hi),
                after_half,
                (self.first_day, half_lo - datetime.timedelta(days=1)),
            ):
                lo, hi = max(window[0], plan.issued_on, self.first_day), window[1]
                if lo > hi:
                    continue
                if window[0] == half_lo and plan is self.missed_plan:
                    continue  # the miss the compliance page shows
                if window[0] != half_lo and rng.random() < 0.5:
                    continue
                row = self.drill(
                    site,
                    day=self.day_between(lo, hi),
                    kind="single",
                    mode=rng.choice(["live", "live", "tabletop"]),
                    place_kind="enterprise",
                    place=site.name,
                    title=plan.title.removesuffix("现场处置方案") + "应急演练",
                    plan=plan,
                    participants=rng.randint(20, 80),
                    scenario=plan.title.removeprefix(site.name).removesuffix("现场处置方案") + "现场处置",
                )
                if rng.random() < 0.2:
                    self.problems.append((row, rng.choice(PROBLEMS), plan, False))
        for place_kind, kinds, count, (low, high), scenario in VENUES:
            pool = [s for k in kinds for s in self.sites_by_kind.get(k, [])]
            for site in rng.sample(pool, min(count, len(pool))):
                if len(self.drills) >= DRILLS - 2:  # leave room for the key road sections
                    break
                row = self.drill(
                    site,
                    day=self.day_between(self.first_day, self.last_day),
                    kind="single",
                    mode="live",
                    place_kind=place_kind,
                    place=site.name,
                    title=f"{site.name}{scenario}演练",
                    plan=None,
                    participants=rng.randint(low, high),
                    scenario=scenario,
                )
                if rng.random() < 0.15:
                    self.problems.append((row, rng.choice(PROBLEMS), None, False))
        road = self.committees.get("road_traffic") or self.office
        while len(self.drills) < DRILLS:
            index = len(self.drills) % len(ROAD_SECTIONS)
            self.drill(
                road,
                day=self.day_between(self.first_day, self.last_day),
                kind="single",
                mode="live",
                place_kind="road",
                place=ROAD_SECTIONS[index],
                title=f"{ROAD_SECTIONS[index]}交通事故应急处置演练",
                plan=self.specials[3],
                participants=rng.randint(30, 90),
                scenario="重点路段多车追尾、人员被困",
            )
        if len(self.drills) > DRILLS:
            raise RuntimeError(f"demo emergency: {len(self.drills)} drills planned, more than {DRILLS}")
        self.scale_participants()

    def scale_participants(self) -> None:
        target = self.rng.randint(*PARTICIPANTS_RANGE)
        total = sum(d.participants for d in self.drills)
        for d in self.drills:
            d.participants = max(8, round(d.participants * target / total))
        biggest = max(self.drills, key=lambda d: (d.participants, d.title))
        biggest.participants += target - sum(d.participants for d in self.drills)

    # --- the drill plan ---------------------------------------------------------------------

    def build_entries(self) -> None:
        from safegrid.emergency.models import DrillPlanEntry

        for drill in self.drills:
            entry = DrillPlanEntry(
                year=drill.held_on.year,
                month=drill.held_on.month,
                planned_on=drill.held_on if self.rng.random() < 0.5 else None,
                place_kind=drill.place_kind,
                place=drill.place,
                theme=drill.title,
                plan=drill.plan,
                organisation=drill.organisation,
                site=drill.site,
                region_id=drill.region_id,
                region_path=drill.region_path,
                sector_id=drill.sector_id,
                created_by=drill.created_by,
            )
            drill.plan_entry = entry
            self.entries.append(entry)
        # Drills still to come this year (none after today is recorded).
        for month in range(self.today.month + 1, 13):
            plan = self.township_plans[month % len(self.township_plans)]
            gov = plan.organisation
            self.entries.append(
                DrillPlanEntry(
                    year=self.today.year,
                    month=month,
                    place_kind="school",
                    place=f"{gov.region.name}中心小学",
                    theme=f"{gov.region.name}冬季校园消防疏散演练",
                    plan=plan,
                    organisation=gov,
                    region_id=gov.region_id,
                    region_path=gov.region_path,
                    sector_id=gov.sector_id,
                    created_by=self.author(gov),
                )
            )

    # --- write ------------------------------------------------------------------------------

    def write(self) -> None:
        from safegrid.emergency.models import (
            DrillPlanEntry,
            DrillProblem,
            DrillRecord,
            EmergencyPlan,
            PlanEvaluation,
            PlanVersion,
            RevisionTask,
        )

        for plan in self.plans:
            _clean(plan)
        EmergencyPlan.objects.bulk_create(self.plans)
        for v in self.versions:
            v.plan_id = v.plan.pk
        PlanVersion.objects.bulk_create(self.versions)
        for e in self.evaluations:
            e.plan_id = e.plan.pk
        PlanEvaluation.objects.bulk_create(self.evaluations)
        for entry in self.entries:
            entry.plan_id = entry.plan.pk if entry.plan else None
            _clean(entry)
        DrillPlanEntry.objects.bulk_create(self.entries)
        self.drills.sort(key=lambda d: (d.held_on, d.title))
        for d in self.drills:
            d.plan_id = d.plan.pk if d.plan else None
            d.plan_entry_id = d.plan_entry.pk
            _clean(d)
        DrillRecord.objects.bulk_create(self.drills)
        problems = [DrillProblem(drill_id=d.pk, description=text) for d, text, _plan, _task in self.problems]
        DrillProblem.objects.bulk_create(problems)
        tasks = []
        for problem, (drill, _text, plan, closed) in zip(problems, self.problems, strict=True):
            if plan is None:
                continue
            tasks.append(
                RevisionTask(
                    plan_id=plan.pk,
                    trigger="drill",
                    description=problem.description,
                    problem_id=problem.pk,
                    created_on=drill.held_on,
                    resolved_version=plan.version if closed else None,
                    resolved_on=plan.issued_on if closed else None,
                    created_by=drill.created_by,
                )
            )
        RevisionTask.objects.bulk_create(tasks)
        self.task_count = len(tasks)

    def counts(self) -> dict[str, Any]:
        in_period = [v for v in self.versions if self.first_day <= v.issued_on <= self.last_day]
        filed = [v for v in in_period if v.filed_on is not None]
        return {
            "period": [str(self.first_day), str(self.last_day)],
            "plans": len(self.plans),
            "plans_by_kind": dict(sorted(Counter(p.kind for p in self.plans).items())),
            "plans_written_or_revised": len(in_period),
            "revised": sum(1 for v in in_period if v.version > 1),
            "filed_on_time": sum(1 for v in filed if v.filed_on <= v.filing_due),
            "filed_late": sum(1 for v in filed if v.filed_on > v.filing_due),
            "drills": len(self.drills),
            "participants": sum(d.participants for d in self.drills),
            "drills_by_place": dict(sorted(Counter(d.place_kind for d in self.drills).items())),
            "drill_plan_entries": len(self.entries),
            "problems": len(self.problems),
            "revision_tasks": self.task_count,
            "missed_plan": self.missed_plan.title,
        }


def build_demo_emergency(*, seed: int, today: datetime.date | None = None) -> dict[str, Any] | None:
    """Write the county's emergency plans, drill plan and drills of the year before `today` and
    return their counts; None (nothing written) when the app is not installed or not migrated."""
    if not emergency_ready():
        return None
    today = today or timezone.localdate()
    with transaction.atomic():
        builder = _Builder(seed=seed, today=today)
        builder.build_plans()
        builder.build_drills()
        builder.build_entries()
        builder.write()
        return builder.counts()


def summary_lines(counts: dict[str, Any] | None) -> list[str]:
    if counts is None:
        return ["  应急模块未安装或未迁移，未生成应急预案和演练。"]
    return [
        f"  应急预案 {counts['plans']} 件，本期编制或修订 {counts['plans_written_or_revised']} 件"
        f"（修订 {counts['revised']} 件；按时备案 {counts['filed_on_time']} 件，"
        f"逾期备案 {counts['filed_late']} 件）；"
        f"应急演练 {counts['drills']} 场，参演 {counts['participants']:,} 人次；"
        f"演练计划 {counts['drill_plan_entries']} 项；发现问题 {counts['problems']} 个，"
        f"转预案修订任务 {counts['revision_tasks']} 个",
    ]


def wipe_demo_emergency() -> None:
    """Delete every drill, drill-plan entry and emergency plan (their versions, evaluations, problems
    and revision tasks go with them)."""
    if not emergency_ready():
        return
    from safegrid.emergency.models import DrillPlanEntry, DrillRecord, EmergencyPlan

    DrillRecord.objects.all().delete()
    DrillPlanEntry.objects.all().delete()
    EmergencyPlan.objects.all().delete()
