"""统计分析 in a real browser, for the county office: the dashboard's hazard figures equal an
independent count over the raw hazards table and each one clicks through to the hazard list whose
total (共 N 条) is that number; the command screen (大屏) shows the same count, picks up a new hazard
on its next poll of reports:screen_data, and loads without a console error or a failed request;
the bulletin downloaded from the dashboard holds the independent figures of the period chosen in
the dashboard's form.

The expected numbers are counted here from `Hazard.objects.all()` with the definition of
safegrid/reports/statistics.py (a hazard is "found" in a period when its report time falls on a local
Asia/Shanghai date inside it; "rectified" when such a hazard is closed), and the county office's
scope is its county's subtree, read from each hazard's site — never through the scope code or the
statistics under test.
"""

from __future__ import annotations

import datetime
import re

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safegrid.hazards.choices import HandlingLevel, HazardGrade, HazardStatus
from safegrid.hazards.models import Hazard

pytestmark = pytest.mark.browser


# ---- the data ------------------------------------------------------------------------------------


def _local(*when: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*when))


def _hazard(world, number: str, site, *, reported_at=None, **extra) -> Hazard:
    return Hazard.objects.create(
        number=number,
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        source="patrol",
        category="thing",
        grade=extra.pop("grade", HazardGrade.GENERAL),
        description=f"{site.name}统计测试隐患",
        reported_by=world.users["office"],
        reported_at=reported_at or timezone.now(),
        **extra,
    )


def _seed(world) -> None:
    """Beside the world's four hazards reported just now (three in 崇义县, one in 安远县): one closed
    this year, one major at this year's first local midnight, and one at the last second of last
    year (outside this year's figures)."""
    year = timezone.localdate().year
    _hazard(
        world,
        "YH-RPT-closed",
        world.site11_mall,
        status=HazardStatus.CLOSED,
        closed_at=timezone.now(),
        closed_by=world.users["office"],
    )
    # a major hazard is handled at the sector level or above (hazard_major_at_sector_level_or_above)
    _hazard(
        world,
        "YH-RPT-new-year",
        world.site21_mine,
        reported_at=_local(year, 1, 1),
        grade=HazardGrade.MAJOR,
        level=HandlingLevel.SECTOR,
    )
    _hazard(world, "YH-RPT-eve", world.site12_mine, reported_at=_local(year - 1, 12, 31, 23, 59, 59))


def _county_hazards(world) -> list[Hazard]:
    """The hazards the county office may see: those at a site whose grid lies in its county."""
    county = world.county.path
    return [h for h in Hazard.objects.select_related("site__grid") if h.site.grid.path.startswith(county)]


def _counts(world, date_from: datetime.date, date_to: datetime.date) -> dict:
    """The county office's hazard figures for [date_from, date_to], counted independently."""
    found = [
        h for h in _county_hazards(world) if date_from <= timezone.localtime(h.reported_at).date() <= date_to
    ]
    rectified = [h for h in found if h.status == HazardStatus.CLOSED]
    return {
        "hazards_found": len(found),
        "hazards_rectified": len(rectified),
        "major_hazards": sum(1 for h in found if h.grade == HazardGrade.MAJOR),
        "rate": f"{len(rectified) / len(found) * 100:.1f}%" if found else None,
    }


def _this_year() -> tuple[datetime.date, datetime.date]:
    year = timezone.localdate().year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# ---- the browser ---------------------------------------------------------------------------------


def _console_error(problems: list[str], message) -> None:
    if message.type != "error":
        return
    problems.append(f"console error: {message.text} at {message.location['url']}")


def _watch(page: Page) -> list[str]:
    """Console errors, uncaught exceptions, failed requests and HTTP errors of the page, as text."""
    problems: list[str] = []
    page.on("console", lambda m: _console_error(problems, m))
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.on("requestfailed", lambda r: problems.append(f"requestfailed: {r.method} {r.url} {r.failure}"))
    page.on(
        "response",
        lambda r: (
            problems.append(f"HTTP {r.status}: {r.request.method} {r.url}") if r.status >= 400 else None
        ),
    )
    return problems


def _open_dashboard(page: Page) -> None:
    page.get_by_role("navigation").get_by_role("link", name="统计分析", exact=True).click()
    page.wait_for_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_test_id("dashboard-title")).to_have_text("统计分析")


# ---- the tests -----------------------------------------------------------------------------------


def test_each_hazard_figure_clicks_through_to_a_list_of_that_many(page, live_server, live_world, login):
    # given the county office, with hazards on both sides of this year's start
    _seed(live_world)
    date_from, date_to = _this_year()
    want = _counts(live_world, date_from, date_to)
    # the three of the world in 崇义县, the closed one and the new year's one; not 安远县's, not the eve's
    assert (want["hazards_found"], want["hazards_rectified"], want["major_hazards"]) == (5, 1, 1)
    problems = _watch(page)
    login("office")

    # when the office opens 统计分析 (this year by default)
    _open_dashboard(page)
    dashboard_url = page.url
    expect(page.get_by_test_id("dashboard-period")).to_have_text(f"统计周期：{date_from} 至 {date_to}")

    # then each hazard figure is the independent count, and its link lands on a list of that many
    expect(page.get_by_test_id("figure-rectification_rate")).to_have_text(want["rate"])
    for name in ("hazards_found", "hazards_rectified", "major_hazards"):
        figure = page.get_by_test_id(f"figure-{name}")
        expect(figure).to_have_text(str(want[name]))
        figure.click()
        page.wait_for_url(re.compile(r"/hazards/\?"))
        assert f"reported_from={date_from}&reported_to={date_to}" in page.url, (name, page.url)
        expect(page.get_by_test_id("total")).to_have_text(f"共 {want[name]} 条")
        expect(page.locator("#results table tbody tr")).to_have_count(want[name])
        page.goto(dashboard_url)

    assert problems == []


def test_the_command_screen_shows_the_count_and_updates_it_on_its_poll(page, live_server, live_world, login):
    # given the county office signed in, with the seeded hazards
    _seed(live_world)
    date_from, date_to = _this_year()
    want = _counts(live_world, date_from, date_to)["hazards_found"]
    open_now = sum(1 for h in _county_hazards(live_world) if h.status != HazardStatus.CLOSED)
    login("office")
    _open_dashboard(page)
    problems = _watch(page)
    # a fake clock, so that the screen's one-minute poll runs when the test says, not a minute later
    page.clock.install()

    # when the office follows 指挥大屏 and the screen loads its map data
    with page.expect_response(lambda r: "/risk-map/data/" in r.url) as map_response:
        page.get_by_test_id("screen-link").click()
    assert map_response.value.status == 200
    expect(page.get_by_test_id("screen-title")).to_have_text("安全生产指挥大屏")

    # then this year's found hazards and the open ones are the independent counts
    found = page.locator('[data-screen-key="hazards.found"]')
    expect(found).to_have_text(str(want))
    expect(page.locator('[data-screen-key="hazards.open"]')).to_have_text(str(open_now))
    expect(page.locator("#screen-map canvas").first).to_be_visible()

    # when a grid worker's new hazard comes in and a minute passes
    _hazard(live_world, "YH-RPT-live", live_world.site12_mine)
    want_after = _counts(live_world, date_from, date_to)["hazards_found"]
    assert want_after == want + 1
    with page.expect_response(lambda r: "/screen/data/" in r.url) as poll:
        page.clock.fast_forward(60_000)
    assert poll.value.status == 200
    assert poll.value.json()["hazards"]["found"] == want_after

    # then the screen shows the new count in place, with no stale-data warning and no error at all
    expect(found).to_have_text(str(want_after))
    expect(page.locator('[data-screen-key="hazards.open"]')).to_have_text(str(open_now + 1))
    expect(page.locator("#screen-stale")).to_be_hidden()
    assert page.url.endswith("/screen/")
    assert problems == []


def test_the_bulletin_downloaded_from_the_dashboard_holds_the_periods_figures(
    page, live_server, live_world, login, tmp_path
):
    # given the county office on the dashboard, choosing a custom period across the new year
    _seed(live_world)
    year = timezone.localdate().year
    date_from, date_to = datetime.date(year - 1, 12, 1), datetime.date(year, 1, 1)
    want = _counts(live_world, date_from, date_to)
    problems = _watch(page)
    login("office")
    _open_dashboard(page)
    page.get_by_label("统计周期").select_option(label="自定义")
    page.get_by_label("起始日期").fill(date_from.isoformat())
    page.get_by_label("截止日期").fill(date_to.isoformat())
    page.get_by_role("button", name="统计", exact=True).click()
    expect(page.get_by_test_id("dashboard-period")).to_have_text(f"统计周期：{date_from} 至 {date_to}")
    expect(page.get_by_test_id("figure-hazards_found")).to_have_text(str(want["hazards_found"]))

    # when the office downloads 简报
    with page.expect_download() as download_info:
        page.get_by_test_id("bulletin-download").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == f"安全生产工作简报-{date_from}至{date_to}.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    # then the Word document is the bulletin of that period, with the independent figures
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert text.splitlines()[0] == "安全生产工作简报"
    period = f"{year - 1}年12月1日至{year}年1月1日"
    assert f"崇义县安全生产工作情况（{period}）" in text
    hazards = f"发现问题隐患 {want['hazards_found']} 处，已整改 {want['hazards_rectified']} 处"
    if want["rate"] is not None:
        hazards += f"，整改率 {want['rate']}"
    assert hazards + "，" in text or hazards + "。" in text
    assert f"本期发现重大事故隐患 {want['major_hazards']} 处。" in text
    assert "安远县" not in text
    # a navigation that turns into a download is reported as an aborted request: that one is expected
    assert [p for p in problems if p != f"requestfailed: GET {download.url} net::ERR_ABORTED"] == []
