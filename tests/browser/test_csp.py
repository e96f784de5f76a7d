"""F6 in a real browser: the main pages run under the Content-Security-Policy with nothing blocked.

Chromium reports every blocked inline script, handler, eval or style as a console message naming
the "Content Security Policy"; one such message on any page fails the test. The charts (ECharts),
the htmx list filters and the moved inline behaviours (form styling, auto-submitting filters) are
checked to still work."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PAGES = [
    ("office", "/", None),
    ("office", "/dashboard/", "#chart-trend canvas"),
    ("office", "/risk-map/", "#risk-map canvas"),
    ("office", "/screen/", "canvas"),
    ("office", "/hazards/", None),
    ("office", "/emergency/compliance/", None),
    ("office", "/dispatch/compliance/", None),
    ("grid11", "/hazards/report/", None),
    ("township1", "/inspections/", None),
]


def _watch(page: Page) -> list[str]:
    problems: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            problems.append(f"{message.type}: {message.text} at {message.location.get('url')}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    return problems


@pytest.mark.parametrize("user_key", sorted({user for user, _, _ in PAGES}))
def test_main_pages_run_under_the_csp_without_a_violation(live_world, page, live_server, login, user_key):
    login(user_key)
    problems = _watch(page)
    visited = 0
    for user, path, drawn in PAGES:
        if user != user_key:
            continue
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        if drawn:
            expect(page.locator(drawn).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        visited += 1
    assert visited > 0
    assert problems == []


def test_htmx_filters_and_moved_behaviours_still_work(live_world, page, live_server, login):
    login("grid11")
    problems = _watch(page)
    # The report form: widgets styled by static/js/safegrid.js, no inline script left.
    page.goto(f"{live_server.url}/hazards/report/")
    expect(page.locator("#id_description")).to_have_class(re.compile(r"\bform-control\b"))
    expect(page.locator("#id_site")).to_have_class(re.compile(r"\bform-select\b"))
    # A list filter: htmx asks for the results (no eval, no inline script needed).
    page.goto(f"{live_server.url}/hazards/")
    select = page.locator("form[hx-get] select").first
    with page.expect_request(lambda r: "/hazards/?" in r.url and r.headers.get("hx-request") == "true"):
        select.select_option(index=1)
    assert problems == []


def test_an_auto_submitting_filter_still_submits(live_world, page, live_server, login):
    login("office")
    problems = _watch(page)
    page.goto(f"{live_server.url}/emergency/compliance/")
    with page.expect_navigation(url=re.compile(r"/emergency/compliance/\?.*missed=1")):
        page.locator("#only-missed").check()
    assert problems == []
