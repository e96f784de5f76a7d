"""Issue 9: the hazard tally (county × sector × month) the services keep, and the figures an actor
above a county reads from it: the same numbers as the independent count and as the live queries."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safegrid.hazards import services as hazard_services
from safegrid.hazards import tally
from safegrid.hazards.models import Hazard, HazardTally
from safegrid.reports import statistics

from .oracle import expected, seed_everything

pytestmark = pytest.mark.django_db

HAZARD_FIGURES = (
    "hazards_found",
    "hazards_rectified",
    "major_hazards",
    "hazards_overdue",
    "hazards_escalated_open",
)
PERIODS = [
    (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)),
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    (datetime.date(2025, 12, 1), datetime.date(2025, 12, 31)),
    (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)),
]


@pytest.fixture
def seeded(world):
    seed_everything(world)
    return world


def test_the_supervisor_above_both_counties_is_served_by_the_tally_over_whole_months_only(seeded):
    supervisor = seeded.users["supervisor"]
    assert tally.serves(supervisor, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) is True
    assert tally.serves(supervisor, datetime.date(2026, 1, 2), datetime.date(2026, 12, 31)) is False
    assert tally.serves(supervisor, datetime.date(2026, 1, 1), datetime.date(2026, 12, 30)) is False
    # A county's own officers read the hazards live.
    assert (
        tally.serves(seeded.users["office"], datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) is False
    )
    assert tally.serves(seeded.users["grid11"]) is False


@pytest.mark.parametrize("period", PERIODS, ids=["2025-2026", "2026", "dec-2025", "jan-2026"])
def test_the_supervisors_hazard_figures_from_the_tally_equal_the_independent_count(seeded, period):
    """The city holds exactly counties A and B: the oracle's counts for their two offices add up
    to the supervisor's (the new-year hazards at local midnight fall in the right month)."""
    today = timezone.localdate()
    got = statistics.figures(
        actor=seeded.users["supervisor"], date_from=period[0], date_to=period[1], today=today
    )
    a = expected(seeded, "office", *period, today)
    b = expected(seeded, "office_b", *period, today)
    assert {name: getattr(got, name) for name in HAZARD_FIGURES} == {
        name: a[name] + b[name] for name in HAZARD_FIGURES
    }
    found = a["hazards_found"] + b["hazards_found"]
    rectified = a["hazards_rectified"] + b["hazards_rectified"]
    assert got.rectification_rate == (round(rectified / found, 4) if found else None)


def test_the_tally_path_and_the_live_path_agree_on_every_figure_trend_and_breakdown(seeded):
    supervisor = seeded.users["supervisor"]
    today = timezone.localdate()
    d0, d1 = datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)
    assert statistics._hazard_figures(supervisor, d0, d1, today) == statistics._hazard_figures(
        supervisor, d0, d1, today, live=True
    )
    trend = statistics.hazard_monthly_trend(actor=supervisor, today=today)
    assert trend == statistics.hazard_monthly_trend(actor=supervisor, today=today, live=True)
    assert sum(m.found for m in trend) > 0
    kwargs = {"actor": supervisor, "date_from": d0, "date_to": d1, "today": today}
    by_sector = statistics.hazard_breakdown_by_sector(**kwargs)
    assert by_sector == statistics.hazard_breakdown_by_sector(**kwargs, live=True)
    assert (
        sum(r.found for r in by_sector)
        == statistics._hazard_figures(supervisor, d0, d1, today)["hazards_found"]
    )
    by_area = statistics.hazard_breakdown_by_area(**kwargs)
    assert by_area == statistics.hazard_breakdown_by_area(**kwargs, live=True)
    # Above a county the areas are the counties (not every township of a province).
    assert [r.key for r in by_area] == [seeded.county.pk, seeded.county_b.pk]
    assert [r.found for r in by_area] == [
        expected(seeded, "office", d0, d1, today)["hazards_found"],
        expected(seeded, "office_b", d0, d1, today)["hazards_found"],
    ]
    assert sum(r.overdue for r in by_area) == sum(r.overdue for r in by_sector) > 0


def test_a_county_officer_still_breaks_down_by_township(seeded):
    areas = statistics.breakdown_areas(actor=seeded.users["office"])
    assert {a.pk for a in areas} == {seeded.t1.pk, seeded.t2.pk}


def _rows():
    return {
        (r.region_path, r.sector_id, r.month): (r.found, r.rectified, r.major, r.closed)
        for r in HazardTally.objects.all()
    }


def test_the_services_keep_the_tally_reporting_and_closing_on_the_spot(world):
    tally.rebuild()
    grid = world.users["grid11"]
    site = world.site11_mine
    month = timezone.localdate().replace(day=1)
    key = (world.county.path, site.sector_id, month)
    before = _rows().get(key, (0, 0, 0, 0))
    hazard_services.hazard_report(actor=grid, site=site, description="配电箱未上锁", category="thing")
    assert _rows()[key] == (before[0] + 1, before[1], before[2], before[3])
    hazard_services.hazard_rectify_on_spot(
        actor=grid, site=site, description="灭火器压力不足", category="thing", rectification_note="已更换"
    )
    assert _rows()[key] == (before[0] + 2, before[1] + 1, before[2], before[3] + 1)
    assert tally.tally_differences() == {}


def test_the_differences_name_a_row_written_around_the_services_and_rebuild_repairs_it(world, figure):
    tally.rebuild()
    hazard = Hazard.objects.filter(site__grid=world.g11).first()
    Hazard.objects.filter(pk=hazard.pk).update(grade="major", level=2)
    month = timezone.localtime(hazard.reported_at).date().replace(day=1)
    key = (world.county.path, hazard.sector_id, month)
    differences = tally.tally_differences()
    assert list(differences) == [key]
    stored, computed = differences[key]
    assert computed["major"] == stored["major"] + 1
    with pytest.raises(CommandError, match="不一致：1 行"):
        call_command("rebuild_hazard_tally", "--check", stdout=StringIO())
    out = StringIO()
    call_command("rebuild_hazard_tally", stdout=out)
    assert out.getvalue().startswith("隐患月度汇总已重建：")
    assert tally.tally_differences() == {}
    out = StringIO()
    call_command("rebuild_hazard_tally", "--check", stdout=out)
    assert out.getvalue().strip() == "隐患月度汇总与隐患一致。"


def _dashboard_reads(actor, d0, d1, today):
    figures = statistics._hazard_figures(actor, d0, d1, today)
    kwargs = {"actor": actor, "date_from": d0, "date_to": d1, "today": today}
    return (
        figures,
        statistics.hazard_breakdown_by_sector(**kwargs),
        statistics.hazard_breakdown_by_area(**kwargs),
    )


def test_shared_reads_reads_the_open_work_and_the_period_once_and_keeps_nothing_after(seeded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    supervisor = seeded.users["supervisor"]
    today = timezone.localdate()
    d0, d1 = datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)
    assert supervisor.grants  # loaded once per request, before either measurement
    with CaptureQueriesContext(connection) as alone:
        separately = _dashboard_reads(supervisor, d0, d1, today)
    with CaptureQueriesContext(connection) as shared, statistics.shared_reads():
        together = _dashboard_reads(supervisor, d0, d1, today)
    assert together == separately
    # Three readers of the open work (its county-length query and its GROUP BY) and of the period's
    # tally rows: each is read once inside the block.
    assert len(alone) - len(shared) == 6
    # Outside the block nothing is kept: a hazard closed since is counted at once.
    open_hazard = (
        Hazard.objects.filter(region_path__startswith=seeded.county.path).exclude(status="closed").first()
    )
    Hazard.objects.filter(pk=open_hazard.pk).update(status="closed", closed_at=timezone.now())
    tally.rebuild()
    assert statistics._hazard_figures(supervisor, d0, d1, today) == statistics._hazard_figures(
        supervisor, d0, d1, today, live=True
    )
    assert statistics._hazard_figures(supervisor, d0, d1, today) != separately[0]
