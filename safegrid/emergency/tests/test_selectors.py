"""Drill-frequency compliance (DOMAIN.md §5.3) across half-year, year and two-year boundaries, with
a frozen clock for "today"; scope of the compliance table; the bulletin's figures."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from safegrid.core.dates import add_years
from safegrid.emergency.models import DrillRecord, EmergencyPlan
from safegrid.emergency.selectors import drill_compliance, emergency_figures
from safegrid.emergency.services import filing_due_for, place

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
MID_2025 = D(2025, 6, 2)


def _plan(world, owner, kind, issued_on=MID_2025):
    plan = EmergencyPlan(
        kind=kind,
        title=f"{owner}{kind}预案",
        issued_on=issued_on,
        filing_due=filing_due_for(issued_on),
        next_evaluation_due=add_years(issued_on, 3),
        created_by=world.users["office"],
    )
    _own(world, plan, owner)
    plan.save()
    return plan


def _own(world, row, owner):
    obj = getattr(world, owner)
    if owner.startswith("site"):
        place(row, organisation=None, site=obj)
    else:
        place(row, organisation=obj, site=None)


def _drill(world, owner, day, plan=None):
    drill = DrillRecord(
        title=f"{owner}演练{day}",
        held_on=day,
        kind="single",
        mode="live",
        place_kind="other",
        place="x",
        plan=plan,
        participants=10,
        created_by=world.users["office"],
    )
    _own(world, drill, owner)
    drill.save()
    return drill


def _periods(rows, unit_kind, unit_id):
    [row] = [r for r in rows if (r.unit_kind, r.unit_id) == (unit_kind, unit_id)]
    return [(p.label, p.drills, p.status) for p in row.periods]


def _office(world):
    return world.users["office"]


# ---- on-site plans: half-years ------------------------------------------------------------------


def test_on_site_drill_on_30_june_counts_for_the_first_half(world):
    plan = _plan(world, "site11_mine", "on_site")
    _drill(world, "site11_mine", D(2026, 6, 30), plan)
    rows = drill_compliance(actor=_office(world), year=2026, today=D(2026, 7, 1))
    assert _periods(rows, "plan", plan.pk) == [("2026年上半年", 1, "met"), ("2026年下半年", 0, "open")]


def test_on_site_drill_on_1_july_leaves_the_first_half_missed(world):
    plan = _plan(world, "site11_mine", "on_site")
    _drill(world, "site11_mine", D(2026, 7, 1), plan)
    rows = drill_compliance(actor=_office(world), year=2026, today=D(2026, 7, 1))
    assert _periods(rows, "plan", plan.pk) == [("2026年上半年", 0, "missed"), ("2026年下半年", 1, "met")]


def test_first_half_is_open_on_its_last_day(world):
    plan = _plan(world, "site11_mine", "on_site")
    rows = drill_compliance(actor=_office(world), year=2026, today=D(2026, 6, 30))
    assert _periods(rows, "plan", plan.pk) == [("2026年上半年", 0, "open"), ("2026年下半年", 0, "future")]


def test_a_plan_issued_in_the_second_half_owes_no_first_half_drill(world):
    plan = _plan(world, "site11_mine", "on_site", issued_on=D(2026, 8, 3))
    rows = drill_compliance(actor=_office(world), year=2026, today=D(2027, 1, 1))
    assert _periods(rows, "plan", plan.pk) == [("2026年下半年", 0, "missed")]


# ---- comprehensive and special plans: years -------------------------------------------------------


def test_drill_on_31_december_counts_for_that_year_not_the_next(world):
    plan = _plan(world, "org_office", "comprehensive")
    _drill(world, "org_office", D(2025, 12, 31), plan)
    assert _periods(
        drill_compliance(actor=_office(world), year=2025, today=D(2026, 1, 1)), "plan", plan.pk
    ) == [("2025年", 1, "met")]
    assert _periods(
        drill_compliance(actor=_office(world), year=2026, today=D(2027, 1, 1)), "plan", plan.pk
    ) == [("2026年", 0, "missed")]


def test_drill_on_1_january_counts_for_the_new_year(world):
    plan = _plan(world, "org_mining_committee", "special")
    _drill(world, "org_mining_committee", D(2026, 1, 1), plan)
    rows = drill_compliance(actor=_office(world), year=2026, today=D(2026, 1, 1))
    assert _periods(rows, "plan", plan.pk) == [("2026年", 1, "met")]


def test_a_drill_of_another_plan_does_not_count(world):
    plan = _plan(world, "org_office", "comprehensive")
    other = _plan(world, "org_office", "special")
    _drill(world, "org_office", D(2026, 5, 12), other)
    rows = drill_compliance(actor=_office(world), year=2026, today=D(2027, 1, 1))
    assert _periods(rows, "plan", plan.pk) == [("2026年", 0, "missed")]
    assert _periods(rows, "plan", other.pk) == [("2026年", 1, "met")]


# ---- high-risk sites: half-years ------------------------------------------------------------------


def test_high_risk_site_drills_every_half_year(world):
    _drill(world, "site21_hotel", D(2026, 3, 1))
    rows = drill_compliance(actor=_office(world), year=2026, today=D(2027, 1, 1))
    assert _periods(rows, "site", world.site21_hotel.pk) == [
        ("2026年上半年", 1, "met"),
        ("2026年下半年", 0, "missed"),
    ]


# ---- governments and townships: two years -----------------------------------------------------------


def test_township_drill_covers_the_two_year_window_ending_with_the_year(world):
    _drill(world, "org_t1", D(2025, 1, 1))
    rows = drill_compliance(actor=_office(world), year=2026, today=D(2027, 1, 1))
    assert _periods(rows, "organisation", world.org_t1.pk) == [("2025—2026年", 1, "met")]
    rows = drill_compliance(actor=_office(world), year=2027, today=D(2028, 1, 1))
    assert _periods(rows, "organisation", world.org_t1.pk) == [("2026—2027年", 0, "missed")]


def test_a_drill_on_31_december_falls_outside_the_next_window(world):
    _drill(world, "org_t2", D(2024, 12, 31))
    rows = drill_compliance(actor=_office(world), year=2026, today=D(2026, 12, 31))
    assert _periods(rows, "organisation", world.org_t2.pk) == [("2025—2026年", 0, "open")]
    rows = drill_compliance(actor=_office(world), year=2026, today=D(2027, 1, 1))
    assert _periods(rows, "organisation", world.org_t2.pk) == [("2025—2026年", 0, "missed")]


# ---- scope ------------------------------------------------------------------------------------------


def _units(rows):
    return {(r.unit_kind, r.unit) for r in rows}


def test_township_officer_sees_only_its_townships_units(world):
    _plan(world, "org_t2", "comprehensive")
    rows = drill_compliance(actor=world.users["township1"], year=2026, today=D(2026, 11, 1))
    assert _units(rows) == {
        ("site", "横水钨矿"),
        ("site", "横水商场"),
        ("site", "新溪钨矿"),
        ("organisation", "横水镇人民政府"),
    }


def test_sector_officer_sees_its_sectors_units_only(world):
    """People's rule: bodies without a sector (township governments, the office) are not a sector
    officer's, so they are not in its table either."""
    _plan(world, "org_mining_committee", "special")
    rows = drill_compliance(actor=world.users["sector_mining"], year=2026, today=D(2026, 11, 1))
    assert _units(rows) == {
        ("plan", "org_mining_committeespecial预案"),
        ("site", "横水钨矿"),
        ("site", "新溪钨矿"),
        ("site", "扬眉钨矿"),
    }


def test_enterprise_manager_sees_its_own_site_and_plans(world):
    _plan(world, "site11_mine", "on_site")
    _plan(world, "site12_mine", "on_site")
    rows = drill_compliance(actor=world.users["enterprise11"], year=2026, today=D(2026, 11, 1))
    assert _units(rows) == {("plan", "site11_mineon_site预案"), ("site", "横水钨矿")}


def test_roles_without_the_capability_see_nothing(world):
    _plan(world, "org_office", "comprehensive")
    assert drill_compliance(actor=world.users["secadmin"], year=2026, today=D(2026, 11, 1)) == []


# ---- the page with a frozen clock (Asia/Shanghai dates) ---------------------------------------------


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        (datetime.datetime(2026, 6, 30, 23, 30, tzinfo=SHANGHAI), "open"),  # 15:30 UTC on 30 June
        (datetime.datetime(2026, 7, 1, 0, 30, tzinfo=SHANGHAI), "missed"),  # still 30 June in UTC
    ],
)
def test_compliance_page_uses_the_date_in_shanghai(world, client, moment, status):
    plan = _plan(world, "site11_mine", "on_site")
    client.force_login(world.users["enterprise11"])
    with time_machine.travel(moment, tick=False):
        page = client.get(reverse("emergency:compliance"), {"year": 2026})
    html = page.content.decode()
    assert page.status_code == 200
    assert plan.title in html
    assert f'data-status="{status}">2026年上半年' in html


# ---- figures ----------------------------------------------------------------------------------------


def test_figures_count_versions_drills_and_participants_in_scope(world, e):
    office = emergency_figures(actor=_office(world), date_from=D(2026, 1, 1), date_to=D(2026, 12, 31))
    assert (office.plans_written_or_revised, office.drills, office.participants) == (
        10,
        8,
        320 + 80 + 600 + 40 + 45 + 120 + 60 + 25,
    )
    township = emergency_figures(
        actor=world.users["township2"], date_from=D(2026, 1, 1), date_to=D(2026, 12, 31)
    )
    assert (township.plans_written_or_revised, township.drills, township.participants) == (2, 2, 40 + 25)
