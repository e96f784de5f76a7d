"""SECURITY.md C4 (ASVS 4.1.2, mass assignment / BOPLA): write payloads that name an out-of-scope
grid, sector, site or unit, or that try to set what only the server decides (status, level, region
path, reporter, owner), never move anything out of the actor's scope. Hypothesis draws the payloads:
a valid body, then any mix of tampered fields. A foreign id in a writable field is refused (400, with
the field named, nothing written); a server-decided field is ignored (the stored row has the
server's value)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from rest_framework.test import APIClient

from safegrid.hazards.models import Hazard
from safegrid.sites.models import Site

pytestmark = pytest.mark.django_db

SERVER_DECIDED = {
    "status": st.sampled_from(["closed", "verifying", "assigned"]),
    "level": st.integers(min_value=2, max_value=4),
    "region_path": st.just("/360000/360700/360726/"),
    "reported_by": st.integers(min_value=1, max_value=50),
    "owner": st.integers(min_value=1, max_value=50),
    "version": st.integers(min_value=5, max_value=99),
    "number": st.just("伪造-0001"),
}


def _client(user) -> APIClient:
    client = APIClient()
    _instance, token = AuthToken.objects.create(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def township(world):
    return _client(world.users["township1"])


def test_a_hazard_report_cannot_name_a_foreign_site_or_set_what_the_server_decides(world, township, figure):
    foreign_sites = [world.site31_mine.pk, world.site21_hotel.pk]  # county B; another township of A
    tried = {"foreign": 0, "decided": 0}

    @settings(max_examples=40, deadline=None, derandomize=True, database=None)
    @given(
        foreign=st.none() | st.sampled_from(foreign_sites),
        decided=st.fixed_dictionaries({}, optional=SERVER_DECIDED),
    )
    def attempt(foreign, decided):
        key = uuid.uuid4()  # a fresh request each time (replays are tests/test_idempotent_writes.py)
        before = Hazard.objects.count()
        body = {
            "site": foreign or world.site11_mine.pk,
            "description": "配电箱未接地",
            "category": "thing",
            **decided,
        }
        response = township.post("/api/v1/hazards/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(key))
        if foreign:
            tried["foreign"] += 1
            assert response.status_code == 400, response.content
            # Refused exactly like an id that does not exist (no hint that the site is elsewhere).
            assert response.json()["errors"] == {"site": [f"无效主键 “{foreign}” － 对象不存在。"]}
            assert Hazard.objects.count() == before
            return
        tried["decided"] += bool(decided)
        assert response.status_code == 201, response.content
        hazard = Hazard.objects.get(pk=response.json()["id"])
        assert (hazard.status, hazard.level, hazard.version) == ("reported", 1, 1)
        assert hazard.region_path == world.site11_mine.region_path
        assert hazard.reported_by_id == world.users["township1"].pk
        assert hazard.number != "伪造-0001"

    attempt()
    figure("Scope matrix", "C4 tampered report payloads", foreign=tried["foreign"], decided=tried["decided"])
    assert tried["foreign"] > 0 and tried["decided"] > 0


def test_a_site_cannot_be_moved_to_a_foreign_grid_or_sector(world, township):
    site = world.site11_mine
    targets = {
        "grid": [world.g31.pk, world.g21.pk],  # county B's grid; township 2's grid
        "sector": [world.mining_b.pk],  # county B's sector
    }

    @settings(max_examples=20, deadline=None, derandomize=True, database=None)
    @given(field=st.sampled_from(sorted(targets)), data=st.data())
    def attempt(field, data):
        value = data.draw(st.sampled_from(targets[field]))
        before = Site.objects.filter(pk=site.pk).values().get()
        etag = township.get(f"/api/v1/sites/{site.pk}/")["ETag"]
        response = township.patch(
            f"/api/v1/sites/{site.pk}/", {field: value}, format="json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 400, response.content
        assert Site.objects.filter(pk=site.pk).values().get() == before

    attempt()
