"""The map and matrix through the REST API: the same data as the page, per role; scope and
capability refusals; token authentication for phones and integrations."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from conftest import PASSWORD
from safegrid.risks.models import RiskPoint

from .test_risk_map import MAP_USERS, risks  # noqa: F401 - the seeding fixture


@pytest.mark.parametrize("user_key", MAP_USERS)
def test_api_map_equals_the_page_data(world, risks, client, user_key):  # noqa: F811
    client.force_login(world.users[user_key])
    api = client.get(reverse("api:risk_map"))
    page = client.get(reverse("reports:risk_map_data"))
    assert api.status_code == 200
    assert api.json() == page.json()


@pytest.mark.parametrize("user_key", MAP_USERS)
def test_api_matrix_equals_the_scoped_points(world, risks, client, user_key):  # noqa: F811
    user = world.users[user_key]
    client.force_login(user)
    rows = client.get(reverse("api:risk_matrix")).json()
    expected = Counter(
        (p.sector_id, p.site.grid.parent_id, p.level)
        for p in RiskPoint.objects.visible_to(user).select_related("site__grid")
    )
    got = Counter()
    for row in rows:
        for level in ("major", "significant", "general", "low"):
            if row[level]:
                got[(row["sector"], row["township"], level)] += row[level]
    assert got == expected


def test_api_refusals(world, risks, client):  # noqa: F811
    client.force_login(world.users["township2"])
    assert client.get(reverse("api:risk_map"), {"region": world.t1.pk}).status_code == 404
    bad = client.get(reverse("api:risk_map"), {"level": "purple"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    client.force_login(world.users["auditor"])
    assert client.get(reverse("api:risk_map")).status_code == 403
    client.logout()
    assert client.get(reverse("api:risk_map")).status_code == 401


def test_api_map_with_a_token(world, risks, client):  # noqa: F811
    token = client.post(
        reverse("api:token_login"),
        {"username": "township1", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    response = client.get(reverse("api:risk_map"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert {f["properties"]["name"] for f in response.json()["features"]} == {"横水第一网格", "横水第二网格"}
