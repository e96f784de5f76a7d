"""Support in the demo county (基础保障), at the bulletin's scale (DESIGN.md §1), for the year before
`today`: ¥1.97M of work-safety funds allocated across purposes with their spending, the county's
expert pool (the demo `expert` login linked to its entry), 58 expert-days costing ¥1.05M that found
40 problems, responsibility evaluations of the sector committees and townships, the assessment
weights (2023: 1.7, 2024: 2.0, and the years up to today's) and the leadership responsibility
records of the county's and townships' leaders.

`build_demo_support(seed=…, today=…)` runs on a county written by `build_demo_county` (with its
activity); it writes nothing and returns None when the support app is not installed or migrated.
Everything random comes from one `random.Random` seeded from `seed`; rows are read back in natural
key order, so the same seed and `today` give the same rows.

Engagements follow the demo's expert-service inspections (activity.py's 专家服务 visits), in date
order, until the experts × days reach 58. Their findings are the hazards of source 专家服务 those
inspections found, linked (隐患 already exist in the demo's hazard loop, so no new hazard is
reported); where those are fewer than 40, the rest are findings recorded without a hazard. Scope
keys are those the services copy; rows are bulk-created with no audit record per row.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from safegrid.accounts.models import User
from safegrid.hazards.models import Hazard
from safegrid.inspections.models import Inspection
from safegrid.orgs.choices import OrganisationKind, RegionKind
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites.models import Site

EXPERT_DAYS = 58
EXPERT_COST = Decimal("1050000.00")
PROBLEMS = 40
POOL_SIZE = 12
# Purpose, title, amount (yuan), share spent by today: ¥1.97M in all, the expert fund spent in full.
FUNDS = [
    ("publicity", "安全生产宣传教育经费", Decimal("200000.00"), Decimal("0.92")),
    ("training", "安全生产培训经费", Decimal("260000.00"), Decimal("0.88")),
    ("drills", "应急演练经费", Decimal("210000.00"), Decimal("0.95")),
    ("experts", "专家服务经费", EXPERT_COST, Decimal("1")),
    ("equipment", "应急装备购置经费", Decimal("200000.00"), Decimal("0.80")),
    ("other", "隐患排查治理工作经费", Decimal("50000.00"), Decimal("0.60")),
]
WEIGHTS = {2023: Decimal("1.70"), 2024: Decimal("2.00")}
ITEMS = [
    ("组织领导与责任落实", 20),
    ("隐患排查治理", 30),
    ("宣传培训", 15),
    ("应急管理", 15),
    ("事故控制", 20),
]
TITLES = ("高级工程师", "正高级工程师", "注册安全工程师", "工程师")
EMPLOYERS = ("赣州市安全生产技术服务中心", "江西理工大学", "崇义县应急管理局", "赣州某安全评价公司")


def support_ready() -> bool:
    if not apps.is_installed("safegrid.support"):
        return False
    tables = set(connection.introspection.table_names())
    models = list(apps.get_app_config("support").get_models(include_auto_created=True))
    return bool(models) and all(m._meta.db_table in tables for m in models)


def _spread(total: Decimal, weights: list[int]) -> list[Decimal]:
    """`total` split in proportion to `weights`, to the cent; the last share takes the rounding."""
    whole = sum(weights)
    shares = [(total * w / whole).quantize(Decimal("0.01")) for w in weights[:-1]]
    return [*shares, total - sum(shares, Decimal("0"))]


def build_demo_support(*, seed: int, today: datetime.date | None = None) -> dict[str, Any] | None:
    if not support_ready():
        return None
    from safegrid.support.models import (
        AssessmentWeight,
        EngagementFinding,
        Expert,
        ExpertEngagement,
        FundAllocation,
        FundExpenditure,
        LeadershipResponsibility,
        ResponsibilityEvaluation,
    )

    today = today or timezone.localdate()
    rng = random.Random(f"support-{seed}")
    year = today.year - 1
    last_day = min(datetime.date(year, 12, 31), today - datetime.timedelta(days=1))
    county = Region.objects.get(kind=RegionKind.COUNTY, code="360725")
    office = User.objects.get(username="office")
    expert_user = User.objects.get(username="expert")
    sectors = list(Sector.objects.filter(region=county).order_by("sort_order", "id"))

    with transaction.atomic():
        # --- funds ---
        allocations, spendings = [], []
        for n, (purpose, title, amount, _share) in enumerate(FUNDS, 1):
            allocations.append(
                FundAllocation(
                    year=year,
                    title=f"{year}年{title}",
                    purpose=purpose,
                    amount=amount,
                    region=county,
                    region_path=county.path,
                    source="县级财政预算",
                    document_number=f"崇财行字〔{year}〕{10 + n}号",
                    created_by=office,
                )
            )
        FundAllocation.objects.bulk_create(allocations)
        for allocation, (_purpose, title, amount, spent_share) in zip(allocations, FUNDS, strict=True):
            parts = rng.randint(2, 5)
            for k, part in enumerate(
                _spread(
                    (amount * spent_share).quantize(Decimal("0.01")),
                    [rng.randint(3, 9) for _ in range(parts)],
                )
            ):
                day = datetime.date(year, 1, 15) + datetime.timedelta(days=rng.randint(0, 330))
                spendings.append(
                    FundExpenditure(
                        allocation=allocation,
                        spent_on=min(day, last_day),
                        amount=part,
                        description=f"{title}第{k + 1}笔支出",
                        payee="崇义县某服务单位",
                        created_by=office,
                    )
                )
        FundExpenditure.objects.bulk_create(spendings)

        # --- expert pool ---
        pool = [
            Expert(
                name=expert_user.display_name
                if i == 0
                else rng.choice("肖钟刘黄陈罗谢朱郭赖")
                + rng.choice("建志文海立永明华")
                + rng.choice("国平强军林华东"),
                region=county,
                region_path=county.path,
                title=rng.choice(TITLES),
                employer=rng.choice(EMPLOYERS),
                phone=f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
                user=expert_user if i == 0 else None,
            )
            for i in range(POOL_SIZE)
        ]
        Expert.objects.bulk_create(pool)
        through = Expert.specialties.through
        through.objects.bulk_create(
            through(expert_id=e.pk, sector_id=s.pk) for e in pool for s in rng.sample(sectors, 2)
        )

        # --- engagements: the demo's expert-service inspections until 58 expert-days ---
        visits = list(
            Inspection.objects.filter(kind="expert_service")
            .select_related("site")
            .order_by("inspected_on", "site__name", "id")
        )
        if not visits:  # a county without activity: key sites on spread dates
            sites = list(Site.objects.filter(is_key=True).order_by("name", "id")[:40])
            visits = [None] * len(sites)
        engagements, crews, inspections = [], [], []
        days_left = EXPERT_DAYS
        for n, visit in enumerate(visits):
            if days_left == 0:
                break
            crew = min(days_left, rng.choice((1, 1, 2)))
            days_left -= crew
            site = visit.site if visit else sites[n]
            start = (
                visit.inspected_on if visit else datetime.date(year, 3, 1) + datetime.timedelta(days=5 * n)
            )
            members = (
                [pool[0], *rng.sample(pool[1:], crew - 1)]
                if rng.random() < 0.4
                else rng.sample(pool[1:], crew)
            )
            engagements.append(
                ExpertEngagement(
                    site=site,
                    region_path=site.region_path,
                    sector_id=site.sector_id,
                    purpose=f"{site.name}安全生产专家会诊",
                    start_date=start,
                    end_date=start,
                    report="专家组对照检查表逐项检查，出具书面意见。",
                    created_by=office,
                )
            )
            crews.append(members)
            inspections.append(visit)
        for engagement, cost in zip(engagements, _spread(EXPERT_COST, [len(c) for c in crews]), strict=True):
            engagement.cost = cost
        ExpertEngagement.objects.bulk_create(engagements)
        link = ExpertEngagement.experts.through
        link.objects.bulk_create(
            link(expertengagement_id=g.pk, expert_id=e.pk)
            for g, crew in zip(engagements, crews, strict=True)
            for e in crew
        )
        hazards = {}
        for h in Hazard.objects.filter(
            source="expert", inspection__in=[v for v in inspections if v]
        ).order_by("id"):
            hazards.setdefault(h.inspection_id, []).append(h)
        findings = []
        for g, visit in zip(engagements, inspections, strict=True):
            for h in hazards.get(visit.pk if visit else None, []):
                if len(findings) < PROBLEMS:
                    findings.append(
                        EngagementFinding(
                            engagement=g, description=h.description, hazard=h, created_by=office
                        )
                    )
        while len(findings) < PROBLEMS:
            g = engagements[len(findings) % len(engagements)]
            findings.append(
                EngagementFinding(
                    engagement=g, description="安全管理台账不完善，建议限期补齐。", created_by=office
                )
            )
        EngagementFinding.objects.bulk_create(findings)

        # --- evaluations of sector committees and townships ---
        units = list(
            Organisation.objects.filter(
                kind__in=(OrganisationKind.SECTOR_COMMITTEE, OrganisationKind.TOWNSHIP_GOVERNMENT)
            ).order_by("region_path", "name", "id")
        )
        evaluations = []
        for unit in units:
            items = [
                {
                    "item": name,
                    "max_score": f"{full}.00",
                    "score": f"{full - rng.randint(0, full // 4)}.00",
                    "note": "",
                }
                for name, full in ITEMS
            ]
            total = sum(Decimal(i["score"]) for i in items)
            evaluations.append(
                ResponsibilityEvaluation(
                    unit=unit,
                    region_path=unit.region_path,
                    sector_id=unit.sector_id,
                    year=year,
                    items=items,
                    total_score=total,
                    max_score=Decimal("100.00"),
                    evaluator="崇义县安全生产委员会",
                    created_by=office,
                )
            )
        ResponsibilityEvaluation.objects.bulk_create(evaluations)

        # --- assessment weights ---
        weights = {**WEIGHTS, **{y: Decimal("2.00") for y in range(2025, today.year + 1)}}
        AssessmentWeight.objects.bulk_create(
            AssessmentWeight(region=county, region_path=county.path, year=y, weight=w)
            for y, w in sorted(weights.items())
        )

        # --- leadership responsibility ---
        committee = Organisation.objects.get(kind=OrganisationKind.COUNTY_COMMITTEE, region=county)
        signed = datetime.date(year, 2, 26)
        records = [
            ("县委书记", True, "全面工作", "县安委会主任之一，对全县安全生产负总责。"),
            ("县长", True, "县政府全面工作", "县安委会主任，对全县安全生产负总责。"),
            (
                "县委常委、常务副县长",
                False,
                "安全生产、应急管理",
                "县安委会常务副主任，协助抓好全县安全生产工作。",
            ),
        ]
        leaders = [
            LeadershipResponsibility(
                official_name=rng.choice("钟刘黄陈罗") + rng.choice("建志文海") + rng.choice("国平强军"),
                post=post,
                organisation=committee,
                region_path=committee.region_path,
                year=year,
                is_first_responsible=first,
                portfolio=portfolio,
                responsibilities=duty,
                letter_signed_on=signed,
                created_by=office,
            )
            for post, first, portfolio, duty in records
        ]
        for unit in (u for u in units if u.kind == OrganisationKind.TOWNSHIP_GOVERNMENT):
            place = unit.short_name.removesuffix("人民政府") or unit.name
            for post in ("党委书记", "乡（镇）长"):
                leaders.append(
                    LeadershipResponsibility(
                        official_name=rng.choice("钟刘黄陈罗谢")
                        + rng.choice("建志文海立")
                        + rng.choice("国平强军华"),
                        post=f"{place}{post}",
                        organisation=unit,
                        region_path=unit.region_path,
                        year=year,
                        is_first_responsible=True,
                        portfolio="全面工作",
                        responsibilities="党政同责、一岗双责，对本乡（镇）安全生产负总责。",
                        letter_signed_on=signed,
                        created_by=office,
                    )
                )
        LeadershipResponsibility.objects.bulk_create(leaders)

    return {
        "year": year,
        "funds_allocated": str(sum(a.amount for a in allocations)),
        "funds_spent": str(sum(s.amount for s in spendings)),
        "experts": len(pool),
        "engagements": len(engagements),
        "expert_days": sum(len(c) for c in crews),
        "expert_cost": str(sum(g.cost for g in engagements)),
        "problems": len(findings),
        "hazards_linked": sum(1 for f in findings if f.hazard_id),
        "evaluations": len(evaluations),
        "weights": len(weights),
        "leadership": len(leaders),
    }


def summary_lines(counts: dict[str, Any] | None) -> list[str]:
    if counts is None:
        return ["  基础保障模块未安装或未迁移，未生成资金、专家和考评数据。"]
    allocated, spent = Decimal(counts["funds_allocated"]), Decimal(counts["funds_spent"])
    cost = Decimal(counts["expert_cost"])
    return [
        f"  {counts['year']}年安全生产资金 {allocated:,.2f} 元（已支出 {spent:,.2f} 元）；"
        f"专家库 {counts['experts']} 人，专家服务 {counts['engagements']} 次、{counts['expert_days']} 人·天、"
        f"费用 {cost:,.2f} 元，发现问题 {counts['problems']} 个（关联隐患 {counts['hazards_linked']} 个）；"
        f"责任考评 {counts['evaluations']} 个单位，考核权重 {counts['weights']} 个年度，"
        f"领导责任 {counts['leadership']} 条",
    ]


def wipe_demo_support() -> None:
    """Delete every support row (expenditures, findings and links go with their parents)."""
    if not support_ready():
        return
    from safegrid.support.models import (
        AssessmentWeight,
        Expert,
        ExpertEngagement,
        FundAllocation,
        LeadershipResponsibility,
        ResponsibilityEvaluation,
    )

    ExpertEngagement.objects.all().delete()
    Expert.objects.all().delete()
    FundAllocation.objects.all().delete()
    ResponsibilityEvaluation.objects.all().delete()
    LeadershipResponsibility.objects.all().delete()
    AssessmentWeight.objects.all().delete()
