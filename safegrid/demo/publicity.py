"""Publicity in the demo county (宣传): the county's annual publicity plans and a year of activities.

`build_demo_publicity(seed=…, today=…)` runs on a county written by `build_demo_county`, when the
publicity app is installed and migrated (`publicity_ready`); otherwise it writes nothing and returns
None. It reads the county back in natural-key order and draws everything from one
`random.Random` seeded from `seed`: the same seed and `today` give the same rows.

- Plans: one per calendar year the period touches, with the twelve months of the national safety
  calendar (`publicity.choices.MONTH_DEFAULTS`: May 防灾减灾日, June 安全生产月, November 消防宣传月 …),
  their responsible units and the number of activities planned.
- Activities over the 365 days before today, at the bulletin's scale (DESIGN.md §1): 620
  enterprise visits (进企业; each names the one enterprise visited, so the bulletin's site-visit
  count and the count of 进企业 activities are both 620) and 600+ lectures (宣讲), with 抖音, 微信,
  广播 (村村响), 知行夜话, 以案说法 and 政策宣讲 items; June and the other campaign months are busier.

Scope keys are those `activity_record` copies (region path from the place, sector from the
organiser); the place lies in the organiser's subtree and the visited site inside the place. The
recorder is the demo account that may record there (the grid worker of its grid, the township
officer, the sector officer of its committee), else the county office. Rows are bulk-created, with
no audit record per row.
"""

from __future__ import annotations

import datetime
import random
from bisect import bisect_right
from collections import Counter
from itertools import accumulate
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.roles import Role
from safegrid.orgs.choices import OrganisationKind, RegionKind
from safegrid.orgs.models import Organisation, Region
from safegrid.sites.choices import BusinessStatus, SiteCategory
from safegrid.sites.models import Site

from .county import _clean

YEAR_DAYS = 365
ENTERPRISE_VISITS = 620
LECTURES_RANGE = (608, 640)
# Other channels: (channel, activities in the year, audience low–high).
OTHER_CHANNELS = [
    ("douyin", 48, (2_000, 30_000)),  # views of the county's 抖音 account
    ("wechat", 96, (500, 8_000)),  # reads of 微信 posts
    ("broadcast", 40, (1_000, 10_000)),  # 应急广播“村村响” in a township
    ("night_talk", 24, (30, 120)),
    ("case_study", 30, (30, 200)),
    ("policy_briefing", 36, (40, 300)),
]
# Campaign months are busier: 安全生产月 in June, 防灾减灾 in May, 消防 in November, Spring Festival.
MONTH_WEIGHT = {
    1: 1.0,
    2: 0.6,
    3: 1.0,
    4: 0.9,
    5: 1.3,
    6: 2.2,
    7: 1.0,
    8: 0.8,
    9: 1.0,
    10: 1.0,
    11: 1.3,
    12: 0.9,
}
# Sector committees responsible with the office for each month's theme, by sector code.
MONTH_SECTORS = {
    1: ("hazchem", "fire", "road_traffic"),
    2: ("industry_trade", "construction"),
    3: ("mining", "industry_trade"),
    4: ("education",),
    5: ("water", "forestry", "mining"),
    6: ("mining", "hazchem", "industry_trade", "construction"),
    7: ("water", "waterway", "education"),
    8: ("hazchem", "industry_trade"),
    9: ("education", "road_traffic"),
    10: ("forestry", "fire"),
    11: ("fire",),
    12: ("road_traffic", "gas"),
}
TOPICS = (
    "有限空间作业安全",
    "电动自行车安全充电",
    "燃气使用安全",
    "防溺水安全",
    "森林防火",
    "道路交通安全",
    "烟花爆竹安全",
    "高温作业防暑",
    "防汛避险常识",
    "消防安全常识",
    "非煤矿山安全",
    "危险化学品安全",
)
VILLAGE_VENUES = ("进农村", "进社区", "进学校", "进家庭", "进公共场所")


def publicity_ready() -> bool:
    """The publicity app is installed and its tables exist."""
    if not apps.is_installed("safegrid.publicity"):
        return False
    tables = set(connection.introspection.table_names())
    models = list(apps.get_app_config("publicity").get_models(include_auto_created=True))
    return bool(models) and all(m._meta.db_table in tables for m in models)


class _Builder:
    def __init__(self, *, seed: int, today: datetime.date) -> None:
        from safegrid.publicity.choices import MONTH_DEFAULTS

        self.rng = random.Random(f"publicity-{seed}")
        self.today = today
        self.first_day = today - datetime.timedelta(days=YEAR_DAYS)
        self.last_day = today - datetime.timedelta(days=1)
        self.themes = {
            month: (str(theme), str(content)) for month, (theme, content) in MONTH_DEFAULTS.items()
        }
        regions = list(Region.objects.filter(kind__gte=RegionKind.COUNTY).order_by("code"))
        counties = [r for r in regions if r.kind == RegionKind.COUNTY]
        if not counties:
            raise ValueError("演示县尚未生成（没有县级区划），请先生成演示县。")
        self.county = counties[0]
        self.townships = [r for r in regions if r.kind == RegionKind.TOWNSHIP]
        self.grids = {t.pk: [r for r in regions if r.parent_id == t.pk] for t in self.townships}
        self.region_by_id = {r.pk: r for r in regions}
        orgs = list(Organisation.objects.order_by("region__code", "kind", "name"))
        by_kind: dict[str, list[Organisation]] = {}
        for org in orgs:
            by_kind.setdefault(org.kind, []).append(org)
        self.office = by_kind[OrganisationKind.COUNTY_OFFICE][0]
        self.committees = {o.sector_id: o for o in by_kind.get(OrganisationKind.SECTOR_COMMITTEE, [])}
        self.committee_by_code = {
            o.sector.code: o
            for o in Organisation.objects.filter(kind=OrganisationKind.SECTOR_COMMITTEE).select_related(
                "sector"
            )
        }
        self.governments = {o.region_id: o for o in by_kind.get(OrganisationKind.TOWNSHIP_GOVERNMENT, [])}
        self.units = {o.region_id: o for o in by_kind.get(OrganisationKind.GRID_UNIT, [])}
        self.enterprises = list(
            Site.objects.filter(category=SiteCategory.ENTERPRISE, business_status=BusinessStatus.OPERATING)
            .select_related("grid")
            .order_by("grid__code", "name")
        )
        self.users = {u.username: u for u in User.objects.order_by("username")}
        self.township_users: list[tuple[str, User]] = []
        self.grid_users: dict[int, User] = {}
        self.sector_users: dict[int, User] = {}
        for a in (
            RoleAssignment.objects.select_related("user")
            .prefetch_related("sectors")
            .order_by("user__username", "id")
        ):
            if a.role == Role.TOWNSHIP_OFFICER:
                self.township_users.append((a.region_path, a.user))
            elif a.role == Role.GRID_WORKER:
                self.grid_users.setdefault(a.region_id, a.user)
            elif a.role == Role.SECTOR_OFFICER:
                for sector in sorted(a.sectors.all(), key=lambda s: s.code):
                    self.sector_users.setdefault(sector.pk, a.user)
        if "office" not in self.users:
            raise ValueError("演示县缺少县安委办账号（office）。")
        days = [self.first_day + datetime.timedelta(days=i) for i in range(YEAR_DAYS)]
        weights = [MONTH_WEIGHT[d.month] * (1.0 if d.weekday() < 5 else 0.25) for d in days]
        self.days, self.cumulative = days, list(accumulate(weights))
        self.plans: list[Any] = []
        self.months: list[tuple[Any, list[Organisation]]] = []
        self.activities: list[tuple[Any, list[Site]]] = []

    def day(self) -> datetime.date:
        """A day of the year before today, campaign months and weekdays likelier."""
        return self.days[bisect_right(self.cumulative, self.rng.random() * self.cumulative[-1])]

    def recorder(self, organiser: Organisation, region: Region) -> User:
        """The demo account that may record this activity (RECORD_PUBLICITY over the place and the
        organiser's sector), else the county office."""
        if organiser.kind == OrganisationKind.GRID_UNIT and region.pk in self.grid_users:
            return self.grid_users[region.pk]
        if organiser.sector_id is not None:
            return self.sector_users.get(organiser.sector_id) or self.users["office"]
        if organiser.kind in (OrganisationKind.GRID_UNIT, OrganisationKind.TOWNSHIP_GOVERNMENT):
            for path, user in self.township_users:
                if region.path.startswith(path):
                    return user
        return self.users["office"]

    def activity(
        self,
        *,
        channel: str,
        title: str,
        organiser: Organisation,
        region: Region,
        audience: int,
        description: str,
        sites: list[Site] = (),
        day: datetime.date | None = None,
    ) -> None:
        """An activity with the keys `activity_record` gives it (place in the organiser's subtree,
        visited sites inside the place)."""
        from safegrid.publicity.models import Activity

        _require(region.path.startswith(organiser.region_path), "place outside organiser", title)
        _require(all(s.region_path.startswith(region.path) for s in sites), "site outside place", title)
        row = Activity(
            date=day or self.day(),
            title=title[:100],
            channel=channel,
            organiser=organiser,
            region=region,
            region_path=region.path,
            sector_id=organiser.sector_id,
            audience_count=audience,
            description=description,
            created_by=self.recorder(organiser, region),
        )
        self.activities.append((row, list(sites)))

    def theme(self, day: datetime.date) -> str:
        return self.themes[day.month][0]

    # --- plans ----------------------------------------------------------------------------------

    def plan_plans(self) -> None:
        """The plans of the years the period touches, each month's target from the year's scale."""
        from safegrid.publicity.models import PlanMonth, PublicityPlan
        from safegrid.publicity.services import default_plan_title

        office_user = self.users["office"]
        expected = (
            ENTERPRISE_VISITS + sum(LECTURES_RANGE) // 2 + sum(count for _c, count, _a in OTHER_CHANNELS)
        )
        scale = expected / sum(MONTH_WEIGHT.values())
        for year in sorted({self.first_day.year, self.last_day.year}):
            plan = PublicityPlan(
                region=self.county,
                region_path=self.county.path,
                year=year,
                title=default_plan_title(region=self.county, year=year),
                note="按照全国安全生产宣传教育工作要点，结合本县实际，逐月明确宣传主题、内容和责任单位。",
                created_by=office_user,
            )
            self.plans.append(plan)
            for month in range(1, 13):
                theme, content = self.themes[month]
                units = [self.office] + [
                    self.committee_by_code[code]
                    for code in MONTH_SECTORS[month]
                    if code in self.committee_by_code
                ]
                row = PlanMonth(
                    plan=plan,
                    month=month,
                    theme=theme,
                    content=content,
                    planned_activities=5 * round(scale * MONTH_WEIGHT[month] / 5),
                )
                self.months.append((row, units))

    # --- activities -----------------------------------------------------------------------------

    def plan_visits(self) -> None:
        """620 visits, each to one operating enterprise (key enterprises likelier), by the grid's
        work station, the township, the sector committee or the county office."""
        rng = self.rng
        weights = list(accumulate(3.0 if s.is_key else 1.0 for s in self.enterprises))
        for _ in range(ENTERPRISE_VISITS):
            site = self.enterprises[bisect_right(weights, rng.random() * weights[-1])]
            grid = site.grid
            township = self.region_by_id[grid.parent_id]
            draw = rng.random()
            if draw < 0.35:
                organiser, region = self.units[grid.pk], grid
            elif draw < 0.65:
                organiser, region = self.governments[township.pk], township
            elif draw < 0.9 and site.sector_id in self.committees:
                organiser, region = self.committees[site.sector_id], township
            else:
                organiser, region = self.office, township
            day = self.day()
            self.activity(
                channel="enterprise_visit",
                title=f"{self.theme(day)}进企业：{site.name}",
                organiser=organiser,
                region=region,
                audience=max(3, min(site.employees, rng.randint(8, 60))),
                description="走访企业，发放宣传资料，讲解安全生产法律法规和岗位安全操作规程，"
                "督促企业落实安全生产主体责任。",
                sites=[site],
                day=day,
            )

    def plan_lectures(self) -> None:
        rng = self.rng
        for _ in range(rng.randint(*LECTURES_RANGE)):
            township = rng.choice(self.townships)
            draw = rng.random()
            if draw < 0.45:
                organiser, region = self.governments[township.pk], township
            elif draw < 0.7:
                region = rng.choice(self.grids[township.pk])
                organiser = self.units[region.pk]
            elif draw < 0.9:
                organiser, region = rng.choice(list(self.committees.values())), township
            else:
                organiser, region = self.office, rng.choice([self.county, township])
            day = self.day()
            venue = rng.choice(VILLAGE_VENUES)
            self.activity(
                channel="lecture",
                title=f"“{self.theme(day)}”安全宣讲{venue}",
                organiser=organiser,
                region=region,
                audience=rng.randint(20, 150),
                description=f"围绕“{self.theme(day)}”开展宣讲，结合典型事故案例讲解安全常识和自救互救知识。",
                day=day,
            )

    def plan_media(self) -> None:
        rng = self.rng
        for channel, count, (low, high) in OTHER_CHANNELS:
            days = sorted(self.day() for _ in range(count))  # so that numbered series run in order
            for index, day in enumerate(days):
                township = rng.choice(self.townships)
                topic = rng.choice(TOPICS)
                if channel in ("douyin",) or (channel == "wechat" and rng.random() < 0.6):
                    organiser, region = self.office, self.county
                elif channel in ("broadcast", "wechat", "night_talk"):
                    organiser, region = self.governments[township.pk], township
                else:  # case studies and policy briefings by the office or a sector committee
                    organiser = rng.choice([self.office, *self.committees.values()])
                    region = rng.choice([self.county, township])
                title = {
                    "douyin": f"“安全崇义”抖音号：{topic}",
                    "wechat": f"微信推送：{topic}",
                    "broadcast": f"应急广播“村村响”：{topic}提示",
                    "night_talk": f"知行夜话（第{index + 1}期）：{topic}",
                    "case_study": f"以案说法：{topic}典型事故案例剖析",
                    "policy_briefing": f"政策宣讲：新《安全生产法》与{topic}",
                }[channel]
                self.activity(
                    channel=channel,
                    title=title,
                    organiser=organiser,
                    region=region,
                    audience=rng.randint(low, high),
                    description=f"{topic}主题宣传。",
                    day=day,
                )

    def write(self) -> None:
        from safegrid.publicity.models import Activity, PlanMonth, PublicityPlan

        for plan in self.plans:
            _clean(plan)
        PublicityPlan.objects.bulk_create(self.plans)
        for row, _units in self.months:
            row.plan_id = row.plan.pk
            _clean(row)
        PlanMonth.objects.bulk_create([row for row, _units in self.months])
        through = PlanMonth.responsible_units.through
        PlanMonth.responsible_units.through.objects.bulk_create(
            [through(planmonth_id=row.pk, organisation_id=o.pk) for row, units in self.months for o in units]
        )
        self.activities.sort(key=lambda item: item[0].date)  # recorded in date order
        rows = [row for row, _sites in self.activities]
        for row in rows:
            _clean(row)
        Activity.objects.bulk_create(rows, batch_size=500)
        visited = Activity.sites_visited.through
        visited.objects.bulk_create(
            [visited(activity_id=row.pk, site_id=s.pk) for row, sites in self.activities for s in sites],
            batch_size=1000,
        )

    def counts(self) -> dict[str, Any]:
        rows = [row for row, _sites in self.activities]
        return {
            "period": [str(self.first_day), str(self.last_day)],
            "plans": len(self.plans),
            "plan_years": [p.year for p in self.plans],
            "activities": len(rows),
            "by_channel": dict(sorted(Counter(r.channel for r in rows).items())),
            "enterprise_visits": sum(len(sites) for _row, sites in self.activities),
            "sites_visited": len({s.pk for _row, sites in self.activities for s in sites}),
            "lectures": sum(1 for r in rows if r.channel == "lecture"),
            "audience": sum(r.audience_count for r in rows),
        }


def _require(ok: bool, *what: Any) -> None:
    if not ok:
        raise RuntimeError(f"demo publicity: {what!r}")


def build_demo_publicity(*, seed: int, today: datetime.date | None = None) -> dict[str, Any] | None:
    """Write the county's publicity plans and a year of activities and return their counts; None
    (nothing written) when the publicity app is not installed or not migrated."""
    if not publicity_ready():
        return None
    today = today or timezone.localdate()
    with transaction.atomic():
        builder = _Builder(seed=seed, today=today)
        builder.plan_visits()
        builder.plan_lectures()
        builder.plan_media()
        builder.plan_plans()
        builder.write()
        return builder.counts()


def summary_lines(counts: dict[str, Any] | None) -> list[str]:
    if counts is None:
        return ["  宣传模块未安装或未迁移，未生成宣传计划和宣传活动。"]
    channels = counts["by_channel"]
    return [
        f"  宣传计划 {counts['plans']} 份（{'、'.join(str(y) for y in counts['plan_years'])}年度）；"
        f"宣传活动 {counts['activities']} 次：进企业 {counts['enterprise_visits']} 家次，"
        f"宣讲 {counts['lectures']} 场，抖音 {channels.get('douyin', 0)}，微信 {channels.get('wechat', 0)}，"
        f"广播 {channels.get('broadcast', 0)}，知行夜话 {channels.get('night_talk', 0)}，"
        f"以案说法 {channels.get('case_study', 0)}，政策宣讲 {channels.get('policy_briefing', 0)}；"
        f"受众 {counts['audience']:,} 人次",
    ]


def wipe_demo_publicity() -> None:
    """Delete every publicity activity and plan (their months and links go with them)."""
    if not publicity_ready():
        return
    from safegrid.publicity.models import Activity, PublicityPlan

    Activity.objects.all().delete()
    PublicityPlan.objects.all().delete()
