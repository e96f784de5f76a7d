from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from safegrid.core.exceptions import ApplicationError, CapabilityDenied, NotInScope
from safegrid.core.models import AuditEntry
from safegrid.hazards.models import Hazard
from safegrid.support import selectors, services
from safegrid.support.models import EngagementFinding, ExpertEngagement, FundExpenditure
from safegrid.support.tests.world import seed_support


def _actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_expenditure_within_the_allocation_is_recorded_with_one_audit_record(world):
    allocation = seed_support(world).funds["county_publicity"]  # 200 000 allocated, 150 000 spent
    services.fund_expenditure_add(
        actor=world.users["office"],
        allocation=allocation,
        spent_on=datetime.date(2025, 9, 1),
        amount=Decimal("50000"),
        description="宣传品印制",
    )
    assert allocation.expenditures.count() == 2
    assert _actions() == ["fund_expenditure.add"]


def test_expenditure_beyond_what_remains_is_refused_in_chinese_and_writes_nothing(world):
    allocation = seed_support(world).funds["county_publicity"]
    with pytest.raises(ValidationError) as exc:
        services.fund_expenditure_add(
            actor=world.users["office"],
            allocation=allocation,
            spent_on=datetime.date(2025, 9, 1),
            amount=Decimal("50000.01"),
            description="超支",
        )
    assert exc.value.message_dict == {
        "amount": ["支出金额 50,000.01 元超出该笔资金的剩余额度 50,000.00 元。"]
    }
    assert (FundExpenditure.objects.filter(allocation=allocation).count(), _actions()) == (1, [])


def test_an_allocation_cannot_fall_below_what_was_spent(world):
    allocation = seed_support(world).funds["county_publicity"]
    with pytest.raises(ValidationError) as exc:
        services.fund_allocation_update(
            actor=world.users["office"], allocation=allocation, data={"amount": "1"}
        )
    assert exc.value.message_dict == {"amount": ["安排金额不能少于已支出的 150,000.00 元。"]}
    assert _actions() == []


def test_funds_outside_the_county_are_not_found(world):
    s = seed_support(world)
    with pytest.raises(NotInScope):
        services.fund_allocation_update(
            actor=world.users["office_b"], allocation=s.funds["t1_training"], data={}
        )
    with pytest.raises(NotInScope):
        services.fund_allocation_create(
            actor=world.users["office"],
            year=2026,
            title="x",
            purpose="other",
            amount=Decimal("1"),
            region=world.t3,
        )
    assert _actions() == []


def test_fund_totals_by_year_and_purpose_for_the_township_officer(world):
    seed_support(world)
    totals = selectors.fund_totals(actor=world.users["township1"])
    assert [(t.year, t.purpose, t.allocated, t.spent, t.remaining) for t in totals] == [
        (2025, "training", Decimal("50000.00"), Decimal("20000.00"), Decimal("30000.00"))
    ]


def test_fund_totals_of_the_sector_officer_are_its_sectors_only(world):
    seed_support(world)
    totals = selectors.fund_totals(actor=world.users["sector_mining"])
    assert [(t.purpose, t.allocated, t.spent) for t in totals] == [
        ("experts", Decimal("300000.00"), Decimal("120000.00"))
    ]


def test_the_weight_change_from_1_7_to_2_0_is_plus_17_6_percent():
    assert selectors.weight_change_percent(Decimal("1.7"), Decimal("2.0")) == Decimal("17.6")
    assert selectors.weight_change_percent(Decimal("2.0"), Decimal("1.7")) == Decimal("-15.0")
    assert selectors.weight_change_percent(None, Decimal("2.0")) is None


def test_weight_rows_compare_each_year_with_the_one_before(world):
    seed_support(world)
    rows = selectors.weight_rows(actor=world.users["township1"])
    assert [(r.weight.year, r.change_percent) for r in rows] == [(2023, None), (2024, Decimal("17.6"))]
    assert selectors.weight_rows(actor=world.users["expert"]) == []


def test_a_finding_turned_into_a_hazard_lands_at_the_site_with_source_expert(world):
    s = seed_support(world)
    finding = s.findings["mine_1"]
    hazard = services.finding_raise_hazard(actor=world.users["expert"], finding=finding, category="thing")
    finding.refresh_from_db()
    assert finding.hazard == hazard
    assert (hazard.site, hazard.source, hazard.region_path, hazard.sector_id) == (
        world.site11_mine,
        "expert",
        world.g11.path,
        world.mining.pk,
    )
    assert _actions() == ["hazard.report"]
    assert Hazard.objects.visible_to(world.users["township1"]).filter(pk=hazard.pk).exists()
    assert not Hazard.objects.visible_to(world.users["township2"]).filter(pk=hazard.pk).exists()
    with pytest.raises(ApplicationError, match="该问题已生成隐患"):
        services.finding_raise_hazard(actor=world.users["expert"], finding=finding, category="thing")
    assert _actions() == ["hazard.report"]


def test_the_expert_may_not_record_findings_of_an_engagement_it_did_not_take_part_in(world):
    s = seed_support(world)
    with pytest.raises(NotInScope):
        services.finding_add(
            actor=world.users["expert"], engagement=s.engagements["g21_hotel"], description="x"
        )
    with pytest.raises(CapabilityDenied):
        services.finding_add(
            actor=world.users["leader"], engagement=s.engagements["g11_mine"], description="x"
        )
    assert (EngagementFinding.objects.count(), _actions()) == (3, [])


def test_the_expert_sees_only_its_engagements_and_no_funds(world):
    s = seed_support(world)
    expert = world.users["expert"]
    assert list(selectors.engagement_list(actor=expert)) == [s.engagements["g11_mine"]]
    assert list(selectors.expert_list(actor=expert)) == [s.experts["linked"]]
    assert not selectors.fund_list(actor=expert).exists()
    assert not selectors.evaluation_list(actor=expert).exists()
    assert not selectors.leadership_list(actor=expert).exists()
    figures = selectors.engagement_figures(actor=expert)
    assert (figures.engagements, figures.expert_days, figures.cost, figures.problems) == (
        1,
        4,
        Decimal("24000"),
        2,
    )


def test_engagement_figures_of_the_county_office(world):
    seed_support(world)
    figures = selectors.engagement_figures(actor=world.users["office"])
    # g11 mine: 2 experts × 2 days; g21 hotel: 1 × 1 (county B's engagement is not the county's).
    assert figures == selectors.EngagementFigures(
        engagements=2, expert_days=5, cost=Decimal("30000.00"), problems=3, hazards=0
    )


def test_a_sector_officer_engages_experts_only_at_its_sectors_sites(world):
    s = seed_support(world)
    officer = world.users["sector_mining"]
    args = {
        "experts": [s.experts["linked"]],
        "purpose": "会诊",
        "start_date": datetime.date(2026, 3, 1),
        "end_date": datetime.date(2026, 3, 1),
    }
    engagement = services.engagement_create(actor=officer, site=world.site12_mine, **args)
    assert (engagement.region_path, engagement.sector_id) == (world.g12.path, world.mining.pk)
    with pytest.raises(NotInScope):
        services.engagement_create(actor=officer, site=world.site21_hotel, **args)
    assert _actions() == ["engagement.create"]


def test_an_engagement_needs_usable_experts_and_ordered_dates(world):
    s = seed_support(world)
    office = world.users["office"]
    base = {"site": world.site11_mine, "purpose": "会诊", "start_date": datetime.date(2026, 3, 2)}
    with pytest.raises(ValidationError, match="请选择本县"):
        services.engagement_create(
            actor=office, experts=[s.experts["b"]], end_date=datetime.date(2026, 3, 2), **base
        )
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        services.engagement_create(
            actor=office, experts=[s.experts["other"]], end_date=datetime.date(2026, 3, 1), **base
        )
    assert (ExpertEngagement.objects.count(), _actions()) == (3, [])


def test_an_expert_login_must_hold_the_expert_role(world):
    with pytest.raises(ValidationError, match="专家角色"):
        services.expert_create(
            actor=world.users["office"], name="甲", region=world.county, user=world.users["grid11"]
        )
    assert _actions() == []


def test_expert_phone_changes_stay_out_of_the_audit_trail(world):
    s = seed_support(world)
    services.expert_update(
        actor=world.users["office"], expert=s.experts["other"], data={"phone": "13987654321"}
    )
    entry = AuditEntry.objects.get()
    assert entry.changes == {"phone": ["***", "***"]}
    assert "13987654321" not in str(entry.changes)


def test_evaluation_total_is_computed_from_the_items(world):
    evaluation = services.evaluation_create(
        actor=world.users["office"],
        unit=world.org_t1,
        year=2026,
        items=[
            {"item": "责任落实", "max_score": "40", "score": "36.5"},
            {"item": "隐患排查治理", "max_score": "60", "score": "55"},
        ],
        evaluator="县安委会",
    )
    assert (evaluation.total_score, evaluation.max_score, evaluation.region_path) == (
        Decimal("91.50"),
        Decimal("100.00"),
        world.t1.path,
    )
    with pytest.raises(ValidationError) as exc:
        services.evaluation_update(
            actor=world.users["office"],
            evaluation=evaluation,
            data={"items": [{"item": "责任落实", "max_score": "40", "score": "41"}]},
        )
    assert exc.value.message_dict == {"items": ["第 1 项的得分应在 0 至满分之间。"]}
    assert _actions() == ["evaluation.create"]


def test_a_second_evaluation_of_a_unit_in_a_year_is_refused(world):
    seed_support(world)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_create(
            actor=world.users["office"],
            unit=world.org_t1,
            year=2025,
            items=[{"item": "a", "max_score": "1", "score": "1"}],
            evaluator="县安委会",
        )
    assert "该单位本年度已有考评记录。" in str(exc.value)
    assert _actions() == []


def test_leadership_records_copy_the_organisations_scope(world):
    record = services.leadership_create(
        actor=world.users["office"],
        official_name="李华",
        post="县矿山安委会主任",
        organisation=world.org_mining_committee,
        year=2026,
    )
    assert (record.region_path, record.sector_id) == (world.county.path, world.mining.pk)
    with pytest.raises(NotInScope):
        services.leadership_create(
            actor=world.users["office"],
            official_name="李华",
            post="主任",
            organisation=world.org_b,
            year=2026,
        )
    assert _actions() == ["leadership.create"]
