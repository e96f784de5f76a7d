"""Support rows for the shared test world (conftest.build_world): fund allocations of the county
(with and without a sector), of both townships and of county B, with spending; the expert pool
(one entry linked to the world's `expert` login); engagements at G11's mine (the expert took part),
at G21's hotel (it did not) and in county B, with findings; evaluations, assessment weights and
leadership records of the county's bodies and of county B.

Written through the model layer (fast, no audit) with the scope keys the services would copy; used
by the scope contract's registry and by this app's tests. Idempotent per world."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

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

YEAR = 2025

# key, region attribute, sector attribute, purpose, amount, spent, title
FUNDS = [
    ("county_publicity", "county", None, "publicity", "200000.00", "150000.00", "县级安全生产宣传经费"),
    ("county_experts", "county", "mining", "experts", "300000.00", "120000.00", "矿山专家服务经费"),
    ("county_fire", "county", "fire", "equipment", "80000.00", "0", "消防装备购置经费"),
    ("t1_training", "t1", None, "training", "50000.00", "20000.00", "横水镇安全培训经费"),
    ("t2_drills", "t2", None, "drills", "40000.00", "10000.00", "扬眉镇应急演练经费"),
    ("county_b", "county_b", None, "publicity", "90000.00", "0", "安远县安全生产宣传经费"),
]

# key, unit attribute, total of the two items
EVALUATIONS = [
    ("office", "org_office", ("40", "36")),
    ("mining", "org_mining_committee", ("40", "38")),
    ("fire", "org_fire_committee", ("40", "30")),
    ("t1", "org_t1", ("40", "35")),
    ("t2", "org_t2", ("40", "33")),
    ("b", "org_b", ("40", "31")),
]

# key, organisation attribute, name, post, first responsible
LEADERS = [
    ("office", "org_office", "陈建国", "县安委办主任", True),
    ("mining", "org_mining_committee", "刘志强", "矿山安委会副主任", False),
    ("t1", "org_t1", "黄文华", "横水镇党委书记", True),
    ("t2", "org_t2", "周明", "扬眉镇镇长", True),
    ("b", "org_b", "吴刚", "安远县安委办主任", True),
]


def seed_support(w) -> SimpleNamespace:
    existing = getattr(w, "support", None)
    if existing is not None:
        return existing
    s = SimpleNamespace(
        funds={}, experts={}, engagements={}, findings={}, evaluations={}, leaders={}, weights={}
    )
    author = w.users["office"]
    for key, region_attr, sector_attr, purpose, amount, spent, title in FUNDS:
        region = getattr(w, region_attr)
        allocation = FundAllocation.objects.create(
            year=YEAR,
            title=title,
            purpose=purpose,
            amount=Decimal(amount),
            region=region,
            region_path=region.path,
            sector=getattr(w, sector_attr) if sector_attr else None,
            source="县级财政",
            document_number=f"崇财字〔{YEAR}〕{len(s.funds) + 1}号",
            created_by=author,
        )
        if Decimal(spent) > 0:
            FundExpenditure.objects.create(
                allocation=allocation,
                spent_on=datetime.date(YEAR, 6, 1),
                amount=Decimal(spent),
                description=f"{title}支出",
                payee="某服务公司",
                created_by=author,
            )
        s.funds[key] = allocation

    def expert(key, name, region, user=None, sectors=()):
        e = Expert.objects.create(
            name=name,
            region=region,
            region_path=region.path,
            title="高级工程师",
            employer="赣州某安全技术服务公司",
            phone="13812345678",
            user=user,
        )
        e.specialties.set(sectors)
        s.experts[key] = e
        return e

    linked = expert("linked", "肖振华", w.county, user=w.users["expert"], sectors=[w.mining])
    other = expert("other", "钟立新", w.county, sectors=[w.fire])
    expert_b = expert("b", "赖永平", w.county_b)

    def engagement(key, site, experts, purpose, start, days, cost):
        g = ExpertEngagement.objects.create(
            site=site,
            region_path=site.region_path,
            sector_id=site.sector_id,
            purpose=purpose,
            start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
            cost=Decimal(cost),
            report="现场检查并出具报告。",
            created_by=author,
        )
        g.experts.set(experts)
        s.engagements[key] = g
        return g

    mine = engagement(
        "g11_mine", w.site11_mine, [linked, other], "横水钨矿专家会诊", datetime.date(YEAR, 5, 10), 2, "24000"
    )
    hotel = engagement(
        "g21_hotel", w.site21_hotel, [other], "扬眉宾馆消防专家检查", datetime.date(YEAR, 7, 3), 1, "6000"
    )
    engagement("b_mine", w.site31_mine, [expert_b], "欣山钨矿专家会诊", datetime.date(YEAR, 8, 8), 3, "15000")
    for key, g, text in (
        ("mine_1", mine, "井下通风设施损坏"),
        ("mine_2", mine, "尾矿库排洪设施堵塞"),
        ("hotel_1", hotel, "疏散通道堆放杂物"),
    ):
        s.findings[key] = EngagementFinding.objects.create(
            engagement=g, description=text, location="现场", created_by=author
        )

    for key, unit_attr, (max_each, score_each) in EVALUATIONS:
        unit = getattr(w, unit_attr)
        items = [
            {"item": "责任落实", "max_score": f"{max_each}.00", "score": f"{score_each}.00", "note": ""},
            {"item": "隐患排查治理", "max_score": "60.00", "score": "50.00", "note": ""},
        ]
        s.evaluations[key] = ResponsibilityEvaluation.objects.create(
            unit=unit,
            region_path=unit.region_path,
            sector_id=unit.sector_id,
            year=YEAR,
            items=items,
            total_score=Decimal(score_each) + 50,
            max_score=Decimal(max_each) + 60,
            evaluator="县安委会",
            created_by=author,
        )
    for key, org_attr, name, post, first in LEADERS:
        org = getattr(w, org_attr)
        s.leaders[key] = LeadershipResponsibility.objects.create(
            official_name=name,
            post=post,
            organisation=org,
            region_path=org.region_path,
            sector_id=org.sector_id,
            year=YEAR,
            is_first_responsible=first,
            portfolio="安全生产",
            letter_signed_on=datetime.date(YEAR, 2, 20),
            created_by=author,
        )
    for key, region, year, weight in (
        ("2023", w.county, 2023, "1.7"),
        ("2024", w.county, 2024, "2.0"),
        ("b_2024", w.county_b, 2024, "1.5"),
    ):
        s.weights[key] = AssessmentWeight.objects.create(
            region=region, region_path=region.path, year=year, weight=Decimal(weight)
        )
    w.support = s
    return s
