"""Emergency plans, drill-plan entries and drill records for the shared test world
(conftest.build_world): owned by the county office, both sector committees, both townships, a grid
work station, sites in G11, G12 and G21, and county B — on both sides of every scope boundary.

Written through the model layer (fast, no audit) with the scope keys the services copy
(`services.place`) and the filing deadline they compute; used by the scope contract's registry and
by this app's tests. Idempotent per world."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from safegrid.core.dates import add_years
from safegrid.emergency.models import (
    DrillPlanEntry,
    DrillProblem,
    DrillRecord,
    EmergencyPlan,
    PlanVersion,
)
from safegrid.emergency.services import filing_due_for, place

YEAR = 2026

# key, owner attribute (organisation or site), kind, title, issued on
PLANS = [
    ("county", "org_office", "comprehensive", "崇义县生产安全事故综合应急预案", (2026, 3, 2)),
    ("mining", "org_mining_committee", "special", "崇义县非煤矿山事故专项应急预案", (2026, 3, 16)),
    ("fire", "org_fire_committee", "special", "崇义县火灾事故专项应急预案", (2026, 4, 1)),
    ("t1", "org_t1", "comprehensive", "横水镇生产安全事故应急预案", (2026, 2, 27)),
    ("t2", "org_t2", "comprehensive", "扬眉镇生产安全事故应急预案", (2026, 3, 5)),
    ("g11_unit", "org_g11", "special", "横水第一网格防汛应急预案", (2026, 5, 6)),
    ("site11_mine", "site11_mine", "on_site", "横水钨矿透水事故现场处置方案", (2026, 1, 20)),
    ("site11_mall", "site11_mall", "on_site", "横水商场火灾现场处置方案", (2026, 2, 3)),
    ("site12_mine", "site12_mine", "comprehensive", "新溪钨矿生产安全事故综合应急预案", (2026, 4, 10)),
    ("site21_hotel", "site21_hotel", "on_site", "扬眉宾馆火灾现场处置方案", (2026, 3, 20)),
    ("site31_mine", "site31_mine", "on_site", "欣山钨矿冒顶片帮现场处置方案", (2026, 2, 10)),
    ("county_b", "org_b", "comprehensive", "安远县生产安全事故综合应急预案", (2026, 3, 10)),
]

# key, owner attribute, month, place kind, place, theme, plan key
ENTRIES = [
    ("county", "org_office", 6, "road", "G105 国道横水段", "道路交通事故应急救援综合演练", "county"),
    ("mining", "org_mining_committee", 5, "enterprise", "横水钨矿", "非煤矿山透水事故演练", "mining"),
    ("t1", "org_t1", 9, "school", "横水中学", "校园消防疏散演练", "t1"),
    ("t2", "org_t2", 10, "hospital", "扬眉卫生院", "医院火灾疏散演练", "t2"),
    ("site11_mine", "site11_mine", 4, "enterprise", "", "井下透水应急演练", "site11_mine"),
    ("site11_mall", "site11_mall", 7, "mall", "", "商场火灾疏散演练", "site11_mall"),
    ("site12_mine", "site12_mine", 8, "enterprise", "", "新溪钨矿综合应急演练", "site12_mine"),
    ("site21_hotel", "site21_hotel", 6, "hotel", "", "宾馆火灾桌面推演", "site21_hotel"),
    ("site31_mine", "site31_mine", 5, "enterprise", "", "欣山钨矿冒顶事故演练", "site31_mine"),
    ("county_b", "org_b", 6, "road", "安远县城", "安远县综合应急演练", "county_b"),
]

# key, owner attribute, held on, kind, mode, place kind, title, plan key, participants, problems
DRILLS = [
    (
        "county",
        "org_office",
        (2026, 6, 16),
        "comprehensive",
        "live",
        "road",
        "崇义县道路交通事故综合演练",
        "county",
        320,
        [],
    ),
    (
        "mining",
        "org_mining_committee",
        (2026, 5, 20),
        "single",
        "live",
        "enterprise",
        "矿山透水事故救援演练",
        "mining",
        80,
        [],
    ),
    ("t1", "org_t1", (2026, 9, 10), "single", "live", "school", "横水中学消防疏散演练", "t1", 600, []),
    (
        "t2",
        "org_t2",
        (2026, 10, 12),
        "single",
        "tabletop",
        "hospital",
        "扬眉卫生院火灾桌面演练",
        "t2",
        40,
        [],
    ),
    (
        "site11_mine",
        "site11_mine",
        (2026, 4, 22),
        "single",
        "live",
        "enterprise",
        "横水钨矿井下透水演练",
        "site11_mine",
        45,
        ["井下避灾路线标识缺失", "应急通讯设备电量不足"],
    ),
    (
        "site11_mall",
        "site11_mall",
        (2026, 7, 8),
        "single",
        "live",
        "mall",
        "横水商场火灾疏散演练",
        "site11_mall",
        120,
        [],
    ),
    (
        "site12_mine",
        "site12_mine",
        (2026, 8, 18),
        "comprehensive",
        "live",
        "enterprise",
        "新溪钨矿综合演练",
        "site12_mine",
        60,
        [],
    ),
    (
        "site21_hotel",
        "site21_hotel",
        (2026, 6, 25),
        "single",
        "tabletop",
        "hotel",
        "扬眉宾馆火灾桌面推演",
        "site21_hotel",
        25,
        ["消防通道堆放杂物"],
    ),
    (
        "site31_mine",
        "site31_mine",
        (2026, 5, 28),
        "single",
        "live",
        "enterprise",
        "欣山钨矿冒顶演练",
        "site31_mine",
        50,
        [],
    ),
    (
        "county_b",
        "org_b",
        (2026, 6, 18),
        "comprehensive",
        "live",
        "road",
        "安远县综合应急演练",
        "county_b",
        400,
        [],
    ),
]


def _owner(w, attr):
    obj = getattr(w, attr)
    if attr.startswith("site"):
        return {"organisation": None, "site": obj}
    return {"organisation": obj, "site": None}


def seed_emergency(w) -> SimpleNamespace:
    existing = getattr(w, "emergency", None)
    if existing is not None:
        return existing
    author = w.users["office"]
    e = SimpleNamespace(plans={}, entries={}, drills={}, problems={})
    for key, owner, kind, title, ymd in PLANS:
        issued_on = datetime.date(*ymd)
        plan = EmergencyPlan(
            kind=kind,
            title=title,
            issued_on=issued_on,
            filing_due=filing_due_for(issued_on),
            next_evaluation_due=add_years(issued_on, 3),
            created_by=author,
        )
        place(plan, **_owner(w, owner))
        plan.save()
        PlanVersion.objects.create(
            plan=plan,
            version=1,
            issued_on=issued_on,
            title=title,
            filing_due=plan.filing_due,
            created_by=author,
        )
        e.plans[key] = plan
    for key, owner, month, place_kind, where, theme, plan_key in ENTRIES:
        entry = DrillPlanEntry(
            year=YEAR,
            month=month,
            place_kind=place_kind,
            place=where or getattr(w, owner).name,
            theme=theme,
            plan=e.plans[plan_key],
            created_by=author,
        )
        place(entry, **_owner(w, owner))
        entry.save()
        e.entries[key] = entry
    for key, owner, ymd, kind, mode, place_kind, title, plan_key, participants, problems in DRILLS:
        drill = DrillRecord(
            title=title,
            held_on=datetime.date(*ymd),
            kind=kind,
            mode=mode,
            place_kind=place_kind,
            place=e.entries[key].place,
            plan=e.plans[plan_key],
            plan_entry=e.entries[key],
            participants=participants,
            participating_units="参演单位若干",
            scenario=f"{title}情景设定",
            created_by=author,
        )
        place(drill, **_owner(w, owner))
        drill.save()
        e.drills[key] = drill
        for index, text in enumerate(problems):
            e.problems[f"{key}:{index}"] = DrillProblem.objects.create(drill=drill, description=text)
    w.emergency = e
    return e
