"""Browser tests: a real Chromium (the Debian package, not Playwright's download) driving the live
Django server through pytest-playwright.

- Chromium comes from `apt-get install chromium fonts-noto-cjk` (the fonts make Chinese render as
  text, not boxes). Without it these tests skip with a clear message; with
  SAFEGRID_REQUIRE_BROWSER=1 (CI, `make test-browser`) the skip becomes a failure, so a broken
  browser can never turn the browser suite green by skipping it.
- Every test here carries the `browser` marker (declared in pyproject.toml), so `pytest -m browser`
  selects exactly this directory and `-m "not browser"` leaves it out.
- The live server runs in a thread of the test process, so the data a test writes must be
  committed: `live_world` builds the shared seeded world inside `transactional_db`.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import PASSWORD, build_world

# Playwright's sync API keeps an asyncio event loop alive in the main thread for the whole session,
# so Django's "no ORM calls from async code" guard would trip on every database call made later in
# the same process (world setup, flushes, and any non-browser test that pytest-xdist schedules on
# this worker afterwards). The tests and the live server are plain synchronous code; the guard is a
# false positive here. Set at import time because the loop outlives any one test.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium refuses its setuid/namespace sandbox.
    "--disable-gpu",
    # No traffic to Google services: the tests must run on a machine with no internet at all.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REQUIRE_BROWSER_ENV = "SAFEGRID_REQUIRE_BROWSER"
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
HERE = Path(__file__).resolve().parent


def browser_required() -> bool:
    return os.environ.get(REQUIRE_BROWSER_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def no_browser(reason: str):
    """Skip (a developer machine without Chromium) or fail (CI, `make test-browser`)."""
    if browser_required():
        pytest.fail(f"{reason}（{REQUIRE_BROWSER_ENV}=1：浏览器测试不得跳过）", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    # Safety net: a test file added here without `pytestmark = pytest.mark.browser` still gets it,
    # so `-m browser` / `-m "not browser"` always split the suite the same way.
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        no_browser(f"Chromium 未安装：apt-get install chromium（未找到 {CHROMIUM}）")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser(launch_browser):
    """pytest-playwright's `browser`, but a Chromium that is installed and cannot start is reported
    as such (skip, or failure under SAFEGRID_REQUIRE_BROWSER=1) instead of erroring every test."""
    try:
        browser = launch_browser()
    except Exception as exc:
        no_browser(f"Chromium 无法启动：{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Browse as the county's users do: a Chinese browser in China. Without this Chromium sends
    # Accept-Language: en-US and LocaleMiddleware serves Django's own strings in English.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def live_world(transactional_db) -> SimpleNamespace:
    """The root conftest's seeded world, committed so the live server thread can read it.

    The root `world` fixture depends on `db` (one rolled-back transaction), which a server in
    another thread cannot see; this one depends on `transactional_db` and is flushed afterwards.
    Passwords are the root conftest's PASSWORD, hashed with the project's real hashers, so the
    login form is exercised exactly as in production.
    """
    return build_world()


@pytest.fixture
def page(page):
    # The live server is local: anything slower than this is a hang, and should fail fast.
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def login(page, live_server):
    """Sign in through the real login form, as a person would: `login("township1")`."""

    def sign_in(username: str, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="登录").click()
        response = navigation.value
        # Say where the login went wrong (a form error, a 500 …) instead of timing out on a URL.
        landed = (response.status if response else None, page.url)
        assert landed == (200, f"{live_server.url}/"), (
            f"signing in as {username} ended at {landed}: {page.locator('body').inner_text()[:500]}"
        )
        return page

    return sign_in


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot to test-results/screenshots/<name>.png for a human to look at."""

    def save(name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
