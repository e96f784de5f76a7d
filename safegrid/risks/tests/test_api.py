from __future__ import annotations

import pytest
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.risks.models import RiskPoint
from safegrid.risks.tests.world import seed_risks


def test_create_and_reassess_through_the_api(world, client):
    client.force_login(world.users["sector_mining"])
    body = {
        "site": world.site12_mine.pk,
        "name": "主斜井",
        "accident_types": ["vehicle"],
        "hazardous_factors": "跑车",
        "method": "ls",
        "l_value": 4,
        "s_value": 4,
    }
    response = client.post(reverse("api:risk-point-list"), body, content_type="application/json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["score"], data["level"], data["colour"], data["control_level"]) == (
        "16.00",
        "significant",
        "orange",
        "company",
    )
    url = reverse("api:risk-point-reassess", args=[data["id"]])
    response = client.post(url, {"method": "ls", "l_value": 2, "s_value": 4}, content_type="application/json")
    assert response.status_code == 200
    assert [a["level"] for a in response.json()["assessments"]] == ["low", "significant"]
    assert AuditEntry.objects.count() == 2


def test_api_factor_not_in_the_table_is_a_chinese_400_and_writes_nothing(world, client):
    client.force_login(world.users["office"])
    body = {
        "site": world.site11_mine.pk,
        "name": "x",
        "accident_types": ["fall"],
        "hazardous_factors": "x",
        "method": "lec",
        "l_value": "4",
        "e_value": "6",
        "c_value": "15",
    }
    response = client.post(reverse("api:risk-point-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "LEC 法 L 的取值只能是" in str(response.json())
    assert (RiskPoint.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("user", "status"), [("township2", 404), ("grid11", 403), ("office_b", 404), ("enterprise11", 200)]
)
def test_api_reassess_is_scoped(world, client, user, status):
    point = seed_risks(world).points["g11_stope"]
    client.force_login(world.users[user])
    url = reverse("api:risk-point-reassess", args=[point.pk])
    response = client.post(url, {"method": "ls", "l_value": 1, "s_value": 1}, content_type="application/json")
    assert response.status_code == status
    assert point.assessments.count() == (2 if status == 200 else 1)
    assert AuditEntry.objects.exclude(action="scope.denied").count() == (1 if status == 200 else 0)
