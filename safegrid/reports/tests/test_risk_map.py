"""The four-colour map and the sector × township matrix: every number equals a count computed
independently from `RiskPoint.objects.visible_to(user)`; other regions are 404; a fixed number of
queries; the spreadsheet reads back."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import credit_code
from safegrid.risks.models import RiskPoint
from safegrid.risks.tests.world import seed_risks
from safegrid.sites.models import Site

LEVELS = ["major", "significant", "general", "low"]
MAP_USERS = [
    "leader",
    "office",
    "sector_mining",
    "township1",
    "township2",
    "grid11",
    "enterprise11",
    "office_b",
]


@pytest.fixture
def risks(world):
    return seed_risks(world)


def _map(client, **params):
    response = client.get(reverse("reports:risk_map_data"), params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("user_key", MAP_USERS)
def test_map_totals_equal_the_scoped_risk_points(world, risks, client, user_key):
    user = world.users[user_key]
    client.force_login(user)
    visible = list(RiskPoint.objects.visible_to(user, "risks.view_riskpoint").select_related("site"))
    data = _map(client)

    expected = Counter(p.level for p in visible)
    assert data["totals"] == {level: expected[level] for level in LEVELS}
    summed = Counter()
    for feature in data["features"]:
        props = feature["properties"]
        in_area = [p for p in visible if p.region_path.startswith(_path(props["id"]))]
        assert props["counts"] == {level: sum(p.level == level for p in in_area) for level in LEVELS}
        assert props["site_count"] == len({p.site_id for p in in_area})
        assert props["total"] == len(in_area)
        summed.update(props["counts"])
    assert {level: summed[level] for level in LEVELS} == data["totals"]
    assert {s["id"] for s in data["sites"]} == {p.site_id for p in visible}


def _path(region_id):
    from safegrid.orgs.models import Region

    return Region.objects.get(pk=region_id).path


def test_county_map_shows_townships_with_worst_level_and_drills_down(world, risks, client):
    client.force_login(world.users["office"])
    data = _map(client)
    assert data["region"]["name"] == "崇义县"
    areas = {f["properties"]["name"]: f["properties"] for f in data["features"]}
    assert set(areas) == {"横水镇", "扬眉镇"}
    assert areas["横水镇"]["level"] == "major" and areas["横水镇"]["colour"] == "#d9363e"
    assert areas["扬眉镇"]["level"] == "general" and areas["扬眉镇"]["colour"] == "#f5c400"
    # townships have no outline of their own in the test world: their grids are drawn instead
    assert data["features"][0]["geometry"]["type"] == "MultiPolygon"

    township = _map(client, region=world.t1.pk)
    assert [c["name"] for c in township["breadcrumb"]] == ["崇义县", "横水镇"]
    grids = {f["properties"]["name"]: f["properties"] for f in township["features"]}
    assert grids["横水第一网格"]["counts"] == {"major": 1, "significant": 0, "general": 0, "low": 1}
    assert grids["横水第二网格"]["level"] == "significant"

    grid = _map(client, region=world.g11.pk)
    assert [f["properties"]["name"] for f in grid["features"]] == ["横水第一网格"]
    assert [s["name"] for s in grid["sites"]] == ["横水钨矿"]
    assert grid["sites"][0]["level"] == "major"
    assert grid["sites"][0]["url"] == reverse("sites:site_detail", kwargs={"pk": world.site11_mine.pk})


def test_filters_by_sector_and_level(world, risks, client):
    client.force_login(world.users["office"])
    assert _map(client, sector=world.mining.pk)["totals"] == {
        "major": 1,
        "significant": 1,
        "general": 0,
        "low": 1,
    }
    by_level = _map(client, level="low")
    assert by_level["totals"] == {"major": 0, "significant": 0, "general": 0, "low": 1}
    # the filter picks the sites with a blue point; each keeps its own colour (横水钨矿: red)
    assert [(s["name"], s["level"]) for s in by_level["sites"]] == [("横水钨矿", "major")]
    assert client.get(reverse("reports:risk_map_data"), {"level": "purple"}).status_code == 400
    page = client.get(reverse("reports:risk_map"), {"level": "purple"})
    assert page.status_code == 200 and "筛选条件无效" in page.content.decode()


@pytest.mark.parametrize("route", ["reports:risk_map", "reports:risk_map_data"])
def test_a_region_outside_the_scope_is_404(world, risks, client, route):
    client.force_login(world.users["township2"])
    for region in (world.t1, world.g11, world.county, world.county_b):
        assert client.get(reverse(route), {"region": region.pk}).status_code == 404, region
    assert client.get(reverse(route), {"region": world.g21.pk}).status_code == 200
    assert client.get(reverse(route), {"region": "x"}).status_code in (400, 200)


@pytest.mark.parametrize("route", ["reports:risk_map", "reports:risk_map_data", "reports:risk_matrix_export"])
def test_roles_without_risk_view_get_403(world, client, route):
    for user_key in ("sysadmin", "secadmin", "auditor"):
        client.force_login(world.users[user_key])
        assert client.get(reverse(route)).status_code == 403


@pytest.mark.parametrize("user_key", MAP_USERS)
def test_matrix_equals_the_scoped_risk_points(world, risks, client, user_key):
    from safegrid.reports.risk_map import risk_matrix

    user = world.users[user_key]
    visible = list(RiskPoint.objects.visible_to(user, "risks.view_riskpoint").select_related("site__grid"))
    expected = Counter((p.sector_id, p.site.grid.parent_id, p.level) for p in visible)
    matrix = risk_matrix(actor=user)
    got = Counter()
    for sector, township, counts in matrix.records():
        for level, n in counts.items():
            if n:
                got[(sector.pk, township.pk, level)] = n
    assert got == expected


def test_matrix_export_opens_with_the_right_header_and_numbers(world, risks, client):
    client.force_login(world.users["office"])
    response = client.get(reverse("reports:risk_matrix_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行业领域", "乡镇（街道）", "重大风险", "较大风险", "一般风险", "低风险", "合计")
    assert sorted(rows[1:]) == sorted(
        [
            ("矿山", "横水镇", 1, 1, 0, 1, 3),
            ("消防", "扬眉镇", 0, 0, 1, 0, 1),
        ]
    )


def test_map_page_renders_the_chart_and_the_matrix(world, risks, client):
    client.force_login(world.users["township1"])
    page = client.get(reverse("reports:risk_map")).content.decode()
    assert 'id="risk-map"' in page and "echarts.min.js" in page
    assert 'id="risk-map-data"' in page
    assert 'data-testid="map-total">3<' in page
    assert "横水镇" in page and "扬眉镇" not in page


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("route", ["reports:risk_map", "reports:risk_map_data"])
def test_query_count_does_not_grow_with_sites_and_points(world, risks, client, route):
    client.force_login(world.users["office"])
    url = reverse(route)
    _queries(client, url)
    before = _queries(client, url), _queries(client, url, region=world.t1.pk)
    for i in range(5):
        for grid, sector in ((world.g12, world.fire), (world.g21, world.mining)):
            site = Site.objects.create(
                name=f"加测场所{grid.pk}-{i}",
                category="enterprise",
                kind="factory",
                credit_code=credit_code(800 + 10 * i + grid.pk),
                sector=sector,
                grid=grid,
                region_path=grid.path,
                address="x",
                longitude="114.3",
                latitude="25.7",
            )
            point = risks.points["g11_hoist"]
            RiskPoint.objects.create(
                site=site,
                region_path=site.region_path,
                sector_id=site.sector_id,
                name="加测",
                hazardous_factors="x",
                control_level="team",
                assessed_at=point.assessed_at,
                created_by=world.users["office"],
                method="ls",
                l_value=2,
                s_value=3,
                score=6,
                level=LEVELS[i % 4],
            )
    after = _queries(client, url), _queries(client, url, region=world.t1.pk)
    assert after == before
    assert max(after) <= 16


@pytest.mark.parametrize(
    ("total", "maximum", "band"),
    [
        (0, 0, 0),
        (0, 8, 0),
        (1, 8, 1),
        (2, 8, 1),
        (3, 8, 2),
        (4, 8, 2),
        (5, 8, 3),
        (6, 8, 3),
        (7, 8, 4),
        (8, 8, 4),
        (1, 1, 4),
        (1, 100, 1),
    ],
)
def test_count_bands_are_quarters_of_the_largest_total(total, maximum, band):
    from safegrid.reports.risk_map import count_band

    assert count_band(total, maximum) == band


def test_map_coloured_by_count_gives_each_area_a_band(world, risks, client):
    from safegrid.reports.risk_map import COUNT_BAND_HEX, count_band

    client.force_login(world.users["office"])
    assert "count_band" not in _map(client)["features"][0]["properties"]  # default: by level
    data = _map(client, region=world.t1.pk, colour_by="count")
    assert data["colour_by"] == "count"
    totals = {f["properties"]["name"]: f["properties"]["total"] for f in data["features"]}
    maximum = max(totals.values())
    assert data["count_max"] == maximum > 0
    for feature in data["features"]:
        props = feature["properties"]
        assert props["count_band"] == count_band(props["total"], maximum)
        assert props["colour"] == COUNT_BAND_HEX[props["count_band"]]
    assert max(f["properties"]["count_band"] for f in data["features"]) == 4
    assert data["count_bands"][0]["band"] == 0
    assert client.get(reverse("reports:risk_map_data"), {"colour_by": "x"}).status_code == 400


def test_map_page_offers_the_level_and_count_toggle(world, risks, client):
    client.force_login(world.users["office"])
    page = client.get(reverse("reports:risk_map"), {"colour_by": "count", "level": "major"}).content.decode()
    assert 'data-testid="map-colour-by"' in page
    assert "colour_by=level" in page and "level=major" in page
    assert '"colour_by": "count"' in page
