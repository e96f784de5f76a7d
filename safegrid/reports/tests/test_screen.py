"""The command screen (大屏) per role: its JSON equals `statistics.figures` for this month and this
year (and so the oracle's independent counts), its lists never hold a hazard outside the role's
scope, its query count does not grow with the rows, and the page is the dark, self-refreshing
screen."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safegrid.hazards.choices import HazardAction, HazardStatus
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.reports import statistics
from safegrid.reports.screen_views import MONTH_FIGURES, REFRESH_SECONDS, month_span
from tests.contracts import registry

from .oracle import ADMINS, expected, seed_everything

SCREEN_ROLES = ["office", "township1", "sector_mining", "grid11", "enterprise11"]


@pytest.fixture
def seeded(world):
    seed_everything(world)
    return world


def _periods(today):
    month = month_span(today)
    year = (datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))
    return month, year


def _visible_hazards(world, role) -> list[Hazard]:
    """The hazards the role may see, by the contract oracle (not the scope code under test)."""
    a = registry.anchors(world)[role]
    return [
        h
        for h in Hazard.objects.select_related("site__grid", "site__sector")
        if registry.site_row_visible(h, a)
    ]


@pytest.mark.parametrize("role", SCREEN_ROLES)
def test_the_data_equals_the_figures_of_this_month_and_this_year(seeded, client, role):
    user = seeded.users[role]
    client.force_login(user)
    response = client.get(reverse("reports:screen_data"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    today = timezone.localdate()
    (m_from, m_to), (y_from, y_to) = _periods(today)
    month = statistics.figures(actor=user, date_from=m_from, date_to=m_to, today=today)
    year = statistics.figures(actor=user, date_from=y_from, date_to=y_to, today=today)
    assert data["today"] == today.isoformat()
    assert data["month"] == {"date_from": m_from.isoformat(), "date_to": m_to.isoformat()}
    assert data["refresh_seconds"] == REFRESH_SECONDS == 60

    hazards = data["hazards"]
    assert hazards["overdue"] == year.hazards_overdue
    assert hazards["escalated"] == year.hazards_escalated_open
    assert hazards["major"] == year.major_hazards
    assert hazards["found"] == year.hazards_found
    assert hazards["rectified"] == year.hazards_rectified
    assert hazards["rectification_rate"] == year.rectification_rate
    shown = {a["name"]: a["value"] for a in data["activities"]}
    assert shown == {n: getattr(month, n) for n in MONTH_FIGURES if getattr(month, n) is not None}

    # … and so the oracle's independent counts over the raw tables.
    want_year = expected(seeded, role, y_from, y_to, today)
    want_month = expected(seeded, role, m_from, m_to, today)
    for key, name in (
        ("overdue", "hazards_overdue"),
        ("escalated", "hazards_escalated_open"),
        ("major", "major_hazards"),
        ("found", "hazards_found"),
        ("rectified", "hazards_rectified"),
        ("rectification_rate", "rectification_rate"),
    ):
        assert hazards[key] == want_year[name], key
    assert shown == {n: want_month[n] for n in MONTH_FIGURES if want_month[n] is not None}
    # the open count is the hazard list's is_open=true total, counted independently here
    assert hazards["open"] == sum(
        1 for h in _visible_hazards(seeded, role) if h.status != HazardStatus.CLOSED
    )


@pytest.mark.parametrize("role", SCREEN_ROLES)
def test_the_lists_hold_only_in_scope_hazards(seeded, client, role):
    client.force_login(seeded.users[role])
    data = client.get(reverse("reports:screen_data")).json()
    today = timezone.localdate()
    visible = _visible_hazards(seeded, role)
    escalated_ids = set(
        HazardEvent.objects.filter(
            action__in=[HazardAction.ESCALATE, HazardAction.SWEEP_ESCALATE]
        ).values_list("hazard_id", flat=True)
    )
    overdue = {
        h.pk
        for h in visible
        if h.status in (HazardStatus.ASSIGNED, HazardStatus.RECTIFYING) and h.deadline and h.deadline < today
    }
    escalated = {h.pk for h in visible if h.status != HazardStatus.CLOSED and h.pk in escalated_ids}
    listed_overdue = [row["id"] for row in data["overdue"]]
    listed_escalated = [row["id"] for row in data["escalated"]]
    assert set(listed_overdue) <= overdue
    assert set(listed_escalated) <= escalated
    assert len(listed_overdue) == min(len(overdue), 8)
    assert len(listed_escalated) == min(len(escalated), 8)
    for row in data["overdue"]:
        assert row["days_overdue"] == (today - datetime.date.fromisoformat(row["deadline"])).days > 0
        assert row["url"] == reverse("hazards:hazard_detail", kwargs={"pk": row["id"]})
    # nothing outside the scope, on the page either
    page = client.get(reverse("reports:screen")).content.decode()
    hidden = Hazard.objects.exclude(pk__in=[h.pk for h in visible])
    for h in hidden:
        assert h.number not in page
        assert reverse("hazards:hazard_detail", kwargs={"pk": h.pk}) not in page


def test_out_of_scope_hazards_exist_in_the_world(seeded):
    """The scope test above is not vacuous: a township and an enterprise each miss overdue or
    escalated hazards that the county office sees."""
    office = {h.pk for h in _visible_hazards(seeded, "office")}
    for role in ("township1", "grid11", "enterprise11", "sector_mining"):
        assert {h.pk for h in _visible_hazards(seeded, role)} < office, role


@pytest.mark.parametrize("role", SCREEN_ROLES)
def test_the_page_is_the_dark_self_refreshing_screen(seeded, client, role):
    user = seeded.users[role]
    client.force_login(user)
    response = client.get(reverse("reports:screen"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-bs-theme="dark"' in page
    assert 'class="sg-screen"' in page
    assert f'data-refresh-seconds="{REFRESH_SECONDS}"' in page
    assert '"refreshSeconds": 60' in page
    assert reverse("reports:screen_data") in page
    assert reverse("reports:risk_map_data") in page
    assert "vendor/echarts/echarts.min.js" in page
    assert "js/screen.js" in page
    assert 'id="screen-clock"' in page and 'id="screen-map"' in page
    assert "http://" not in page and "https://" not in page  # no CDN, no external fonts
    assert 'class="navbar' not in page  # not the normal chrome
    data = client.get(reverse("reports:screen_data")).json()
    for key in ("open", "overdue", "escalated", "major"):
        assert f'data-screen-key="hazards.{key}">{data["hazards"][key]}<' in page
    for activity in data["activities"]:
        assert f'data-screen-activity="{activity["name"]}">{activity["value"]}<' in page
    # a group the role may not see (None) has no tile
    for name in MONTH_FIGURES:
        if name not in {a["name"] for a in data["activities"]}:
            assert f'data-screen-activity="{name}"' not in page


def test_a_group_the_role_cannot_see_is_hidden(seeded, client):
    """The expert reads hazards but not training records: no training tiles, in JSON or page."""
    client.force_login(seeded.users["expert"])
    data = client.get(reverse("reports:screen_data")).json()
    names = {a["name"] for a in data["activities"]}
    assert "trainings" not in names and "training_person_times" not in names
    page = client.get(reverse("reports:screen")).content.decode()
    assert 'data-screen-activity="trainings"' not in page


@pytest.mark.parametrize("role", ADMINS)
def test_administrators_are_refused(seeded, client, role):
    client.force_login(seeded.users[role])
    assert client.get(reverse("reports:screen")).status_code == 403
    assert client.get(reverse("reports:screen_data")).status_code == 403


def test_anonymous_is_sent_to_login_or_refused(seeded, client):
    page = client.get(reverse("reports:screen"))
    assert page.status_code == 302
    assert reverse("accounts:login") in page["Location"]
    data = client.get(reverse("reports:screen_data"))
    assert data.status_code == 401
    assert data.json()["code"] == "not_authenticated"


def test_the_dashboard_links_to_the_screen(seeded, client):
    client.force_login(seeded.users["township1"])
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert f'href="{reverse("reports:screen")}"' in page


@pytest.mark.parametrize("name", ["reports:screen_data", "reports:screen"])
def test_query_count_does_not_grow_with_the_rows(seeded, client, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(seeded.users["office"])
    url = reverse(name)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    site = seeded.site12_mine
    today = timezone.localdate()
    Hazard.objects.bulk_create(
        Hazard(
            number=f"YH-SCR-{i}",
            site=site,
            region_path=site.region_path,
            sector_id=site.sector_id,
            source="patrol",
            category="thing",
            grade="general",
            status="rectifying",
            deadline=today - datetime.timedelta(days=i + 1),
            responsible_person="某",
            description="批量隐患",
            reported_by=seeded.users["office"],
        )
        for i in range(30)
    )
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)
    assert len(before.captured_queries) <= 80
    if name == "reports:screen_data":
        assert len(response.json()["overdue"]) == 8
