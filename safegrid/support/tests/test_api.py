from __future__ import annotations

from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.support.models import FundAllocation
from safegrid.support.tests.world import seed_support


def test_fund_totals_endpoint_matches_the_rows_the_caller_sees(world, client):
    seed_support(world)
    client.force_login(world.users["township2"])
    rows = client.get(reverse("api:fund-allocation-totals")).json()
    assert rows == [
        {
            "year": 2025,
            "purpose": "drills",
            "purpose_display": "演练",
            "allocated": "40000.00",
            "spent": "10000.00",
            "remaining": "30000.00",
        }
    ]


def test_expenditure_api_refuses_an_overspend_in_chinese(world, client):
    allocation = seed_support(world).funds["t2_drills"]
    client.force_login(world.users["office"])
    url = reverse("api:fund-allocation-expenditures", args=[allocation.pk])
    body = {"spent_on": "2025-10-01", "amount": "30000.01", "description": "超支"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "amount": ["支出金额 30,000.01 元超出该笔资金的剩余额度 30,000.00 元。"]
    }
    assert AuditEntry.objects.count() == 0


def test_fund_create_without_the_capability_is_403_and_writes_nothing(world, client):
    client.force_login(world.users["sector_mining"])
    body = {"year": 2026, "title": "x", "purpose": "other", "amount": "1", "region": world.county.pk}
    response = client.post(reverse("api:fund-allocation-list"), body, content_type="application/json")
    assert response.status_code == 403
    assert (FundAllocation.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_the_expert_api_shows_only_its_engagements_and_figures(world, client):
    s = seed_support(world)
    client.force_login(world.users["expert"])
    listing = client.get(reverse("api:expert-engagement-list")).json()
    assert [r["id"] for r in listing["results"]] == [s.engagements["g11_mine"].pk]
    assert listing["results"][0]["expert_days"] == 4
    figures = client.get(reverse("api:expert-engagement-figures")).json()
    assert figures == {"engagements": 1, "expert_days": 4, "cost": "24000.00", "problems": 2, "hazards": 0}
    url = reverse("api:expert-engagement-detail", args=[s.engagements["g21_hotel"].pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("api:fund-allocation-list")).json()["count"] == 0


def test_raise_hazard_api_lands_the_hazard_in_the_sites_scope(world, client):
    s = seed_support(world)
    client.force_login(world.users["expert"])
    url = reverse("api:expert-engagement-raise-hazard", args=[s.engagements["g11_mine"].pk])
    response = client.post(
        url, {"finding": s.findings["mine_2"].pk, "category": "thing"}, content_type="application/json"
    )
    assert response.status_code == 201
    finding = next(f for f in response.json()["findings"] if f["id"] == s.findings["mine_2"].pk)
    client.force_login(world.users["township1"])
    hazard = client.get(reverse("api:hazard-detail", args=[finding["hazard"]])).json()
    assert (hazard["source"], hazard["site"]) == ("expert", world.site11_mine.pk)
    client.force_login(world.users["township2"])
    assert client.get(reverse("api:hazard-detail", args=[finding["hazard"]])).status_code == 404


def test_expert_api_masks_the_phone(world, client):
    s = seed_support(world)
    client.force_login(world.users["office"])
    data = client.get(reverse("api:expert-detail", args=[s.experts["other"].pk])).json()
    assert data["phone_masked"] == "138****5678" and "phone" not in data


def test_evaluation_api_bad_items_are_a_chinese_400(world, client):
    client.force_login(world.users["office"])
    body = {
        "unit": world.org_t1.pk,
        "year": 2026,
        "items": [{"item": "", "max_score": "1", "score": "1"}],
        "evaluator": "x",
    }
    response = client.post(reverse("api:evaluation-list"), body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert AuditEntry.objects.count() == 0
