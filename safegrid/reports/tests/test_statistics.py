"""statistics.figures and the statistics API against an independent count over the raw tables, per
role of the world; period boundaries at local midnight; trends and breakdowns."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safegrid.dispatch.selectors import cadence_compliance
from safegrid.reports import statistics

from .oracle import ADMINS, ROLES, expected, seed_everything

WIDE = (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))


@pytest.fixture
def seeded(world):
    seed_everything(world)
    return world


def _meetings_required(user, date_from, date_to, today) -> int:
    return sum(
        p.period.required
        for year in range(date_from.year, date_to.year + 1)
        for body in cadence_compliance(actor=user, year=year, today=today)
        for p in body.periods
        if date_from <= p.period.start and p.period.end <= date_to
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "period",
    [
        WIDE,
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 5, 1), datetime.date(2026, 6, 30)),
    ],
    ids=["2025-2026", "2026", "may-june-2026"],
)
def test_every_figure_equals_the_independent_count(seeded, role, period):
    today = timezone.localdate()
    user = seeded.users[role]
    got = statistics.figures(actor=user, date_from=period[0], date_to=period[1], today=today).as_dict()
    want = expected(seeded, role, *period, today)
    if want["meetings_required"] == "cadence":
        want["meetings_required"] = _meetings_required(user, *period, today)
    assert got == want


def test_the_world_exercises_every_figure(seeded):
    """The oracle would pass vacuously on zeros: the county office over 2025–2026 sees some of each."""
    today = timezone.localdate()
    f = statistics.figures(actor=seeded.users["office"], date_from=WIDE[0], date_to=WIDE[1], today=today)
    zero = sorted(
        name
        for name, value in f.as_dict().items()
        if value in (0, None) and name not in ("certificates_expiring", "certificates_expired")
    )
    assert zero == []


@pytest.mark.parametrize("role", ["grid11", "enterprise11", "expert", "leader"])
def test_groups_the_role_may_not_see_are_none_not_zero(seeded, role):
    f = statistics.figures(actor=seeded.users[role], date_from=WIDE[0], date_to=WIDE[1])
    hidden = {
        "grid11": {"penalties", "meetings_held", "funds_allocated", "expert_engagements"},
        "enterprise11": {"publicity_activities", "meetings_held", "funds_allocated"},
        "expert": {"trainings", "penalties", "publicity_activities", "meetings_held"},
        "leader": set(),
    }[role]
    assert {name for name in hidden if getattr(f, name) is None} == hidden


def test_a_hazard_on_new_years_eve_counts_in_the_old_year_and_one_at_midnight_in_the_new(seeded):
    office = seeded.users["office"]
    eve, new_year = seeded.statistics.extra["eve"], seeded.statistics.extra["new_year"]
    assert timezone.localtime(eve.reported_at).date() == datetime.date(2025, 12, 31)
    assert timezone.localtime(new_year.reported_at) == timezone.make_aware(datetime.datetime(2026, 1, 1))

    def found(a, b):
        return statistics.figures(actor=office, date_from=a, date_to=b).hazards_found

    assert found(datetime.date(2025, 12, 31), datetime.date(2025, 12, 31)) == 1
    assert found(datetime.date(2026, 1, 1), datetime.date(2026, 1, 1)) == 1
    assert found(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)) == 1


def test_rectification_rate_is_none_when_nothing_was_found(seeded):
    f = statistics.figures(
        actor=seeded.users["office"], date_from=datetime.date(2020, 1, 1), date_to=datetime.date(2020, 12, 31)
    )
    assert (f.hazards_found, f.hazards_rectified, f.rectification_rate) == (0, 0, None)


def test_monthly_trend_counts_found_and_closed_per_month(seeded):
    today = datetime.date(2026, 11, 29)
    trend = statistics.hazard_monthly_trend(actor=seeded.users["office"], today=today)
    assert (trend[0].month, trend[-1].month, len(trend)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 11, 1),
        12,
    )
    by_month = {m.month: (m.found, m.closed) for m in trend}
    assert by_month[datetime.date(2025, 12, 1)] == (1, 0)  # the new year's eve hazard
    assert by_month[datetime.date(2026, 1, 1)] == (1, 0)
    assert by_month[datetime.date(2026, 3, 1)] == (1, 0)


def test_breakdowns_add_up_to_the_figures(seeded):
    office = seeded.users["office"]
    a, b = WIDE
    f = statistics.figures(actor=office, date_from=a, date_to=b)
    sectors = statistics.hazard_breakdown_by_sector(actor=office, date_from=a, date_to=b)
    areas = statistics.hazard_breakdown_by_area(actor=office, date_from=a, date_to=b)
    assert [r.name for r in areas] == ["横水镇", "扬眉镇"]
    for rows in (sectors, areas):
        assert sum(r.found for r in rows) == f.hazards_found
        assert sum(r.closed for r in rows) == f.hazards_rectified
        assert all(r.open == r.found - r.closed for r in rows)


def test_a_grid_worker_breaks_down_by_its_grid(seeded):
    rows = statistics.hazard_breakdown_by_area(
        actor=seeded.users["grid11"], date_from=WIDE[0], date_to=WIDE[1]
    )
    assert [r.name for r in rows] == ["横水第一网格"]


def test_figures_take_a_bounded_number_of_queries(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        statistics.figures(actor=seeded.users["office"], date_from=WIDE[0], date_to=WIDE[1])


# ---- API ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_returns_the_oracles_figures(seeded, api, role):
    today = timezone.localdate()
    user = seeded.users[role]
    response = api(user).get(reverse("api:statistics"), {"date_from": "2025-01-01", "date_to": "2026-12-31"})
    assert response.status_code == 200
    want = expected(seeded, role, *WIDE, today)
    if want["meetings_required"] == "cadence":
        want["meetings_required"] = _meetings_required(user, *WIDE, today)
    body = response.json()
    normalised = {
        key: (value.isoformat() if isinstance(value, datetime.date) else value) for key, value in want.items()
    }
    for key in ("penalty_amount", "funds_allocated", "funds_spent", "expert_cost"):
        if normalised[key] is not None:
            normalised[key] = f"{normalised[key]:.2f}"
    assert body == normalised


@pytest.mark.parametrize("role", ADMINS)
def test_api_refuses_administrators(seeded, api, role):
    assert api(seeded.users[role]).get(reverse("api:statistics")).status_code == 403


def test_api_defaults_to_this_year(seeded, api):
    body = api(seeded.users["office"]).get(reverse("api:statistics")).json()
    year = timezone.localdate().year
    assert (body["date_from"], body["date_to"]) == (f"{year}-01-01", f"{year}-12-31")


@pytest.mark.parametrize(
    "params",
    [{"date_from": "2026-13-01"}, {"date_from": "2026-06-01", "date_to": "2026-01-01"}],
    ids=["bad-date", "reversed"],
)
def test_api_rejects_a_bad_period(seeded, api, params):
    response = api(seeded.users["office"]).get(reverse("api:statistics"), params)
    assert response.status_code == 400


def test_area_breakdown_query_does_not_grow_with_the_townships(seeded):
    """One GROUP BY over the region-path prefix, not one FILTER column per township (which overflowed
    PostgreSQL's 1,664-column target list at province scale)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office = seeded.users["office"]
    areas = statistics.breakdown_areas(actor=office)
    assert len(areas) == 2
    with CaptureQueriesContext(connection) as captured:
        statistics.hazard_breakdown_by_area(actor=office, date_from=WIDE[0], date_to=WIDE[1])
    [sql] = [q["sql"] for q in captured.captured_queries if '"hazards_hazard"' in q["sql"]]
    assert "GROUP BY" in sql
    assert sql.split(" FROM ")[0].count("COUNT(") == 3
    assert not [r.path for r in areas if r.path in sql]


def test_sector_breakdown_query_does_not_grow_with_the_sectors(seeded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office = seeded.users["office"]
    with CaptureQueriesContext(connection) as captured:
        rows = statistics.hazard_breakdown_by_sector(actor=office, date_from=WIDE[0], date_to=WIDE[1])
    assert len(rows) > 1
    [sql] = [q["sql"] for q in captured.captured_queries if '"hazards_hazard"' in q["sql"]]
    assert "GROUP BY" in sql
    assert sql.split(" FROM ")[0].count("COUNT(") == 3
