"""Cadence compliance across quarter, half-year and year boundaries, with the clock frozen in
Asia/Shanghai (a meeting's date and "today" are local dates: 00:30 on 1 April in Shanghai is still
31 March in UTC)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from safegrid.dispatch import cadence
from safegrid.dispatch.models import Meeting
from safegrid.dispatch.selectors import cadence_compliance, missed_periods

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(y, m, d, hh=0, mm=30):
    """Travel to a Shanghai wall-clock time."""
    return time_machine.travel(datetime.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI), tick=False)


def meet(world, body, day, sector=None, region=None):
    region = region or world.county
    return Meeting.objects.create(
        body=body,
        sector=sector,
        region=region,
        region_path=region.path,
        title=f"{day} {body}",
        kind="dispatch",
        held_on=day,
        created_by=world.users["office"],
    )


def row(rows, body, sector=None):
    return next(r for r in rows if r.body == body and r.sector == sector)


def statuses(r):
    return [(p.label, p.held, p.status) for p in r.periods]


@pytest.mark.parametrize(
    ("per_year", "shape"),
    [
        (12, (1, 1)),
        (6, (2, 1)),
        (4, (3, 1)),
        (3, (4, 1)),
        (2, (6, 1)),
        (1, (12, 1)),
        (5, (2, 1)),
        (7, (1, 1)),
        (11, (1, 1)),
        (24, (1, 2)),
        (0, None),
    ],
)
def test_a_yearly_cadence_becomes_calendar_periods_asking_at_least_as_many_meetings(per_year, shape):
    assert cadence.period_shape(per_year) == shape


def test_periods_cover_the_year_with_inclusive_ends():
    assert [(p.label, p.start, p.end) for p in cadence.periods(2, 2024)] == [
        ("上半年", D(2024, 1, 1), D(2024, 6, 30)),
        ("下半年", D(2024, 7, 1), D(2024, 12, 31)),
    ]
    assert [p.end for p in cadence.periods(12, 2024)][1] == D(2024, 2, 29)
    assert [p.label for p in cadence.periods(4, 2026)] == ["第一季度", "第二季度", "第三季度", "第四季度"]
    assert [p.label for p in cadence.periods(6, 2026)][:2] == ["1—2月", "3—4月"]


def test_a_meeting_on_31_march_counts_for_the_first_quarter_and_1_april_for_the_second(world):
    meet(world, "county_committee", D(2026, 3, 31))
    meet(world, "county_committee", D(2026, 4, 1))
    with at(2026, 4, 1, 0, 30):  # 2026-03-31 16:30 UTC
        committee = row(cadence_compliance(actor=world.users["leader"], year=2026), "county_committee")
    assert statuses(committee) == [
        ("第一季度", 1, "met"),
        ("第二季度", 1, "met"),
        ("第三季度", 0, "future"),
        ("第四季度", 0, "future"),
    ]


def test_the_first_quarter_turns_missed_at_local_midnight_not_utc(world):
    meet(world, "county_committee", D(2026, 4, 1))
    with at(2026, 3, 31, 23, 50):
        before = row(cadence_compliance(actor=world.users["leader"], year=2026), "county_committee")
    with at(2026, 4, 1, 0, 10):  # still 31 March in UTC
        after = row(cadence_compliance(actor=world.users["leader"], year=2026), "county_committee")
    assert before.periods[0].status == "in_progress"
    assert (after.periods[0].status, after.periods[1].status) == ("missed", "met")
    assert [(r.label, p.label) for r, p in missed_periods([after])] == [("县安委会", "第一季度")]


def test_half_yearly_committee_across_30_june_and_1_july(world):
    world.fire.meetings_per_year = 2
    world.fire.save(update_fields=["meetings_per_year"])
    meet(world, "sector_committee", D(2026, 6, 30), sector=world.fire)
    meet(world, "sector_committee", D(2026, 7, 1), sector=world.mining)  # the other committee's
    with at(2026, 7, 1, 0, 30):
        rows = cadence_compliance(actor=world.users["office"], year=2026)
    assert statuses(row(rows, "sector_committee", world.fire)) == [
        ("上半年", 1, "met"),
        ("下半年", 0, "in_progress"),
    ]
    mining = row(rows, "sector_committee", world.mining)  # quarterly (the default 4 a year)
    assert statuses(mining) == [
        ("第一季度", 0, "missed"),
        ("第二季度", 0, "missed"),
        ("第三季度", 1, "met"),
        ("第四季度", 0, "future"),
    ]


def test_31_december_counts_for_the_old_year_and_1_january_for_the_new(world):
    meet(world, "county_committee", D(2026, 12, 31))
    meet(world, "county_office", D(2027, 1, 1))
    with at(2027, 1, 1, 0, 5):  # 2026-12-31 16:05 UTC
        old = cadence_compliance(actor=world.users["office"], year=2026)
        new = cadence_compliance(actor=world.users["office"], year=2027)
    assert row(old, "county_committee").periods[3].held == 1
    assert row(old, "county_committee").periods[3].status == "met"
    assert row(old, "county_office").held == 0
    assert [p.status for p in row(old, "county_office").periods] == ["missed"] * 12
    assert (row(new, "county_office").periods[0].held, row(new, "county_office").periods[0].status) == (
        1,
        "met",
    )
    assert row(new, "county_committee").periods[0].status == "in_progress"


def test_monthly_office_lists_each_missed_month(world):
    for month in (1, 2, 4, 5):
        meet(world, "county_office", D(2026, month, 15))
    meet(world, "county_office", D(2026, 6, 1))
    with at(2026, 6, 18, 10, 0):
        rows = cadence_compliance(actor=world.users["office"], year=2026)
    office = row(rows, "county_office")
    assert [p.label for p in office.missed] == ["3月"]
    assert [p.status for p in office.periods[5:7]] == ["met", "future"]
    assert (office.held, office.required) == (5, 12)


def test_bodies_follow_the_readers_scope(world):
    meet(world, "county_office", D(2026, 2, 1), region=world.county_b)
    with at(2026, 6, 18, 10, 0):

        def bodies(user):
            return [
                (r.body, r.sector.code if r.sector else None, r.region.code)
                for r in cadence_compliance(actor=world.users[user], year=2026)
            ]

        assert bodies("sector_mining") == [
            ("county_committee", None, "360725"),
            ("county_office", None, "360725"),
            ("sector_committee", "mining", "360725"),
        ]
        assert (
            bodies("township1")
            == bodies("leader")
            == [
                ("county_committee", None, "360725"),
                ("county_office", None, "360725"),
                ("sector_committee", "mining", "360725"),
                ("sector_committee", "fire", "360725"),
            ]
        )
        b = cadence_compliance(actor=world.users["office_b"], year=2026)
        assert [(r.body, r.held) for r in b] == [
            ("county_committee", 0),
            ("county_office", 1),
            ("sector_committee", 0),
        ]
        for user in ("grid11", "enterprise11", "expert", "sysadmin", "auditor"):
            assert cadence_compliance(actor=world.users[user], year=2026) == []
