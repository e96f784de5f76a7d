"""Issue 9 (a): inside `statistics.shared_reads` (the dashboard and the statistics page), a county's
live hazard figures, its 12-month trend and both breakdowns are read in one statement. They must
be exactly what the separate queries give (which the independent oracle checks in
test_statistics.py), for every role and for periods whose edges are local midnights."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safegrid.hazards import tally
from safegrid.reports import statistics

from .oracle import seed_everything

pytestmark = pytest.mark.django_db

PERIODS = [
    (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)),
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    (datetime.date(2025, 12, 1), datetime.date(2025, 12, 31)),
    (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)),
    (datetime.date(2025, 12, 31), datetime.date(2026, 1, 1)),
]
ROLES = ["leader", "office", "sector_mining", "township1", "grid11", "enterprise11", "office_b", "expert"]


@pytest.fixture
def seeded(world):
    seed_everything(world)
    return world


def _reads(actor, d0, d1, today):
    kwargs = {"actor": actor, "date_from": d0, "date_to": d1, "today": today}
    return (
        statistics._hazard_figures(actor, d0, d1, today),
        statistics.hazard_monthly_trend(actor=actor, today=today),
        statistics.hazard_breakdown_by_sector(**kwargs),
        statistics.hazard_breakdown_by_area(**kwargs),
    )


@pytest.mark.parametrize("role", ROLES)
def test_one_statement_gives_what_the_separate_queries_give(seeded, role):
    actor = seeded.users[role]
    today = timezone.localdate()
    for period in PERIODS:
        assert not tally.serves(actor, *period)  # the live path
        separately = _reads(actor, *period, today)
        with statistics.shared_reads():
            together = _reads(actor, *period, today)
        assert together == separately, period


def test_the_trend_keeps_its_own_window_whatever_the_period(seeded):
    """The trend is read with the figures of a short period: its twelve months are still counted."""
    actor = seeded.users["office"]
    today = timezone.localdate()
    alone = statistics.hazard_monthly_trend(actor=actor, today=today)
    with statistics.shared_reads():
        statistics._hazard_figures(actor, datetime.date(2026, 1, 1), datetime.date(2026, 1, 1), today)
        shared = statistics.hazard_monthly_trend(actor=actor, today=today)
    assert shared == alone
    assert sum(m.found + m.closed for m in alone) > 0


def test_a_county_page_reads_the_hazards_once(seeded):
    actor = seeded.users["office"]
    today = timezone.localdate()
    d0, d1 = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    assert actor.grants  # loaded once per request, before either measurement
    with CaptureQueriesContext(connection) as alone:
        _reads(actor, d0, d1, today)
    with CaptureQueriesContext(connection) as shared, statistics.shared_reads():
        _reads(actor, d0, d1, today)
    hazards = [q["sql"] for q in shared if 'FROM "hazards_hazard"' in q["sql"]]
    assert len(hazards) == 1
    assert len([q for q in alone if 'FROM "hazards_hazard"' in q["sql"]]) == 4
    # Nothing is kept after the block: a second block reads again.
    with CaptureQueriesContext(connection) as again, statistics.shared_reads():
        _reads(actor, d0, d1, today)
    assert len([q for q in again if 'FROM "hazards_hazard"' in q["sql"]]) == 1
