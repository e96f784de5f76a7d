"""What a township officer and a grid worker see after signing in through the real login form.

The seeded world (root conftest): 横水镇 has grids 横水第一网格 (横水钨矿, 横水商场) and 横水第二网格
(新溪钨矿); 扬眉镇 has 扬眉钨矿 and 扬眉宾馆. township1 works for 横水镇, grid11 for 横水第一网格.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TOWNSHIP1_SITES = ["新溪钨矿", "横水商场", "横水钨矿"]
GRID11_SITES = ["横水商场", "横水钨矿"]
YANGMEI_SITES = ["扬眉钨矿", "扬眉宾馆"]
PHONE = {"width": 390, "height": 844}


def listed_site_names(page: Page) -> list[str]:
    links = page.locator("#results table tbody tr td:first-child a")
    return sorted(name.strip() for name in links.all_inner_texts())


def open_site_list(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/sites/")
    expect(page.get_by_role("heading", level=1)).to_have_text("场所")
    expect(page.get_by_test_id("total")).to_be_visible()


def test_township_officer_sees_exactly_the_sites_of_the_township(
    page, live_server, live_world, login, screenshot
):
    # given township1 signed in through the login form
    login("township1")
    expect(page.get_by_test_id("home-title")).to_have_text("乡镇安全监管工作台")

    # when the officer opens the site list
    open_site_list(page, live_server)

    # then every site of 横水镇 is listed, in both of its grids, and nothing of 扬眉镇
    assert listed_site_names(page) == sorted(TOWNSHIP1_SITES)
    expect(page.get_by_test_id("total")).to_have_text("共 3 条")
    for name in YANGMEI_SITES:
        expect(page.get_by_text(name)).to_have_count(0)
    screenshot("township1-sites")


def test_after_logout_a_grid_worker_sees_only_the_sites_of_the_grid(
    page, live_server, live_world, login, screenshot
):
    # given township1 signed in and then signed out with the 退出 button
    login("township1")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("button", name="登录")).to_be_visible()

    # when grid worker grid11 signs in on the same browser and opens the site list
    login("grid11")
    expect(page.get_by_test_id("home-title")).to_have_text("我的网格")
    expect(page.get_by_test_id("current-user")).to_contain_text("grid11")
    open_site_list(page, live_server)

    # then only the two sites of 横水第一网格 are listed: not 新溪钨矿 (the township's other grid)
    assert listed_site_names(page) == sorted(GRID11_SITES)
    expect(page.get_by_test_id("total")).to_have_text("共 2 条")
    for name in ["新溪钨矿", *YANGMEI_SITES]:
        expect(page.get_by_text(name)).to_have_count(0)
    screenshot("grid11-sites")


@pytest.mark.parametrize(
    "site_attr", ["site21_mine", "site12_mine"], ids=["other-township", "same-township-other-grid"]
)
def test_grid_worker_opening_an_out_of_scope_site_gets_the_not_found_page(
    page, live_server, live_world, login, site_attr
):
    # given grid11 signed in
    login("grid11")
    site = getattr(live_world, site_attr)

    # when the worker types the detail URL of a site outside the grid
    response = page.goto(f"{live_server.url}{site.get_absolute_url()}")

    # then the answer is the same 404 page as for a site that does not exist, naming nothing
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("未找到")
    expect(page.get_by_text(site.name)).to_have_count(0)


@pytest.mark.browser_context_args(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
def test_on_a_phone_the_sidebar_hides_behind_the_menu_toggler(
    page, live_server, live_world, login, screenshot
):
    # given grid11 signed in on a 390×844 phone screen
    login("grid11")

    # when the worker opens the site list
    open_site_list(page, live_server)

    # then the navigation is folded away behind the toggler, and the list fits the screen
    sidebar = page.locator("#sidebar")
    toggler = page.get_by_role("button", name="打开菜单")
    expect(sidebar).to_be_hidden()
    expect(toggler).to_be_visible()
    assert listed_site_names(page) == sorted(GRID11_SITES)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for name in GRID11_SITES:
        box = page.get_by_role("link", name=name, exact=True).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    screenshot("grid11-sites-phone")

    # and the toggler slides the navigation in, with its link to the site list
    toggler.click()
    expect(sidebar).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # Bootstrap's slide-in has finished
    expect(sidebar).to_be_visible()
    expect(sidebar.get_by_role("link", name="场所", exact=True)).to_be_visible()
    screenshot("grid11-menu-phone")
