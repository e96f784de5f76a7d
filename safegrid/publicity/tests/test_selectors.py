from __future__ import annotations

import datetime
from collections import Counter, defaultdict

import pytest
import time_machine

from safegrid.publicity import selectors, services
from safegrid.publicity.models import Activity
from safegrid.publicity.tests.world import seed_publicity
from tests.contracts.registry import PUBLICITY_VIEWERS, activity_visible, anchors

READERS = sorted(PUBLICITY_VIEWERS["publicity_activity"])


def expected_delivery(world, user_key, region, year):
    """Plan against delivery counted by hand: the oracle decides visibility, Python does the sums."""
    a = anchors(world)[user_key]
    rows = defaultdict(Counter)
    sites = defaultdict(set)
    for act in Activity.objects.select_related("region", "organiser__sector").prefetch_related(
        "sites_visited"
    ):
        if not activity_visible(act, a) or act.date.year != year:
            continue
        if not act.region_path.startswith(region.path):
            continue
        row = rows[act.date.month]
        row["held"] += 1
        row["audience"] += act.audience_count
        row["enterprise_visits"] += act.channel == "enterprise_visit"
        row["lectures"] += act.channel == "lecture"
        sites[act.date.month] |= {s.pk for s in act.sites_visited.all()}
    return {
        m: (
            rows[m]["held"],
            rows[m]["audience"],
            rows[m]["enterprise_visits"],
            len(sites[m]),
            rows[m]["lectures"],
        )
        for m in range(1, 13)
    }


def delivered(rows):
    return {r.month: (r.held, r.audience, r.enterprise_visits, r.sites_visited, r.lectures) for r in rows}


@pytest.mark.parametrize("user_key", READERS)
def test_plan_delivery_equals_an_independent_count(world, user_key):
    seed_publicity(world)
    user = world.users[user_key]
    region = world.county_b if user_key == "office_b" else world.county
    rows = selectors.plan_delivery(actor=user, region=region, year=2026)
    assert [r.month for r in rows] == list(range(1, 13))
    assert delivered(rows) == expected_delivery(world, user_key, region, 2026)
    assert rows[5].theme == "安全生产月" and rows[5].planned_activities == 2


def test_plan_delivery_for_the_county_office_in_numbers(world):
    seed_publicity(world)
    rows = delivered(selectors.plan_delivery(actor=world.users["office"], region=world.county, year=2026))
    # May: the county's WeChat post (12 May) and the G11 visit on 31 May to two sites.
    assert rows[5] == (2, 1512, 1, 2, 0)
    # June: the mining lecture (1 June), the township broadcast and the G21 hotel visit.
    assert rows[6] == (3, 365, 1, 1, 1)
    assert all(rows[m] == (0, 0, 0, 0, 0) for m in (1, 2, 3, 4, 7, 8, 9, 10, 11, 12))


def test_a_sector_officer_counts_only_its_sector(world):
    seed_publicity(world)
    rows = delivered(
        selectors.plan_delivery(actor=world.users["sector_mining"], region=world.county, year=2026)
    )
    assert rows[5] == (0, 0, 0, 0, 0) and rows[6] == (1, 40, 0, 0, 1)


def test_a_county_without_a_visible_plan_gives_empty_months(world):
    seed_publicity(world)
    rows = selectors.plan_delivery(actor=world.users["office"], region=world.county_b, year=2026)
    assert {(r.theme, r.planned_activities, r.held) for r in rows} == {("", 0, 0)}


def test_month_boundary_31_may_and_1_june(world):
    actor = world.users["grid11"]
    base = {"title": "宣讲", "channel": "lecture", "organiser": world.org_g11, "region": world.g11}
    services.activity_record(actor=actor, date=datetime.date(2026, 5, 31), audience_count=7, **base)
    services.activity_record(actor=actor, date=datetime.date(2026, 6, 1), audience_count=11, **base)
    rows = delivered(selectors.plan_delivery(actor=actor, region=world.county, year=2026))
    assert (rows[5], rows[6]) == ((1, 7, 0, 0, 1), (1, 11, 0, 0, 1))


def test_todays_date_is_the_date_in_shanghai(world):
    """16:30 UTC on 31 May is 00:30 on 1 June in Asia/Shanghai: recorded "today", it is June's."""
    actor = world.users["grid11"]
    with time_machine.travel(datetime.datetime(2026, 5, 31, 16, 30, tzinfo=datetime.UTC), tick=False):
        activity = services.activity_record(
            actor=actor, title="夜话", channel="night_talk", organiser=world.org_g11, region=world.g11
        )
    assert activity.date == datetime.date(2026, 6, 1)
    rows = delivered(selectors.plan_delivery(actor=actor, region=world.county, year=2026))
    assert (rows[5][0], rows[6][0]) == (0, 1)


def test_activity_figures_count_site_visits_and_lectures(world):
    seed_publicity(world)
    figures = selectors.activity_figures(
        actor=world.users["office"], date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31)
    )
    # 5 county activities; visits: 横水钨矿 + 横水商场 on 31 May, 扬眉宾馆 on 20 June.
    assert figures == selectors.ActivityFigures(activities=5, audience=1877, enterprise_visits=3, lectures=1)


def test_activity_figures_respect_the_period_and_the_scope(world):
    seed_publicity(world)
    june = {"date_from": datetime.date(2026, 6, 1), "date_to": datetime.date(2026, 6, 30)}
    assert selectors.activity_figures(actor=world.users["township1"], **june) == selectors.ActivityFigures(
        activities=2, audience=340, enterprise_visits=0, lectures=1
    )
    assert selectors.activity_figures(actor=world.users["office_b"], **june) == selectors.ActivityFigures(
        activities=1, audience=80, enterprise_visits=0, lectures=1
    )
    assert selectors.activity_figures(actor=world.users["enterprise11"], **june) == selectors.ActivityFigures(
        activities=0, audience=0, enterprise_visits=0, lectures=0
    )


def test_plan_readers_include_the_levels_below_the_county(world):
    p = seed_publicity(world)
    for user_key in ("grid11", "township2", "sector_mining", "leader"):
        assert list(selectors.plan_list(actor=world.users[user_key])) == [p.plans["county"]]
    assert list(selectors.plan_list(actor=world.users["enterprise11"])) == []
    assert list(selectors.plan_list(actor=world.users["township1"], capability="publicity.manage_plan")) == []
