"""The sector-kind filter (行业领域类别, `sector_code`) of the hazard list: offered to an actor above
a county, it lists the hazards of that kind in every county it reads; a county's users keep the
per-sector filter and are not offered it."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

API = "/api/v1/hazards/"


def _numbers(response) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {row["number"] for row in response.json()["results"]}


def test_above_a_county_the_kind_lists_that_kind_in_every_county(world, api):
    client = api(world.users["supervisor"])
    assert _numbers(client.get(API, {"sector_code": "mining"})) == {"YH-g11", "YH-g12", "YH-g31"}
    assert _numbers(client.get(API, {"sector_code": "fire"})) == {"YH-g21"}
    assert _numbers(client.get(API)) == {"YH-g11", "YH-g12", "YH-g21", "YH-g31"}


def test_an_unknown_kind_is_refused_in_chinese_and_lists_nothing(world, api):
    response = api(world.users["supervisor"]).get(API, {"sector_code": "no-such-kind"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"sector_code": ["选择一个有效的选项： 该选择不在可用的选项中。"]}


def test_the_page_offers_the_kinds_once_each_to_the_city(world, client):
    client.force_login(world.users["supervisor"])
    page = client.get(reverse("hazards:hazard_list"), {"sector_code": "mining"}).content.decode()
    select = page.split('name="sector_code"', 1)[1].split("</select>", 1)[0]
    assert select.count('value="mining"') == 1 and select.count('value="fire"') == 1
    assert 'value="mining" selected' in select
    assert "共 3 条" in page


def test_a_county_user_is_not_offered_the_kinds_and_the_parameter_changes_nothing(world, client, api):
    client.force_login(world.users["office"])
    page = client.get(reverse("hazards:hazard_list")).content.decode()
    assert 'name="sector_code"' not in page
    office = api(world.users["office"])
    assert _numbers(office.get(API, {"sector_code": "fire"})) == _numbers(office.get(API))
