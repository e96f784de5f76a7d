"""The demo county's support rows (funds, experts, engagements, evaluations, weights, leadership):
at the bulletin's scale, in the scope keys the services copy, deterministic by seed and today."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from safegrid.accounts.models import User
from safegrid.demo.county import build_demo_county
from safegrid.demo.support import build_demo_support, wipe_demo_support
from safegrid.support import selectors
from safegrid.support.models import (
    AssessmentWeight,
    EngagementFinding,
    Expert,
    ExpertEngagement,
    FundAllocation,
    FundExpenditure,
    ResponsibilityEvaluation,
)

pytestmark = pytest.mark.django_db

FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
SEED = 2024
TODAY = timezone.localdate()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), FAST_HASHER:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_demo_county(seed=SEED, today=TODAY, activity=True)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _digest():
    return (
        sorted(FundAllocation.objects.values_list("title", "purpose", "amount")),
        sorted(FundExpenditure.objects.values_list("spent_on", "amount", "description")),
        sorted(Expert.objects.values_list("name", "phone", "title")),
        sorted(ExpertEngagement.objects.values_list("site__name", "start_date", "cost")),
        sorted(
            EngagementFinding.objects.values_list("engagement__site__name", "description", "hazard__number")
        ),
        sorted(ResponsibilityEvaluation.objects.values_list("unit__name", "total_score")),
    )


def test_funds_are_the_bulletins_1_97_million_and_never_overspent(demo):
    counts = demo["support"]
    assert Decimal(counts["funds_allocated"]) == Decimal("1970000.00")
    office = User.objects.get(username="office")
    total = selectors.fund_grand_total(selectors.fund_totals(actor=office))
    assert total.allocated == Decimal("1970000.00")
    for allocation in selectors.fund_list(actor=office):
        assert Decimal("0") < allocation.spent <= allocation.amount
        assert allocation.year == TODAY.year - 1


def test_experts_give_58_expert_days_costing_1_05_million_with_40_problems(demo):
    office = User.objects.get(username="office")
    figures = selectors.engagement_figures(actor=office)
    assert (figures.expert_days, figures.cost, figures.problems) == (58, Decimal("1050000.00"), 40)
    assert figures.hazards == demo["support"]["hazards_linked"]
    for finding in EngagementFinding.objects.exclude(hazard=None).select_related("hazard", "engagement"):
        assert finding.hazard.source == "expert"
        assert finding.hazard.site_id == finding.engagement.site_id


def test_engagements_carry_the_sites_scope_keys(demo):
    for g in ExpertEngagement.objects.select_related("site"):
        assert (g.region_path, g.sector_id) == (g.site.region_path, g.site.sector_id)


def test_the_demo_expert_sees_exactly_its_engagements(demo):
    expert = User.objects.get(username="expert")
    entry = Expert.objects.get(user=expert)
    mine = set(ExpertEngagement.objects.filter(experts=entry).values_list("pk", flat=True))
    assert mine
    assert set(selectors.engagement_list(actor=expert).values_list("pk", flat=True)) == mine
    assert not selectors.fund_list(actor=expert).exists()


def test_weights_show_the_rise_from_1_7_to_2(demo):
    rows = {r.weight.year: r for r in selectors.weight_rows(actor=User.objects.get(username="leader"))}
    assert (rows[2023].weight.weight, rows[2024].weight.weight, rows[2024].change_percent) == (
        Decimal("1.70"),
        Decimal("2.00"),
        Decimal("17.6"),
    )
    assert TODAY.year in rows
    assert AssessmentWeight.objects.count() == demo["support"]["weights"]


def test_same_seed_and_day_give_the_same_rows(demo):
    first = _digest()
    with transaction.atomic():
        wipe_demo_support()
        build_demo_support(seed=SEED, today=TODAY)
        assert _digest() == first
        transaction.set_rollback(True)


def test_evaluations_cover_every_sector_committee_and_township(demo):
    assert demo["support"]["evaluations"] == 14 + 16
    assert demo["support"]["year"] == TODAY.year - 1
