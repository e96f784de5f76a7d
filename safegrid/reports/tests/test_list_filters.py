"""The list filters added so that every dashboard number is reproducible from its list: sites
inspected in a range, hazards escalated / open / closed in a range, funds over a range of years."""

from __future__ import annotations

import datetime

from django.urls import reverse

from safegrid.inspections.models import Inspection

from .oracle import seed_everything


def _total(client, name, params) -> str:
    page = client.get(reverse(name), params).content.decode()
    return page


def test_both_ends_of_the_inspection_range_apply_to_the_same_inspection(world, client):
    """A site inspected only before and only after the range is not a place inspected in it."""
    site = world.site11_mall
    for day in (datetime.date(2026, 1, 1), datetime.date(2026, 12, 1)):
        Inspection.objects.create(
            site=site,
            region_path=site.region_path,
            sector_id=site.sector_id,
            kind="daily_patrol",
            inspected_on=day,
            inspectors="检查组",
            result="no_hazards",
            recorded_by=world.users["office"],
        )
    client.force_login(world.users["office"])
    june = {"inspected_from": "2026-06-01", "inspected_to": "2026-06-30"}
    assert "共 0 条" in _total(client, "sites:site_list", june)
    january = {"inspected_from": "2026-01-01", "inspected_to": "2026-01-31"}
    assert "共 4 条" in _total(client, "sites:site_list", january)  # the world's three in county A + 横水商场
    assert "共 1 条" in _total(client, "sites:site_list", {"inspected_from": "2026-11-01"})


def test_hazards_escalated_means_a_timeline_escalation_not_a_high_level(world, client):
    seed_everything(world)
    client.force_login(world.users["office"])
    # three escalated hazards of the dispatch world (two in county A) carry an escalation event;
    # l2_mining and l2_fire sit at level 2 without one.
    assert "共 2 条" in _total(client, "hazards:hazard_list", {"escalated": "true"})
    assert "共 2 条" in _total(client, "hazards:hazard_list", {"escalated": "true", "is_open": "true"})
    assert "共 1 条" in _total(client, "hazards:hazard_list", {"is_open": "false"})


def test_funds_over_a_range_of_years(world, client):
    seed_everything(world)
    client.force_login(world.users["office"])
    assert "共 5 条" in _total(client, "support:fund_list", {"year_from": 2025, "year_to": 2025})
    assert "共 0 条" in _total(client, "support:fund_list", {"year_from": 2026})
