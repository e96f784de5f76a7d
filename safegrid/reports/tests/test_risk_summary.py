"""The per-site risk summary (risks.summary) behind the map above a county: the map read from it
equals the map read from the points, for the same actor and filters; the risk services keep it
(after each write it equals a rebuild); `differences()` names a row changed around the services,
`rebuild()` repairs it, and `rebuild_risk_summary --check` says so by its exit status."""

# ruff: noqa: F811 - the fixture `two_counties` is imported from test_risk_map_scale
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from safegrid.accounts.roles import Role
from safegrid.reports import risk_map
from safegrid.risks import services, summary
from safegrid.risks.models import RiskPoint, SiteRiskSummary

from .test_risk_map_scale import _point, _site, two_counties  # noqa: F401 - the fixture

LEC_MAJOR = {"method": "lec", "l_value": "6", "e_value": "6", "c_value": "15"}  # D = 540
LS_GENERAL = {"method": "ls", "l_value": 3, "s_value": 3}  # R = 9
LS_LOW = {"method": "ls", "l_value": 2, "s_value": 3}  # R = 6


def _rows() -> dict:
    return {
        (r.site_id, r.region_path, r.sector_id): (r.n_major, r.n_significant, r.n_general, r.n_low)
        for r in SiteRiskSummary.objects.all()
        if (r.n_major, r.n_significant, r.n_general, r.n_low) != (0, 0, 0, 0)
    }


def _rebuilt() -> dict:
    """The rows a rebuild writes (the summary is left rebuilt)."""
    summary.rebuild()
    return _rows()


def _both(monkeypatch, actor, **filters) -> tuple[dict, dict]:
    """The map from the summary and from the points, for the same actor and filters."""
    assert summary.serves(actor)
    from_summary = risk_map.risk_map_data(actor=actor, **filters)
    with monkeypatch.context() as m:
        m.setattr(risk_map.summary, "serves", lambda actor: False)
        live = risk_map.risk_map_data(actor=actor, **filters)
    return from_summary, live


FILTERS = [
    {},
    {"level": "low"},
    {"level": "major"},
    {"level": "significant"},
    {"sector": "mining_b"},
    {"sector": "mining_b", "level": "general"},
    {"sector": "mining", "level": "major"},
    {"colour_by": "count"},
    {"colour_by": "count", "level": "general"},
    {"region": "county_b"},
    {"region": "county", "level": "general"},
    {"region": "t1"},
    {"region": "t1", "sector": "fire"},
    {"region": "g31", "colour_by": "count"},
]


def _filters(w, spec: dict) -> dict:
    result = dict(spec)
    if "sector" in spec:
        result["sector"] = getattr(w, spec["sector"])
    if "region" in spec:
        result["region"] = getattr(w, spec["region"])
    return result


@pytest.mark.parametrize(
    "spec", FILTERS, ids=lambda spec: "-".join(f"{k}={v}" for k, v in spec.items()) or "all"
)
@pytest.mark.parametrize("user_key", ["supervisor", "province"])
def test_map_from_the_summary_equals_the_map_from_the_points(two_counties, monkeypatch, user_key, spec):
    w = two_counties
    actor = w.users["supervisor"] if user_key == "supervisor" else make_user("p", Role.SUPERVISOR, w.province)
    from_summary, live = _both(monkeypatch, actor, **_filters(w, spec))
    assert from_summary == live
    assert live["total"] == sum(f["properties"]["total"] for f in live["features"])


def test_map_from_the_summary_with_sites_left_out_equals_the_live_one(two_counties, monkeypatch):
    """Above the site cap the number of sites the map would list comes from the summary too."""
    monkeypatch.setattr(risk_map, "SITE_LIST_CAP", 1)
    w = two_counties
    for level in (None, "low", "major"):
        from_summary, live = _both(monkeypatch, w.users["supervisor"], level=level)
        assert from_summary == live
        assert from_summary["sites"] == []
    assert _both(monkeypatch, w.users["supervisor"])[0]["sites_omitted"] == 8


def test_the_map_above_a_county_does_not_read_the_points(two_counties, monkeypatch):
    """With the sites left out (a province), no query of the city's map reads the risk points."""
    monkeypatch.setattr(risk_map, "SITE_LIST_CAP", 0)
    with CaptureQueriesContext(connection) as ctx:
        risk_map.risk_map_data(actor=two_counties.users["supervisor"])
    assert [q for q in ctx.captured_queries if RiskPoint._meta.db_table in q["sql"]] == []
    assert len([q for q in ctx.captured_queries if SiteRiskSummary._meta.db_table in q["sql"]]) == 1


def test_a_stale_summary_shows_on_the_map_above_a_county_only(two_counties, client):
    """Proof that the map reads the summary where it serves, and the points below: a row changed
    around the services moves the city's figures and not the county office's."""
    w = two_counties
    office_before = risk_map.risk_map_data(actor=w.users["office"])["totals"]
    SiteRiskSummary.objects.filter(site_id=w.site11_mine.pk).update(n_major=7)
    assert risk_map.risk_map_data(actor=w.users["supervisor"])["totals"]["major"] == 7 + 1 + 0
    assert risk_map.risk_map_data(actor=w.users["office"])["totals"] == office_before


def test_summary_serves_only_actors_whose_grants_are_all_city_or_province(world):
    w = world
    assert summary.serves(w.users["supervisor"]) is True
    assert summary.serves(make_user("prov", Role.SUPERVISOR, w.province)) is True
    for key in ("office", "leader", "sector_mining", "township1", "grid11", "enterprise11"):
        assert summary.serves(w.users[key]) is False, key
    assert summary.serves(w.users["auditor"]) is False  # no VIEW_RISK grant
    assert summary.serves(None) is False


def test_summary_rows_are_scoped_like_the_points(two_counties):
    """Every actor's summary rows add up to exactly its visible points, per level."""
    w = two_counties
    for key in ("supervisor", "office", "office_b", "sector_mining", "township1", "grid11", "enterprise11"):
        user = w.users[key]
        points = RiskPoint.objects.visible_to(user, "risks.view_riskpoint")
        expected = {lv: points.filter(level=lv).count() for lv in ("major", "significant", "general", "low")}
        rows = summary.summary_list(actor=user)
        got = {lv: sum(getattr(r, f"n_{lv}") for r in rows) for lv in expected}
        assert got == expected, key


def test_services_keep_the_summary(world):
    w = world
    summary.rebuild()
    assert _rows() == {}
    point = services.risk_point_create(
        actor=w.users["enterprise11"],
        site=w.site11_mine,
        name="井下炸药发放硐室",
        hazardous_factors="炸药储存超量",
        accident_types=["explosive"],
        **LEC_MAJOR,
    )
    key = (w.site11_mine.pk, w.site11_mine.region_path, w.site11_mine.sector_id)
    assert _rows() == {key: (1, 0, 0, 0)}
    assert summary.differences() == {}
    assert _rows() == _rebuilt()

    second = services.risk_point_create(
        actor=w.users["office"],
        site=w.site11_mine,
        name="主井",
        hazardous_factors="提升",
        accident_types=["lifting"],
        **LS_LOW,
    )
    assert _rows() == {key: (1, 0, 0, 1)}
    # reassessed to another level: one count moves between columns of the same row
    services.risk_point_reassess(actor=w.users["township1"], risk_point=point, **LS_GENERAL)
    assert _rows() == {key: (0, 0, 1, 1)} == _rebuilt()
    # reassessed to the same level: nothing changes
    services.risk_point_reassess(actor=w.users["township1"], risk_point=second, **LS_LOW)
    assert _rows() == {key: (0, 0, 1, 1)} == _rebuilt()
    assert summary.differences() == {}


def test_a_refused_write_leaves_the_summary(world):
    from safegrid.core.exceptions import NotInScope

    w = world
    summary.rebuild()
    with pytest.raises(NotInScope):
        services.risk_point_create(
            actor=w.users["township2"],
            site=w.site11_mine,
            name="越权",
            hazardous_factors="x",
            accident_types=["fall"],
            **LEC_MAJOR,
        )
    assert _rows() == {}


def test_a_point_with_a_new_key_moves_its_count_between_rows(two_counties):
    """A change of a point's keys (no service makes one today: a site's move leaves its points)
    takes one from the old row and adds one to the new, in one upsert each."""
    w = two_counties
    point = w.risks.points["g21_kitchen"]
    before = summary.state_of(point)
    RiskPoint.objects.filter(pk=point.pk).update(region_path=w.g12.path)
    point.refresh_from_db()
    with CaptureQueriesContext(connection) as ctx:
        summary.record_change(before, summary.state_of(point))
    assert len(ctx.captured_queries) == 2
    assert summary.differences() == {}
    rows = _rows()
    assert (w.site21_hotel.pk, w.g21.path, w.site21_hotel.sector_id) not in rows
    assert rows[(w.site21_hotel.pk, w.g12.path, w.site21_hotel.sector_id)] == (0, 0, 1, 0)


def test_differences_name_a_row_written_around_the_services_and_rebuild_repairs_it(two_counties):
    w = two_counties
    assert summary.differences() == {}
    point = _point(w, w.b_mine2, "significant")  # written directly: the summary does not know
    key = (w.b_mine2.pk, w.b_mine2.region_path, w.b_mine2.sector_id)
    assert summary.differences() == {
        key: (
            {"n_major": 1, "n_significant": 0, "n_general": 0, "n_low": 1},
            {"n_major": 1, "n_significant": 1, "n_general": 0, "n_low": 1},
        )
    }
    RiskPoint.objects.filter(pk=point.pk).delete()
    RiskPoint.objects.filter(site=w.site31_mine).delete()
    site31 = (w.site31_mine.pk, w.site31_mine.region_path, w.site31_mine.sector_id)
    assert summary.differences() == {
        site31: ({"n_major": 0, "n_significant": 0, "n_general": 1, "n_low": 2}, None)
    }
    with CaptureQueriesContext(connection) as ctx:
        rows = summary.rebuild()
    statements = [q["sql"].split()[0] for q in ctx.captured_queries]
    assert [s for s in statements if s in ("DELETE", "INSERT", "SELECT", "UPDATE")] == ["DELETE", "INSERT"]
    assert rows == SiteRiskSummary.objects.count() == len(_rows())
    assert summary.differences() == {}


def test_check_command_exits_non_zero_on_a_difference_and_zero_after_a_rebuild(two_counties, capsys):
    w = two_counties
    call_command("rebuild_risk_summary", "--check")
    assert "一致" in capsys.readouterr().out
    SiteRiskSummary.objects.filter(site_id=w.b_plant.pk).update(n_low=5)
    with pytest.raises(CommandError, match="不一致：1 行"):
        call_command("rebuild_risk_summary", "--check")
    assert f"场所 {w.b_plant.pk} " in capsys.readouterr().out
    call_command("rebuild_risk_summary")
    assert "已重建" in capsys.readouterr().out
    call_command("rebuild_risk_summary", "--check")
    assert summary.differences() == {}


def test_demo_risks_keep_the_summary(world):
    from safegrid.demo.risks import build_demo_risks, wipe_demo_risks

    build_demo_risks(seed=7)
    assert summary.differences() == {}
    assert SiteRiskSummary.objects.count() > 0
    wipe_demo_risks()
    assert SiteRiskSummary.objects.count() == 0


def test_the_migration_backfills_the_summary_from_the_points(two_counties):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module("safegrid.risks.migrations.0003_site_risk_summary")
    SiteRiskSummary.objects.all().delete()
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.backfill(apps, editor)
    # seven sites with points, the mall under two paths
    assert SiteRiskSummary.objects.count() == 8
    assert summary.differences() == {}
