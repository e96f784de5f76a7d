"""The audited writes of support (funds, experts, engagements, evaluations, weights, leadership),
for test_audit_contract: one good and one bad payload per page and API write."""

from __future__ import annotations

from django.urls import reverse

from safegrid.hazards.models import Hazard
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
from safegrid.support.tests.world import seed_support

from .base import Write


def _s(w):
    return seed_support(w)


def fund_form(w, **over):
    data = {
        "year": "2026",
        "title": "2026年安全培训经费",
        "purpose": "training",
        "amount": "120000.00",
        "region": w.county.pk,
        "sector": "",
        "source": "县级财政",
        "document_number": "",
        "note": "",
    }
    data.update(over)
    return data


def engagement_form(w, **over):
    s = _s(w)
    data = {
        "site": w.site12_mine.pk,
        "experts": [s.experts["linked"].pk],
        "purpose": "新溪钨矿专家会诊",
        "start_date": "2026-03-02",
        "end_date": "2026-03-03",
        "cost": "18000",
        "report": "",
    }
    data.update(over)
    return data


def evaluation_form(w, **over):
    data = {
        "unit": w.org_fire_committee.pk,
        "year": "2026",
        "items": "责任落实|40|36|\n隐患排查治理|60|55|台账完整",
        "evaluator": "县安委会",
        "note": "",
    }
    data.update(over)
    return data


def leadership_form(w, **over):
    data = {
        "official_name": "李华",
        "post": "县消防安委会主任",
        "organisation": w.org_fire_committee.pk,
        "year": "2026",
        "portfolio": "消防",
        "responsibilities": "",
        "letter_signed_on": "2026-02-10",
    }
    data.update(over)
    return data


WRITES = [
    # ---- pages ----
    Write(
        "fund create page",
        "office",
        "page",
        lambda w: _s(w) and reverse("support:fund_create"),
        lambda w: fund_form(w),
        lambda w: fund_form(w, amount="0"),
        "fund_allocation.create",
        FundAllocation,
    ),
    Write(
        "fund edit page",
        "office",
        "page",
        lambda w: reverse("support:fund_edit", args=[_s(w).funds["county_publicity"].pk]),
        lambda w: fund_form(w, title="宣传经费（调整）", purpose="publicity", amount="210000", year="2025"),
        lambda w: fund_form(w, purpose="publicity", amount="100000", year="2025"),  # below what was spent
        "fund_allocation.update",
        FundAllocation,
    ),
    Write(
        "expenditure add page",
        "office",
        "page",
        lambda w: reverse("support:expenditure_create", args=[_s(w).funds["county_publicity"].pk]),
        lambda w: {"spent_on": "2025-09-01", "amount": "50000", "description": "宣传品印制", "payee": ""},
        lambda w: {"spent_on": "2025-09-01", "amount": "50000.01", "description": "超支", "payee": ""},
        "fund_expenditure.add",
        FundExpenditure,
    ),
    Write(
        "expert create page",
        "sector_mining",
        "page",
        lambda w: _s(w) and reverse("support:expert_create"),
        lambda w: {
            "name": "邹平",
            "region": w.county.pk,
            "specialties": [w.mining.pk],
            "phone": "13912345678",
        },
        lambda w: {"name": "邹平", "region": w.county.pk, "phone": "12345"},
        "expert.create",
        Expert,
    ),
    Write(
        "expert edit page",
        "office",
        "page",
        lambda w: reverse("support:expert_edit", args=[_s(w).experts["other"].pk]),
        lambda w: {"name": "钟立新", "title": "正高级工程师", "is_active": "on"},
        lambda w: {"name": "", "is_active": "on"},
        "expert.update",
        Expert,
    ),
    Write(
        "engagement create page",
        "sector_mining",
        "page",
        lambda w: _s(w) and reverse("support:engagement_create"),
        lambda w: engagement_form(w),
        lambda w: engagement_form(w, site=w.site21_hotel.pk),  # a fire site: not the officer's
        "engagement.create",
        ExpertEngagement,
    ),
    Write(
        "engagement edit page",
        "office",
        "page",
        lambda w: reverse("support:engagement_edit", args=[_s(w).engagements["g11_mine"].pk]),
        lambda w: engagement_form(w, site=w.site11_mine.pk, purpose="横水钨矿专家会诊（复核）"),
        lambda w: engagement_form(w, site=w.site11_mine.pk, end_date="2026-03-01"),
        "engagement.update",
        ExpertEngagement,
    ),
    Write(
        "finding add page by the expert",
        "expert",
        "page",
        lambda w: reverse("support:finding_create", args=[_s(w).engagements["g11_mine"].pk]),
        lambda w: {"description": "提升机制动装置失灵", "location": "主井"},
        lambda w: {"description": "", "location": "主井"},
        "engagement.finding_add",
        EngagementFinding,
    ),
    Write(
        "finding to hazard page",
        "expert",
        "page",
        lambda w: reverse(
            "support:finding_raise_hazard",
            args=[_s(w).engagements["g11_mine"].pk, _s(w).findings["mine_1"].pk],
        ),
        lambda w: {"category": "thing", "grade": "general"},
        lambda w: {"category": "no_such", "grade": "general"},
        "hazard.report",
        Hazard,
    ),
    Write(
        "evaluation create page",
        "office",
        "page",
        lambda w: _s(w) and reverse("support:evaluation_create"),
        lambda w: evaluation_form(w),
        lambda w: evaluation_form(w, items="责任落实|40|45|"),
        "evaluation.create",
        ResponsibilityEvaluation,
    ),
    Write(
        "evaluation edit page",
        "office",
        "page",
        lambda w: reverse("support:evaluation_edit", args=[_s(w).evaluations["t1"].pk]),
        lambda w: {"items": "责任落实|40|39|", "evaluator": "县安委会"},
        lambda w: {"items": "责任落实", "evaluator": "县安委会"},
        "evaluation.update",
        ResponsibilityEvaluation,
    ),
    Write(
        "weight create page",
        "office",
        "page",
        lambda w: _s(w) and reverse("support:weight_create"),
        lambda w: {"region": w.county.pk, "year": "2025", "weight": "2.0", "note": ""},
        lambda w: {"region": w.county.pk, "year": "2024", "weight": "2.0", "note": ""},  # 2024 exists
        "assessment_weight.create",
        AssessmentWeight,
    ),
    Write(
        "weight edit page",
        "office",
        "page",
        lambda w: reverse("support:weight_edit", args=[_s(w).weights["2024"].pk]),
        lambda w: {"weight": "2.1", "note": "上调"},
        lambda w: {"weight": "0", "note": ""},
        "assessment_weight.update",
        AssessmentWeight,
    ),
    Write(
        "leadership create page",
        "office",
        "page",
        lambda w: _s(w) and reverse("support:leadership_create"),
        lambda w: leadership_form(w),
        lambda w: leadership_form(w, organisation=w.org_b.pk),
        "leadership.create",
        LeadershipResponsibility,
    ),
    Write(
        "leadership edit page",
        "office",
        "page",
        lambda w: reverse("support:leadership_edit", args=[_s(w).leaders["t1"].pk]),
        lambda w: leadership_form(w, organisation=w.org_t1.pk, official_name="黄文华", post="横水镇党委书记"),
        lambda w: leadership_form(w, organisation=w.org_t1.pk, post=""),
        "leadership.update",
        LeadershipResponsibility,
    ),
    # ---- API ----
    Write(
        "fund create api",
        "office",
        "api",
        lambda w: _s(w) and reverse("api:fund-allocation-list"),
        lambda w: {
            "year": 2026,
            "title": "演练经费",
            "purpose": "drills",
            "amount": "30000",
            "region": w.t1.pk,
        },
        lambda w: {
            "year": 2026,
            "title": "演练经费",
            "purpose": "drills",
            "amount": "30000",
            "region": w.t3.pk,
        },
        "fund_allocation.create",
        FundAllocation,
    ),
    Write(
        "fund patch api",
        "office",
        "api",
        lambda w: reverse("api:fund-allocation-detail", args=[_s(w).funds["t1_training"].pk]),
        lambda w: {"amount": "60000"},
        lambda w: {"amount": "10000"},
        "fund_allocation.update",
        FundAllocation,
        method="patch",
    ),
    Write(
        "expenditure api",
        "office",
        "api",
        lambda w: reverse("api:fund-allocation-expenditures", args=[_s(w).funds["t2_drills"].pk]),
        lambda w: {"spent_on": "2025-10-01", "amount": "30000", "description": "演练物资"},
        lambda w: {"spent_on": "2025-10-01", "amount": "30000.01", "description": "超支"},
        "fund_expenditure.add",
        FundExpenditure,
    ),
    Write(
        "expert create api",
        "office",
        "api",
        lambda w: _s(w) and reverse("api:expert-list"),
        lambda w: {"name": "邹平", "region": w.county.pk, "phone": "0797-3812345"},
        lambda w: {"name": "邹平", "region": w.county_b.pk},
        "expert.create",
        Expert,
    ),
    Write(
        "expert patch api",
        "office",
        "api",
        lambda w: reverse("api:expert-detail", args=[_s(w).experts["other"].pk]),
        lambda w: {"employer": "县应急管理局"},
        lambda w: {"phone": "abc"},
        "expert.update",
        Expert,
        method="patch",
    ),
    Write(
        "engagement create api",
        "office",
        "api",
        lambda w: _s(w) and reverse("api:expert-engagement-list"),
        lambda w: {
            "site": w.site21_hotel.pk,
            "experts": [_s(w).experts["other"].pk],
            "purpose": "宾馆消防复查",
            "start_date": "2026-04-01",
            "end_date": "2026-04-01",
            "cost": "5000",
        },
        lambda w: {
            "site": w.site21_hotel.pk,
            "experts": [],
            "purpose": "宾馆消防复查",
            "start_date": "2026-04-01",
            "end_date": "2026-04-01",
        },
        "engagement.create",
        ExpertEngagement,
    ),
    Write(
        "engagement patch api",
        "office",
        "api",
        lambda w: reverse("api:expert-engagement-detail", args=[_s(w).engagements["g21_hotel"].pk]),
        lambda w: {"cost": "6500"},
        lambda w: {"cost": "-1"},
        "engagement.update",
        ExpertEngagement,
        method="patch",
    ),
    Write(
        "finding add api",
        "office",
        "api",
        lambda w: reverse("api:expert-engagement-findings", args=[_s(w).engagements["g21_hotel"].pk]),
        lambda w: {"description": "消防控制室无人值守"},
        lambda w: {"description": ""},
        "engagement.finding_add",
        EngagementFinding,
    ),
    Write(
        "finding to hazard api",
        "office",
        "api",
        lambda w: reverse("api:expert-engagement-raise-hazard", args=[_s(w).engagements["g21_hotel"].pk]),
        lambda w: {"finding": _s(w).findings["hotel_1"].pk, "category": "management"},
        lambda w: {"finding": _s(w).findings["mine_1"].pk, "category": "management"},  # another engagement's
        "hazard.report",
        Hazard,
    ),
    Write(
        "evaluation create api",
        "office",
        "api",
        lambda w: _s(w) and reverse("api:evaluation-list"),
        lambda w: {
            "unit": w.org_t1.pk,
            "year": 2026,
            "items": [{"item": "责任落实", "max_score": "100", "score": "92"}],
            "evaluator": "县安委会",
        },
        lambda w: {"unit": w.org_t1.pk, "year": 2026, "items": [], "evaluator": "县安委会"},
        "evaluation.create",
        ResponsibilityEvaluation,
    ),
    Write(
        "evaluation patch api",
        "office",
        "api",
        lambda w: reverse("api:evaluation-detail", args=[_s(w).evaluations["t2"].pk]),
        lambda w: {"vetoed": True},
        lambda w: {"items": [{"item": "责任落实", "max_score": "0", "score": "0"}]},
        "evaluation.update",
        ResponsibilityEvaluation,
        method="patch",
    ),
    Write(
        "leadership create api",
        "office",
        "api",
        lambda w: _s(w) and reverse("api:leadership-responsibility-list"),
        lambda w: {"official_name": "李华", "post": "镇长", "organisation": w.org_t2.pk, "year": 2026},
        lambda w: {"official_name": "李华", "post": "镇长", "organisation": w.org_t2.pk, "year": 1900},
        "leadership.create",
        LeadershipResponsibility,
    ),
    Write(
        "leadership patch api",
        "office",
        "api",
        lambda w: reverse("api:leadership-responsibility-detail", args=[_s(w).leaders["t2"].pk]),
        lambda w: {"portfolio": "全面工作"},
        lambda w: {"post": ""},
        "leadership.update",
        LeadershipResponsibility,
        method="patch",
    ),
]
