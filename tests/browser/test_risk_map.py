"""The four-colour risk map in a real browser: ECharts draws our own GeoJSON with Chinese labels and
coloured areas, and clicking a township drills down to it (?region=<id>)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from safegrid.risks.tests.world import seed_risks

pytestmark = pytest.mark.browser


def test_county_office_sees_the_map_and_drills_down_to_a_township(
    page, live_server, live_world, login, screenshot
):
    # given the county office signed in, with risk points in both townships
    seed_risks(live_world)
    login("office")

    # when the office follows 四色风险图 in the navigation
    page.get_by_role("link", name="四色风险图").click()
    page.wait_for_url(re.compile(r"/risk-map/$"))

    # then the chart is drawn on a canvas, with the Chinese title, legend and totals
    expect(page.get_by_test_id("map-title")).to_have_text("四色风险分布图")
    expect(page.locator("#risk-map canvas").first).to_be_visible()
    expect(page.get_by_test_id("map-legend")).to_contain_text("重大风险")
    expect(page.get_by_test_id("map-total")).to_have_text("4")
    expect(page.get_by_test_id("risk-matrix")).to_contain_text("横水镇")
    option = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById("risk-map"));
            const o = chart.getOption();
            return {title: o.title[0].text, areas: o.series[0].data.map(d => [d.name, d.value]),
                    pieces: o.visualMap[0].pieces.map(p => p.color)};
        }"""
    )
    assert option["title"] == "四色风险分布图 · 崇义县"
    assert sorted(option["areas"]) == [["扬眉镇", 2], ["横水镇", 4]]  # general (yellow), major (red)
    assert option["pieces"][:4] == ["#d9363e", "#f08c00", "#f5c400", "#1c7ed6"]
    screenshot("risk-map-county")

    # when the office clicks 横水镇 on the map (a real mouse click inside 横水第一网格's square)
    box = page.locator("#risk-map").bounding_box()
    x, y = page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById("risk-map"))
            .convertToPixel({geoIndex: 0}, [114.32, 25.70])"""
    )
    page.mouse.click(box["x"] + x, box["y"] + y)

    # then the page reloads on the township, with its grids and a breadcrumb back to the county
    page.wait_for_url(re.compile(rf"\?region={live_world.t1.pk}$"))
    expect(page.get_by_test_id("map-breadcrumb")).to_contain_text("崇义县")
    expect(page.get_by_test_id("map-breadcrumb")).to_contain_text("横水镇")
    expect(page.get_by_test_id("map-total")).to_have_text("3")
    grids = page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById("risk-map"))
            .getOption().series[0].data.map(d => d.name).sort()"""
    )
    assert grids == ["横水第一网格", "横水第二网格"]
    screenshot("risk-map-township")


def test_the_map_can_be_coloured_by_counts(page, live_server, live_world, login):
    """The toggle redraws the same areas on a sequential scale of risk-point counts."""
    seed_risks(live_world)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login("office")
    page.goto(f"{live_server.url}/risk-map/")
    page.get_by_test_id("map-colour-by-count").click()
    page.wait_for_url(re.compile(r"colour_by=count"))
    expect(page.locator("#risk-map canvas").first).to_be_visible()
    areas = page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById("risk-map"))
            .getOption().series[0].data.map(d => d.name).sort()"""
    )
    assert areas == ["扬眉镇", "横水镇"]
    assert errors == []
