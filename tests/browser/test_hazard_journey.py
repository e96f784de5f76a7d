"""The hazard closed loop in a real browser: a grid worker reports a hazard with a photo, the
township officer escalates it, the sector officer assigns a deadline, the enterprise reports
completion with evidence, the sector officer verifies, and the hazard shows closed with its full
timeline."""

from __future__ import annotations

import datetime
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _photo(path) -> str:
    Image.new("RGB", (64, 48), (200, 60, 40)).save(path, "JPEG")
    return str(path)


def _logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def _act(page: Page, url: str, button: str) -> None:
    """Open the hazard, press an action button; its form loads into the page (htmx)."""
    page.goto(url)
    page.get_by_test_id("hazard-actions").get_by_role("link", name=button, exact=True).click()
    expect(page.get_by_test_id("action-submit")).to_be_visible()


def _confirm(page: Page, url: str) -> None:
    """Submit the action form; htmx then reloads the hazard page (HX-Redirect)."""
    with page.expect_navigation(url=url):
        page.get_by_test_id("action-submit").click()


def test_a_hazard_goes_round_the_whole_loop(
    page, live_server, live_world, login, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A grid worker reports a hazard at 横水钨矿 with a photo, from the phone-sized report form.
    page.set_viewport_size({"width": 390, "height": 844})
    login("grid11")
    page.goto(f"{live_server.url}/hazards/report/")
    page.get_by_label("场所").select_option(label="横水钨矿")
    page.get_by_label("隐患类别").select_option(label="物的不安全状态")
    page.get_by_label("隐患描述").fill("井口配电箱未接地，线路裸露")
    page.get_by_label("现场照片").set_input_files(_photo(tmp_path / "scene.jpg"))
    page.get_by_role("button", name="上报").click()
    page.wait_for_url(re.compile(r"/hazards/\d+/$"))
    hazard_url = page.url
    expect(page.get_by_test_id("hazard-status")).to_have_text("已上报")
    expect(page.get_by_test_id("attachments").locator("img")).to_have_count(1)
    screenshot("hazard-reported-phone")
    _logout(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The township officer cannot solve it and escalates it to the sector committee.
    login("township1")
    _act(page, hazard_url, "提级处置")
    page.get_by_label("提级原因").fill("需停产整顿，乡镇无法协调")
    _confirm(page, hazard_url)
    expect(page.get_by_text("行业领域安委会", exact=True)).to_be_visible()
    _logout(page)

    # The sector officer assigns it to the township government with a deadline.
    login("sector_mining")
    _act(page, hazard_url, "交办")
    page.get_by_label("隐患等级").select_option(label="一般隐患")
    page.get_by_label("责任单位").select_option(label="横水镇人民政府")
    page.get_by_label("责任人").fill("李厂长")
    deadline = datetime.date.today() + datetime.timedelta(days=10)
    page.get_by_label("整改期限").fill(deadline.isoformat())
    _confirm(page, hazard_url)
    expect(page.get_by_test_id("hazard-status")).to_have_text("已交办")
    expect(page.get_by_test_id("hazard-deadline")).to_have_text(deadline.isoformat())
    _logout(page)

    # The enterprise starts the work and reports completion with evidence.
    login("enterprise11")
    _act(page, hazard_url, "开始整改")
    _confirm(page, hazard_url)
    expect(page.get_by_test_id("hazard-status")).to_have_text("整改中")
    _act(page, hazard_url, "报告整改完成")
    page.get_by_label("整改情况").fill("已重新接地并更换线路")
    page.get_by_label("整改佐证（照片或 PDF）").set_input_files(_photo(tmp_path / "after.jpg"))
    _confirm(page, hazard_url)
    expect(page.get_by_test_id("hazard-status")).to_have_text("待复查")
    _logout(page)

    # The sector officer verifies: closed, with the whole timeline and both pictures.
    login("sector_mining")
    _act(page, hazard_url, "复查")
    page.get_by_label("通过，予以销号").check()
    _confirm(page, hazard_url)
    expect(page.get_by_test_id("hazard-status")).to_have_text("已销号")
    steps = page.get_by_test_id("timeline").locator("li .fw-semibold")
    actions = [text.split(" ·")[0].strip() for text in steps.all_inner_texts()]
    assert actions == ["上报", "提级处置", "交办", "开始整改", "报告整改完成", "复查通过并销号"]
    expect(page.get_by_test_id("attachments").locator("img")).to_have_count(2)
    expect(page.get_by_test_id("hazard-actions").get_by_role("link")).to_have_count(0)
    screenshot("hazard-closed")


def test_gps_selects_the_nearest_site(page, live_server, live_world, login):
    """A grid worker on a phone taps 获取当前位置 and the nearest site is chosen for them."""
    from safegrid.sites.models import Site

    Site.objects.filter(pk=live_world.site11_mine.pk).update(longitude="114.301000", latitude="25.681000")
    Site.objects.filter(pk=live_world.site11_mall.pk).update(longitude="114.340000", latitude="25.700000")
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": 114.3395, "latitude": 25.6998})
    login("grid11")
    page.goto(f"{live_server.url}/hazards/report/")
    page.get_by_role("button", name="获取当前位置").click()
    expect(page.get_by_label("场所")).to_have_value(str(live_world.site11_mall.pk))
    expect(page.locator("#gps-status")).to_contain_text("已选最近场所：横水商场")
