from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.support.models import EngagementFinding, ExpertEngagement, FundExpenditure
from safegrid.support.tests.world import seed_support


def test_fund_list_shows_totals_by_year_and_purpose(world, as_user):
    seed_support(world)
    page = as_user(world.users["office"]).get(reverse("support:fund_list")).content.decode()
    assert 'data-testid="total-allocated">670000.00<' in page
    assert 'data-testid="total-spent">300000.00<' in page
    assert "共 5 条" in page


def test_expenditure_beyond_the_allocation_shows_the_chinese_error(world, as_user):
    allocation = seed_support(world).funds["t1_training"]
    client = as_user(world.users["office"])
    url = reverse("support:expenditure_create", args=[allocation.pk])
    response = client.post(url, {"spent_on": "2025-09-01", "amount": "30000.01", "description": "超支"})
    assert response.status_code == 400
    assert "超出该笔资金的剩余额度 30,000.00 元" in response.content.decode()
    assert (FundExpenditure.objects.filter(allocation=allocation).count(), AuditEntry.objects.count()) == (
        1,
        0,
    )


@pytest.mark.parametrize(
    ("user_key", "status"), [("office", 200), ("township1", 403), ("office_b", 404), ("expert", 403)]
)
def test_expenditure_page_needs_manage_funds_in_scope(world, as_user, user_key, status):
    allocation = seed_support(world).funds["t1_training"]
    url = reverse("support:expenditure_create", args=[allocation.pk])
    assert as_user(world.users[user_key]).get(url).status_code == status


def test_the_expert_records_a_finding_and_turns_it_into_a_hazard(world, as_user):
    engagement = seed_support(world).engagements["g11_mine"]
    client = as_user(world.users["expert"])
    response = client.post(
        reverse("support:finding_create", args=[engagement.pk]),
        {"description": "提升机制动失灵", "location": "主井"},
    )
    assert response.status_code == 302 and response["Location"] == engagement.get_absolute_url()
    finding = EngagementFinding.objects.get(description="提升机制动失灵")
    response = client.post(
        reverse("support:finding_raise_hazard", args=[engagement.pk, finding.pk]),
        {"category": "thing", "grade": "general"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.hazard.source == "expert"
    page = client.get(engagement.get_absolute_url()).content.decode()
    assert finding.hazard.number in page
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "engagement.finding_add",
        "hazard.report",
    ]


@pytest.mark.parametrize(("user_key", "status"), [("leader", 403), ("township2", 404), ("office_b", 404)])
def test_finding_pages_refuse_readers_and_outsiders(world, as_user, user_key, status):
    s = seed_support(world)
    engagement, finding = s.engagements["g11_mine"], s.findings["mine_1"]
    client = as_user(world.users[user_key])
    assert client.get(reverse("support:finding_create", args=[engagement.pk])).status_code == status
    url = reverse("support:finding_raise_hazard", args=[engagement.pk, finding.pk])
    assert client.post(url, {"category": "thing", "grade": "general"}).status_code == status
    assert AuditEntry.objects.exclude(action="scope.denied").count() == 0


def test_the_expert_gets_404_on_an_engagement_it_did_not_take_part_in(world, as_user):
    s = seed_support(world)
    client = as_user(world.users["expert"])
    assert client.get(s.engagements["g21_hotel"].get_absolute_url()).status_code == 404
    page = client.get(reverse("support:engagement_list")).content.decode()
    assert "共 1 条" in page and 'data-testid="figure-expert-days">4<' in page
    assert "扬眉宾馆" not in page
    assert client.get(s.funds["county_publicity"].get_absolute_url()).status_code == 404


def test_expert_pages_show_the_phone_masked_only(world, as_user):
    expert = seed_support(world).experts["other"]
    client = as_user(world.users["office"])
    for url in (
        expert.get_absolute_url(),
        reverse("support:expert_list"),
        reverse("support:expert_edit", args=[expert.pk]),
    ):
        body = client.get(url).content.decode()
        assert "13812345678" not in body
    assert "138****5678" in client.get(expert.get_absolute_url()).content.decode()


def test_weight_page_shows_the_change_as_a_percentage(world, as_user):
    seed_support(world)
    page = as_user(world.users["township1"]).get(reverse("support:weight_list")).content.decode()
    assert 'data-testid="change">+17.6%<' in page
    assert "安远县" not in page


@pytest.mark.parametrize(("user_key", "status"), [("office", 200), ("sector_mining", 403), ("office_b", 404)])
def test_weight_edit_needs_manage_evaluation_in_scope(world, as_user, user_key, status):
    weight = seed_support(world).weights["2024"]
    assert (
        as_user(world.users[user_key]).get(reverse("support:weight_edit", args=[weight.pk])).status_code
        == status
    )


def test_evaluation_form_reports_a_bad_line_in_chinese(world, as_user):
    response = as_user(world.users["office"]).post(
        reverse("support:evaluation_create"),
        {"unit": world.org_t1.pk, "year": "2026", "items": "只有名称", "evaluator": "县安委会"},
    )
    assert response.status_code == 400
    assert "第 1 行应为“考核项目|满分|得分|备注”。" in response.content.decode()


def _grow(world, n):
    s = seed_support(world)
    for i in range(n):
        g = ExpertEngagement.objects.create(
            site=world.site11_mine,
            region_path=world.site11_mine.region_path,
            sector_id=world.mining.pk,
            purpose=f"加测{i}",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2025, 1, 2),
            cost=Decimal("1"),
            created_by=world.users["office"],
        )
        g.experts.set([s.experts["linked"], s.experts["other"]])
        EngagementFinding.objects.create(engagement=g, description="x", created_by=world.users["office"])


@pytest.mark.parametrize(
    "route",
    [
        "support:fund_list",
        "support:expert_list",
        "support:engagement_list",
        "support:evaluation_list",
        "support:leadership_list",
        "support:weight_list",
    ],
)
def test_list_pages_use_a_constant_number_of_queries(world, as_user, route):
    seed_support(world)
    client = as_user(world.users["office"])
    client.get(reverse(route))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(route)).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    _grow(world, 5)
    assert count() == before <= 16
