"""The map above county level (a city with two counties, a province): per-area figures computed in
the database equal the ones computed here from the risk point rows, by the rule the map has always
had (an area counts the points whose path lies in it and the distinct sites of those points; a
listed site is coloured by its latest grading, otherwise its worst point, whatever the level
filter); site points are left out above the cap with the number that would have been listed."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import credit_code, make_region, make_user
from safegrid.accounts.roles import Role
from safegrid.orgs.choices import RegionKind
from safegrid.risks import summary
from safegrid.risks.choices import LEVEL_RANK
from safegrid.risks.models import RiskPoint, SiteRiskGrading
from safegrid.risks.tests.world import seed_risks
from safegrid.sites.models import Site

LEVELS = ["major", "significant", "general", "low"]


def _site(w, name, grid, sector, n):
    return Site.objects.create(
        name=name,
        category="enterprise",
        kind="factory",
        credit_code=credit_code(700 + n),
        sector=sector,
        grid=grid,
        region_path=grid.path,
        address="x",
        longitude="114.3",
        latitude="25.7",
    )


def _point(w, site, level, *, path=None):
    template = w.risks.points["g11_hoist"]
    return RiskPoint.objects.create(
        site=site,
        region_path=path or site.region_path,
        sector_id=site.sector_id,
        name=f"点{level}",
        hazardous_factors="x",
        control_level="team",
        assessed_at=template.assessed_at,
        created_by=w.users["office"],
        method="ls",
        l_value=2,
        s_value=3,
        score=6,
        level=level,
    )


def _grading(w, site, level, graded_on):
    return SiteRiskGrading.objects.create(
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        method="other",
        level=level,
        graded_on=graded_on,
        recorded_by=w.users["office"],
    )


@pytest.fixture
def two_counties(world):
    """The seeded points of 崇义县, plus 安远县 with sites of both sectors and a spread of levels;
    one 崇义县 site has a point left in 安远县 (its old grid: points keep their path when a site
    moves), one graded site has no points, and one site's latest grading overrides its points."""
    w = world
    seed_risks(w)
    w.b_mine2 = _site(w, "欣山二矿", w.g31, w.mining_b, 1)
    w.b_plant = _site(w, "欣山砖厂", w.g31, w.mining_b, 2)
    w.b_graded_only = _site(w, "欣山石场", w.g31, w.mining_b, 3)
    for site, levels in (
        (w.site31_mine, ["low", "general"]),
        (w.b_mine2, ["major", "low"]),
        (w.b_plant, ["significant"]),
    ):
        for level in levels:
            _point(w, site, level)
    _point(w, w.site11_mall, "general")
    _point(w, w.site11_mall, "general", path=w.g31.path)
    _grading(w, w.b_graded_only, "significant", datetime.date(2026, 3, 1))
    _grading(w, w.b_plant, "major", datetime.date(2026, 1, 1))
    _grading(w, w.b_plant, "low", datetime.date(2026, 2, 1))  # the latest decides: blue
    summary.rebuild()  # the points were written around the services
    return w


def _map(client, **params):
    response = client.get(reverse("reports:risk_map_data"), params)
    assert response.status_code == 200, response.content
    return response.json()


def _points(user, region, *, level=None, sector=None):
    rows = [
        p
        for p in RiskPoint.objects.visible_to(user, "risks.view_riskpoint")
        if p.region_path.startswith(region.path) and (sector is None or p.sector_id == sector.pk)
    ]
    counted = [p for p in rows if level is None or p.level == level]
    return rows, counted


def _expected_areas(counted, areas):
    expected = {}
    for area in areas:
        in_area = [p for p in counted if p.region_path.startswith(area.path)]
        levels = Counter(p.level for p in in_area)
        expected[area.name] = ({lv: levels[lv] for lv in LEVELS}, len({p.site_id for p in in_area}))
    return expected


def _expected_sites(user, region, rows, counted, *, level=None, sector=None):
    """{site name: colour level} of the sites the map lists, by the rule computed from the rows."""
    gradings = [
        g
        for g in SiteRiskGrading.objects.visible_to(user, "risks.view_riskpoint").order_by("graded_on", "id")
        if g.region_path.startswith(region.path) and (sector is None or g.sector_id == sector.pk)
    ]
    latest = {g.site_id: g.level for g in gradings}  # later rows overwrite earlier ones
    worst: dict[int, str] = {}
    for p in rows:
        if p.site_id not in worst or LEVEL_RANK[p.level] > LEVEL_RANK[worst[p.site_id]]:
            worst[p.site_id] = p.level
    shown = {p.site_id for p in counted} | (set() if level else set(latest))
    visible = Site.objects.visible_to(user, "risks.view_riskpoint").filter(pk__in=shown)
    return {s.name: latest.get(s.pk) or worst[s.pk] for s in visible}


def _areas(data):
    return {
        f["properties"]["name"]: (f["properties"]["counts"], f["properties"]["site_count"])
        for f in data["features"]
    }


@pytest.mark.parametrize(
    ("level", "sector_attr"),
    [(None, None), ("low", None), ("major", None), (None, "mining_b"), ("general", "mining_b")],
)
def test_city_map_counts_each_county_from_the_point_rows(two_counties, client, level, sector_attr):
    w = two_counties
    user = w.users["supervisor"]
    client.force_login(user)
    sector = getattr(w, sector_attr) if sector_attr else None
    params = {k: v for k, v in (("level", level), ("sector", sector and sector.pk)) if v}
    data = _map(client, **params)

    rows, counted = _points(user, w.city, level=level, sector=sector)
    expected = _expected_areas(counted, [w.county, w.county_b])
    assert data["region"]["name"] == "赣州市"
    assert _areas(data) == expected
    assert data["totals"] == {lv: sum(c[lv] for c, _n in expected.values()) for lv in LEVELS}
    assert data["total"] == len(counted)
    listed = {s["name"]: s["level"] for s in data["sites"]}
    assert listed == _expected_sites(user, w.city, rows, counted, level=level, sector=sector)
    assert data["sites_omitted"] == 0


def test_city_map_exact_figures(two_counties, client):
    """The same rule, spelt out: 安远县 has 3 + 2 + 1 points of its sites and one of 崇义县's mall."""
    w = two_counties
    client.force_login(w.users["supervisor"])
    data = _map(client)
    areas = _areas(data)
    assert areas["安远县"] == ({"major": 1, "significant": 1, "general": 2, "low": 3}, 4)
    # a site with points in both counties (the mall) counts in both
    assert areas["崇义县"] == ({"major": 1, "significant": 1, "general": 2, "low": 1}, 4)
    colours = {s["name"]: s["level"] for s in data["sites"]}
    assert colours["欣山砖厂"] == "low"  # latest grading, not its orange point nor the older red grading
    assert colours["欣山石场"] == "significant"  # graded, no points: shown, counted in no area
    assert colours["欣山二矿"] == "major"
    by_level = {s["name"]: s["level"] for s in _map(client, level="low")["sites"]}
    # the filter picks the sites with a blue point; each keeps its own colour
    assert by_level == {"欣山钨矿": "general", "欣山二矿": "major", "横水钨矿": "major"}


def test_sites_above_the_cap_are_omitted_with_their_number(two_counties, client, monkeypatch):
    from safegrid.reports import risk_map

    w = two_counties
    user = w.users["supervisor"]
    client.force_login(user)
    full = _map(client)
    rows, counted = _points(user, w.city)
    would_list = _expected_sites(user, w.city, rows, counted)
    assert len(full["sites"]) == len(would_list) == 8

    monkeypatch.setattr(risk_map, "SITE_LIST_CAP", len(would_list) - 1)
    capped = _map(client)
    assert capped["sites"] == []
    assert capped["sites_omitted"] == len(would_list)
    # everything else is unchanged
    assert {k: v for k, v in capped.items() if k not in ("sites", "sites_omitted")} == {
        k: v for k, v in full.items() if k not in ("sites", "sites_omitted")
    }
    # with a level filter the number is that of the sites the filter picks
    assert _map(client, level="low")["sites_omitted"] == 0  # 3 sites: listed
    monkeypatch.setattr(risk_map, "SITE_LIST_CAP", 2)
    assert _map(client, level="low")["sites_omitted"] == 3

    # at the cap exactly, they are listed
    monkeypatch.setattr(risk_map, "SITE_LIST_CAP", len(would_list))
    assert len(_map(client)["sites"]) == len(would_list)


def test_county_map_lists_its_sites_and_the_page_hints_above_the_cap(two_counties, client, monkeypatch):
    from safegrid.reports import risk_map

    w = two_counties
    client.force_login(w.users["supervisor"])
    county = _map(client, region=w.county_b.pk)
    assert county["sites_omitted"] == 0
    # the mall's stray point lies in 安远县: the mall is listed there, with its own worst point
    assert {s["name"]: s["level"] for s in county["sites"]} == {
        "欣山钨矿": "general",
        "欣山二矿": "major",
        "欣山砖厂": "low",
        "欣山石场": "significant",
        "横水商场": "general",
    }
    page = client.get(reverse("reports:risk_map"), {"region": w.county_b.pk}).content.decode()
    assert 'data-testid="map-sites-omitted"' not in page

    monkeypatch.setattr(risk_map, "SITE_LIST_CAP", 4)
    page = client.get(reverse("reports:risk_map"), {"region": w.county_b.pk}).content.decode()
    assert 'data-testid="map-sites-omitted">场所较多（5 个），请选择县（区）或乡镇查看场所分布<' in page
    assert '"sitesOmitted": "\\u573a\\u6240\\u8f83\\u591a\\uff08%(n)s \\u4e2a\\uff09' in page


def test_sector_restricted_reader_counts_only_visible_sites(two_counties, client, monkeypatch):
    """A sector officer sees the points of its sector; the omitted number counts the sites it
    could see, not every site with a point."""
    from safegrid.reports import risk_map

    w = two_counties
    user = w.users["sector_mining"]
    # a mining point at the mall (a fire site; say the site changed sector): the officer sees the
    # point, not the site
    stray = _point(w, w.site11_mall, "major")
    RiskPoint.objects.filter(pk=stray.pk).update(sector_id=w.mining.pk)
    client.force_login(user)
    data = _map(client)
    rows, counted = _points(user, w.county)
    assert _areas(data) == _expected_areas(counted, [w.t1, w.t2])
    expected = _expected_sites(user, w.county, rows, counted)
    assert (
        {s["name"]: s["level"] for s in data["sites"]}
        == expected
        == {"横水钨矿": "major", "新溪钨矿": "significant"}
    )
    assert _areas(data)["横水镇"][1] == 3  # the mall's point counts, its site is not listed
    monkeypatch.setattr(risk_map, "SITE_LIST_CAP", 0)
    assert _map(client)["sites_omitted"] == 2


def test_areas_with_paths_of_unequal_length_are_counted_by_prefix(two_counties, client):
    """Siblings' paths normally have one length (so the area is a prefix of fixed length); a code of
    another length falls back to matching each area's path."""
    w = two_counties
    odd = make_region("3607251020", "过埠镇", RegionKind.TOWNSHIP, w.county)
    grid = make_region("3607251020001", "过埠第一网格", RegionKind.GRID, odd)
    site = _site(w, "过埠矿", grid, w.mining, 9)
    _point(w, site, "major")
    _point(w, site, "low")
    client.force_login(w.users["office"])
    data = _map(client)
    _rows, counted = _points(w.users["office"], w.county)
    assert _areas(data) == _expected_areas(counted, [w.t1, w.t2, odd])
    assert _areas(data)["过埠镇"] == ({"major": 1, "significant": 0, "general": 0, "low": 1}, 1)


def test_province_map_shows_its_city_and_falls_back_to_the_county_outlines(two_counties, client):
    w = two_counties
    user = make_user("province_supervisor", Role.SUPERVISOR, w.province)
    client.force_login(user)
    data = _map(client)
    _rows, counted = _points(user, w.province)
    assert data["region"]["name"] == "江西省"
    assert _areas(data) == _expected_areas(counted, [w.city])
    # the city has no outline; neither have its counties: the grids (the highest with one) are drawn
    geometry = data["features"][0]["geometry"]
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 3

    w.county.geometry = {"type": "Polygon", "coordinates": [[[114, 25], [115, 25], [115, 26], [114, 25]]]}
    w.county.save(update_fields=["geometry"])
    geometry = _map(client)["features"][0]["geometry"]
    assert geometry == {"type": "MultiPolygon", "coordinates": [w.county.geometry["coordinates"]]}


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:risk_map_data"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_city_map_queries_do_not_grow_with_sites_and_points(two_counties, client, monkeypatch):
    from safegrid.reports import risk_map

    w = two_counties
    client.force_login(w.users["supervisor"])
    _queries(client)
    listed = _queries(client)
    monkeypatch.setattr(risk_map, "SITE_LIST_CAP", 1)
    omitted = _queries(client)
    assert omitted == listed - 1  # no site query when they are left out
    for i in range(6):
        _point(
            w,
            _site(w, f"加测{i}", (w.g21, w.g31)[i % 2], (w.mining, w.mining_b)[i % 2], 20 + i),
            LEVELS[i % 4],
        )
    assert _queries(client) == omitted
    monkeypatch.setattr(risk_map, "SITE_LIST_CAP", 5000)
    assert _queries(client) == listed
