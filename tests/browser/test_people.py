"""先培训后上岗 in the browser: the county office finds a worker whose special-operation certificate
has expired (持证管理 → 已过期) and tries to post him as a special operator; the page refuses.

The seeded people (safegrid/people/tests/world.py): 横水钨矿焊工庚 works at 横水钨矿 and holds only a
welding certificate issued some 2300 days ago, so it expired after 6 years.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safegrid.people.models import Posting
from safegrid.people.tests.world import seed_people

pytestmark = pytest.mark.browser


def test_office_cannot_post_a_worker_with_an_expired_certificate_as_special_operator(
    page, live_server, live_world, login, screenshot
):
    # given the seeded people, and the county office signed in
    people = seed_people(live_world)
    worker = people.persons["mine11_unqualified"]
    postings_before = Posting.objects.count()
    login("office")

    # when the officer opens 持证管理, lists the expired certificates and opens the holder
    page.get_by_role("link", name="持证管理").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("持证管理")
    page.get_by_test_id("status-expired").click()
    expect(page.get_by_test_id("certificates").locator("tbody tr")).to_have_count(1)
    page.get_by_test_id("certificates").locator("tbody tr a").first.click()
    page.get_by_role("link", name=worker.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(worker.name)

    # and tries to post him as a welder at 横水钨矿
    page.get_by_role("link", name="安排岗位").click()
    expect(page.locator("#id_person")).to_have_value(str(worker.pk))
    page.locator("#id_post").select_option(label="特种作业人员")
    page.locator("#id_operation_category").select_option(label="焊接与热切割作业")
    page.locator("#id_site").select_option(label="横水钨矿")
    page.get_by_role("button", name="保存").click()

    # then the page refuses with the reason, and no posting is written
    expect(page.get_by_role("alert")).to_have_text(
        f"先培训后上岗：横水钨矿焊工庚 在 {timezone.localdate():%Y-%m-%d} 没有有效的“焊接与热切割作业”"
        "特种作业操作证，不能安排到特种作业岗位。"
    )
    screenshot("office-posting-refused-without-certificate")
    assert Posting.objects.count() == postings_before
