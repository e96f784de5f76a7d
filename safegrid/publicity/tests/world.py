"""Publicity rows for the shared test world (conftest.build_world): activities in G11, T1, G21, the
county and county B, by organisers with and without a sector, and the 2026 plans of both counties.

Written through the model layer (fast, no audit) with the scope keys the services would copy; used
by the scope contract's registry and by this app's tests. Idempotent per world."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from safegrid.publicity.choices import MONTH_DEFAULTS
from safegrid.publicity.models import Activity, PlanMonth, PublicityPlan

YEAR = 2026

# key, region attribute, organiser attribute, date, channel, audience, sites visited, title
ROWS = [
    (
        "g11_visit",
        "g11",
        "org_g11",
        (2026, 5, 31),
        "enterprise_visit",
        12,
        ["site11_mine", "site11_mall"],
        "横水钨矿安全宣讲进企业",
    ),
    (
        "g11_mining_lecture",
        "g11",
        "org_mining_committee",
        (2026, 6, 1),
        "lecture",
        40,
        [],
        "矿山安全知识讲座",
    ),
    ("t1_broadcast", "t1", "org_t1", (2026, 6, 16), "broadcast", 300, [], "横水镇安全生产月广播"),
    (
        "g21_fire_visit",
        "g21",
        "org_fire_committee",
        (2026, 6, 20),
        "enterprise_visit",
        25,
        ["site21_hotel"],
        "扬眉宾馆消防宣传",
    ),
    ("county_wechat", "county", "org_office", (2026, 5, 12), "wechat", 1500, [], "防灾减灾日微信推送"),
    ("county_b_lecture", "county_b", "org_b", (2026, 6, 10), "lecture", 80, [], "安远县安全生产宣讲"),
]


def seed_publicity(w) -> SimpleNamespace:
    existing = getattr(w, "publicity", None)
    if existing is not None:
        return existing
    p = SimpleNamespace(activities={}, plans={})
    author = w.users["office"]
    for key, region_attr, organiser_attr, ymd, channel, audience, sites, title in ROWS:
        region, organiser = getattr(w, region_attr), getattr(w, organiser_attr)
        activity = Activity.objects.create(
            date=datetime.date(*ymd),
            title=title,
            channel=channel,
            organiser=organiser,
            region=region,
            region_path=region.path,
            sector_id=organiser.sector_id,
            audience_count=audience,
            description=f"{title}，发放宣传资料。",
            created_by=author,
        )
        activity.sites_visited.set([getattr(w, s) for s in sites])
        p.activities[key] = activity
    for key, region, title in (
        ("county", w.county, "2026年崇义县安全生产宣传工作计划"),
        ("county_b", w.county_b, "2026年安远县安全生产宣传工作计划"),
    ):
        plan = PublicityPlan.objects.create(
            region=region, region_path=region.path, year=YEAR, title=title, created_by=author
        )
        PlanMonth.objects.bulk_create(
            PlanMonth(plan=plan, month=m, theme=str(theme), content=str(content), planned_activities=2)
            for m, (theme, content) in MONTH_DEFAULTS.items()
        )
        p.plans[key] = plan
    w.publicity = p
    return p
