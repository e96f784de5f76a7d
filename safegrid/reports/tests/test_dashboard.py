"""The dashboard per role: figures equal the oracle, every number's link gives a list of that
total, invalid periods are explained in Chinese, and the page's query count does not grow with
the rows."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from safegrid.hazards.models import Hazard

from .oracle import ADMINS, ROLES, expected, seed_everything

WIDE = {"period": "custom", "date_from": "2025-01-01", "date_to": "2026-12-31"}
LINK = re.compile(r'<a [^>]*?href="([^"]+)"[^>]*?data-list-total="(\d+)"')
CARD = re.compile(r'data-testid="figure-(\w+)">([^<]*)<')


@pytest.fixture
def seeded(world):
    seed_everything(world)
    return world


def _links(page: str) -> list[tuple[str, int]]:
    return [(html.unescape(url), int(total)) for url, total in LINK.findall(page)]


@pytest.mark.parametrize("role", ROLES)
def test_every_number_clicks_through_to_a_list_of_that_total(seeded, client, role):
    client.force_login(seeded.users[role])
    page = client.get(reverse("reports:dashboard"), WIDE)
    assert page.status_code == 200
    links = _links(page.content.decode())
    # cards, 12 months × 2, the breakdowns and the two "all" links: never none
    assert len(links) >= 24 + 2
    for url, total in set(links):
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert f"共 {total} 条" in listed.content.decode(), url


@pytest.mark.parametrize("role", ROLES)
def test_cards_show_the_oracles_figures(seeded, client, role):
    client.force_login(seeded.users[role])
    page = client.get(reverse("reports:dashboard"), WIDE).content.decode()
    want = expected(
        seeded, role, datetime.date(2025, 1, 1), datetime.date(2026, 12, 31), timezone.localdate()
    )
    shown = dict(CARD.findall(page))
    visible = {k for k, v in want.items() if v is not None and k not in ("date_from", "date_to", "today")}
    visible.discard("fund_allocations")  # the count behind the fund cards' links, not a card
    # duty figures no list reproduces: in the bulletin only
    visible -= {"grids_staffed", "grids_unstaffed", "organisations", "committees"}
    if want["hazards_found"] is not None:
        visible.add("rectification_rate")
    assert set(shown) == visible
    for name, value in shown.items():
        if name == "rectification_rate":
            rate = want["rectification_rate"]
            assert value == ("—" if rate is None else f"{rate * 100:.1f}%")
        elif name != "meetings_required":
            assert value == str(want[name]), name


@pytest.mark.parametrize("role", ADMINS)
def test_administrators_are_refused(seeded, client, role):
    client.force_login(seeded.users[role])
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_the_default_period_is_this_year(seeded, client):
    client.force_login(seeded.users["office"])
    page = client.get(reverse("reports:dashboard")).content.decode()
    year = timezone.localdate().year
    assert f"{year}-01-01 至 {year}-12-31" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "custom", "date_from": "2026-06-01"}, "须填写起始日期和截止日期"),
        (
            {"period": "custom", "date_from": "2026-06-01", "date_to": "2026-01-01"},
            "起始日期不能晚于截止日期",
        ),
        ({"period": "year", "year": "abc"}, "年度必须是数字"),
        ({"period": "month", "month": "13"}, "选择一个有效的选项"),
    ],
    ids=["missing-end", "reversed", "bad-year", "bad-month"],
)
def test_an_invalid_period_is_explained_in_chinese(seeded, client, params, message):
    client.force_login(seeded.users["office"])
    page = client.get(reverse("reports:dashboard"), params)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert 'data-testid="figure-' not in page.content.decode()


def test_a_quarter_and_a_month_select_their_dates(seeded, client):
    client.force_login(seeded.users["office"])
    quarter = client.get(reverse("reports:dashboard"), {"period": "quarter", "year": "2026", "quarter": "1"})
    month = client.get(reverse("reports:dashboard"), {"period": "month", "year": "2025", "month": "12"})
    assert "2026-01-01 至 2026-03-31" in quarter.content.decode()
    assert "2025-12-01 至 2025-12-31" in month.content.decode()
    assert re.search(r'figure-hazards_found">1<', month.content.decode())


def test_the_dashboard_is_in_the_navigation_of_business_roles(seeded, client):
    client.force_login(seeded.users["grid11"])
    assert reverse("reports:dashboard") in client.get(reverse("reports:home")).content.decode()
    client.force_login(seeded.users["auditor"])
    assert reverse("reports:dashboard") not in client.get(reverse("reports:home")).content.decode()


def test_query_count_does_not_grow_with_the_rows(seeded, client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(seeded.users["office"])
    url = reverse("reports:dashboard")
    with CaptureQueriesContext(connection) as before:
        client.get(url, WIDE)
    site = seeded.site12_mine
    Hazard.objects.bulk_create(
        Hazard(
            number=f"YH-Q-{i}",
            site=site,
            region_path=site.region_path,
            sector_id=site.sector_id,
            source="patrol",
            category="thing",
            grade="general",
            status="rectifying",
            deadline=datetime.date(2026, 1, 1),
            responsible_person="某",
            description="批量隐患",
            reported_by=seeded.users["office"],
        )
        for i in range(40)
    )
    with CaptureQueriesContext(connection) as after:
        page = client.get(url, WIDE)
    assert len(after.captured_queries) == len(before.captured_queries)
    assert len(before.captured_queries) <= 60
    assert page.status_code == 200


def test_the_meeting_cadence_is_read_once_for_the_figures_and_the_table(seeded, client):
    """The figure "会议应召开" is counted from the rows the cadence table shows: one read of the
    meetings for both (a province has 1,600 meeting bodies)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(seeded.users["office"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reports:dashboard"), {"period": "year", "year": "2026"})
    assert page.status_code == 200
    assert 'data-testid="cadence-summary"' in page.content.decode()
    cadence_reads = [q["sql"] for q in queries if '"dispatch_meeting"."body" AS "body"' in q["sql"]]
    assert len(cadence_reads) == 1


BREAKDOWN_ROW = re.compile(
    r'<tr><th class="text-start fw-normal">([^<]+)</th>\s*<td><a href="([^"]+)" data-list-total="(\d+)"'
)


def _sector_breakdown(page: str) -> dict[str, tuple[str, int]]:
    table = page.split('data-testid="breakdown-sector"', 1)[1].split("</table>", 1)[0]
    return {name: (html.unescape(url), int(n)) for name, url, n in BREAKDOWN_ROW.findall(table)}


def test_above_a_county_the_sector_breakdown_is_by_kind_and_its_links_list_both_counties(seeded, client):
    """The city's supervisor reads two counties, each with its own 矿山 committee: one 矿山 row
    counting both (a province: 14 rows, not 1,400), whose links filter the list by the kind."""
    client.force_login(seeded.users["supervisor"])
    page = client.get(reverse("reports:dashboard"), WIDE).content.decode()
    rows = _sector_breakdown(page)
    assert list(rows) == ["矿山", "消防"]
    mining_found = Hazard.objects.filter(
        sector_id__in=[seeded.mining.pk, seeded.mining_b.pk],
        reported_at__date__gte="2025-01-01",
        reported_at__date__lte="2026-12-31",
    )
    assert {h.region_path[: len(seeded.county.path)] for h in mining_found} == {
        seeded.county.path,
        seeded.county_b.path,
    }
    url, total = rows["矿山"]
    assert "sector_code=mining" in url and total == mining_found.count()
    for url, total in _links(page):
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert f"共 {total} 条" in listed.content.decode(), url


def test_in_a_county_the_sector_breakdown_stays_per_sector(seeded, client):
    client.force_login(seeded.users["office"])
    page = client.get(reverse("reports:dashboard"), WIDE).content.decode()
    rows = _sector_breakdown(page)
    assert list(rows) == ["矿山", "消防"]
    assert f"sector={seeded.mining.pk}" in rows["矿山"][0]
    assert "sector_code" not in page


def _cadence_table(page: str) -> list[list[str]]:
    table = page.split('data-testid="cadence-summary"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<t[hd]>([^<]*)</t[hd]>", row) for row in table.split("<tr>")[1:]]


def test_above_a_county_the_cadence_table_has_a_row_per_county_summing_its_bodies(seeded, client):
    from safegrid.dispatch.selectors import cadence_compliance

    year = {"period": "year", "year": "2026"}
    client.force_login(seeded.users["supervisor"])
    rows = _cadence_table(client.get(reverse("reports:dashboard"), year).content.decode())
    bodies = cadence_compliance(actor=seeded.users["supervisor"], year=2026)
    expected = []
    for county in (seeded.county, seeded.county_b):
        mine = [b for b in bodies if b.region == county]
        assert len(mine) >= 2  # its committee and office at least
        held, required = sum(b.held for b in mine), sum(b.required for b in mine)
        expected.append([county.name, str(held), str(required), str(sum(len(b.missed) for b in mine))])
    assert rows == [["县（区）", "已召开", "应召开", "未达标时段"], *expected]
    assert int(expected[0][1]) > 0  # the seeded meetings are counted

    client.force_login(seeded.users["office"])
    rows = _cadence_table(client.get(reverse("reports:dashboard"), year).content.decode())
    office = cadence_compliance(actor=seeded.users["office"], year=2026)
    assert rows[0][0] == "会议主体"
    assert [r[0] for r in rows[1:]] == [b.label for b in office] and len(office) > 2
