"""Issue 9 follow-up: the hazard list's sector filter at province scale. Every county sets up the
same committees, so options name their county once the actor's sectors span counties; the
drop-down is cut to its first options (a region narrows it) while any visible sector still filters."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from safegrid.core.filters import ListedChoiceField


def _sector_options(response) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the rendered sector drop-down, the empty option left out."""
    body = response.content.decode()
    select = re.search(r'<select name="sector"[^>]*>(.*?)</select>', body, re.S).group(1)
    return [
        (value, label.strip(), "selected" in attrs)
        for value, attrs, label in re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select)
        if value
    ]


def _numbers(response) -> list[str]:
    return sorted(h.number for h in response.context["object_list"])


@pytest.fixture
def limit_one(monkeypatch):
    monkeypatch.setattr(ListedChoiceField, "LISTED_LIMIT", 1)


def test_an_actor_over_two_counties_sees_each_sector_with_its_county(world, client):
    client.force_login(world.users["supervisor"])
    response = client.get(reverse("hazards:hazard_list"))
    assert _sector_options(response) == [
        (str(world.mining.pk), "矿山（崇义县）", False),
        (str(world.fire.pk), "消防（崇义县）", False),
        (str(world.mining_b.pk), "矿山（安远县）", False),
    ]
    assert 'data-testid="listed-note-sector"' not in response.content.decode()


def test_an_actor_in_one_county_sees_plain_sector_names(world, client):
    client.force_login(world.users["office"])
    response = client.get(reverse("hazards:hazard_list"))
    assert _sector_options(response) == [
        (str(world.mining.pk), "矿山", False),
        (str(world.fire.pk), "消防", False),
    ]


def test_a_long_list_is_cut_and_says_a_region_narrows_it(world, client, limit_one):
    client.force_login(world.users["supervisor"])
    response = client.get(reverse("hazards:hazard_list"))
    assert _sector_options(response) == [(str(world.mining.pk), "矿山（崇义县）", False)]
    assert (
        '<div class="form-text small" data-testid="listed-note-sector">'
        "选项较多，仅列出前 1 个；先选择“所在区划”可缩小范围。</div>"
    ) in response.content.decode()


def test_a_region_narrows_the_sectors_listed_and_keeps_the_county_labels(world, client, limit_one):
    client.force_login(world.users["supervisor"])
    response = client.get(reverse("hazards:hazard_list"), {"within": world.t3.pk})
    # The committees of the township's county (above it); the county name stays: the actor's
    # sectors still span two counties.
    assert _sector_options(response) == [(str(world.mining_b.pk), "矿山（安远县）", False)]
    assert 'data-testid="listed-note-sector"' not in response.content.decode()
    assert _numbers(response) == ["YH-g31"]


def test_a_valid_sector_beyond_the_listed_ones_still_filters_and_is_shown_chosen(world, client, limit_one):
    client.force_login(world.users["supervisor"])
    response = client.get(reverse("hazards:hazard_list"), {"sector": world.mining_b.pk})
    assert response.context["filter"].errors == {}
    assert _numbers(response) == ["YH-g31"]
    assert _sector_options(response) == [
        (str(world.mining.pk), "矿山（崇义县）", False),
        (str(world.mining_b.pk), "矿山（安远县）", True),
    ]


def test_a_valid_sector_beyond_the_listed_ones_filters_the_api_too(world, api, limit_one):
    body = api(world.users["supervisor"]).get("/api/v1/hazards/", {"sector": world.fire.pk}).json()
    assert [row["number"] for row in body["results"]] == ["YH-g21"]


def test_an_out_of_scope_sector_is_a_filter_error_and_shows_no_rows(world, client):
    client.force_login(world.users["office"])
    response = client.get(reverse("hazards:hazard_list"), {"sector": world.mining_b.pk})
    assert response.status_code == 200
    assert response.context["filter"].errors == {"sector": ["选择一个有效的选项： 该选择不在可用的选项中。"]}
    assert (response.context["total"], _numbers(response)) == (0, [])
    assert "选择一个有效的选项" in response.content.decode()


def test_an_out_of_scope_sector_is_refused_by_the_api(world, api):
    response = api(world.users["office"]).get("/api/v1/hazards/", {"sector": world.mining_b.pk})
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert list(response.json()["errors"]) == ["sector"]
