"""The demo county's emergency plans and drills: at the bulletin's scale (15 plans written or
revised, 104 drills, 5,200+ participants), with the scope keys and deadlines the services compute,
consistent, deterministic, and without an audit record per row.

The county with its year of activity is built once per module inside an outer transaction that is
rolled back at the end (like test_demo_people.py); each test runs in a savepoint on top of it."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from safegrid.accounts.models import User
from safegrid.core.models import AuditEntry
from safegrid.core.workdays import add_workdays
from safegrid.demo.county import build_demo_county
from safegrid.demo.emergency import (
    DRILLS,
    build_demo_emergency,
    last_completed_half,
    wipe_demo_emergency,
)
from safegrid.emergency.choices import ComplianceRule, PeriodStatus
from safegrid.emergency.models import (
    DrillPlanEntry,
    DrillProblem,
    DrillRecord,
    EmergencyPlan,
    PlanVersion,
    RevisionTask,
)
from safegrid.emergency.selectors import (
    compliance_summary,
    drill_compliance,
    drill_compliance_summary,
    emergency_figures,
)

pytestmark = pytest.mark.django_db

FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
SEED = 2024
TODAY = timezone.localdate()
FIRST_DAY = TODAY - datetime.timedelta(days=365)
LAST_DAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), FAST_HASHER:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_demo_county(seed=SEED, today=TODAY, activity=True)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _office() -> User:
    return User.objects.get(username="office")


def test_counts_are_at_the_bulletins_scale_and_match_the_rows(demo):
    counts = demo["emergency"]
    assert counts["plans_written_or_revised"] == 15
    assert counts["revised"] == 5
    assert (counts["filed_late"], counts["filed_on_time"]) == (1, 14)
    assert counts["drills"] == DRILLS == DrillRecord.objects.count()
    participants = sum(DrillRecord.objects.values_list("participants", flat=True))
    assert counts["participants"] == participants and 5_200 <= participants <= 5_400
    assert counts["plans"] == EmergencyPlan.objects.count()
    assert counts["drill_plan_entries"] == DrillPlanEntry.objects.count()
    assert counts["problems"] == DrillProblem.objects.count()
    assert counts["revision_tasks"] == RevisionTask.objects.count() >= 1
    assert set(counts["drills_by_place"]) >= {"school", "hospital", "enterprise", "mall", "road"}


def test_the_bulletin_figures_come_out_of_the_selector(demo):
    figures = emergency_figures(actor=_office(), date_from=FIRST_DAY, date_to=LAST_DAY)
    assert (figures.plans_written_or_revised, figures.drills, figures.participants) == (
        15,
        104,
        demo["emergency"]["participants"],
    )


def test_every_row_carries_the_keys_its_owner_gives(demo):
    for model in (EmergencyPlan, DrillPlanEntry, DrillRecord):
        for row in model.objects.select_related("site", "organisation"):
            owner = row.site or row.organisation
            assert (row.site_id is None) != (row.organisation_id is None)
            if row.site is not None:
                expected = (owner.grid_id, owner.region_path, owner.sector_id)
            else:
                expected = (owner.region_id, owner.region_path, owner.sector_id)
            assert (row.region_id, row.region_path, row.sector_id) == expected, row


def test_deadlines_are_20_working_days_and_filings_mostly_on_time(demo):
    for version in PlanVersion.objects.all():
        assert version.filing_due == add_workdays(version.issued_on, 20)
    for plan in EmergencyPlan.objects.prefetch_related("versions"):
        current = max(plan.versions.all(), key=lambda v: v.version)
        assert (plan.version, plan.issued_on, plan.filing_due) == (
            current.version,
            current.issued_on,
            current.filing_due,
        )
        assert plan.filed_on is None or plan.issued_on <= plan.filed_on <= LAST_DAY
    late = [p for p in EmergencyPlan.objects.all() if p.filing_status(TODAY) == "late"]
    assert len(late) == 1


def test_everything_happened_in_the_year_before_today_and_hangs_together(demo):
    assert not DrillRecord.objects.exclude(held_on__gte=FIRST_DAY, held_on__lte=LAST_DAY).exists()
    for drill in DrillRecord.objects.select_related("plan", "plan_entry"):
        entry = drill.plan_entry
        assert (entry.year, entry.month, entry.region_path, entry.plan_id) == (
            drill.held_on.year,
            drill.held_on.month,
            drill.region_path,
            drill.plan_id,
        )
        if drill.plan is not None and drill.plan.kind == "on_site":
            assert drill.plan.issued_on <= drill.held_on
    assert not DrillPlanEntry.objects.filter(record__isnull=True, year__lt=TODAY.year).exists()
    for task in RevisionTask.objects.select_related("problem__drill"):
        assert task.problem.drill.plan_id == task.plan_id and task.trigger == "drill"
    assert not DrillProblem.objects.exclude(hazard=None).exists()  # left for the user to report


def test_compliance_shows_the_deliberately_missed_half_year(demo):
    start, _end = last_completed_half(TODAY)
    rows = drill_compliance(actor=_office(), year=start.year, today=TODAY)
    missed = [
        r.unit
        for r in rows
        if r.rule == ComplianceRule.ON_SITE_HALF
        for p in r.periods
        if p.start == start and p.status == PeriodStatus.MISSED
    ]
    assert missed == [demo["emergency"]["missed_plan"]]
    on_site = [r for r in rows if r.rule == ComplianceRule.ON_SITE_HALF]
    assert len(on_site) == 20


def test_no_audit_record_per_row(demo):
    assert not AuditEntry.objects.filter(action__startswith="emergency_plan.").exists()
    assert not AuditEntry.objects.filter(action__startswith="drill").exists()


def _digest() -> str:
    def owner(row):
        return [
            row.region_path,
            row.sector_id,
            row.site_id and row.site.name,
            row.organisation_id and row.organisation.name,
        ]

    plans = sorted(
        [
            p.title,
            p.kind,
            p.version,
            str(p.issued_on),
            str(p.filing_due),
            str(p.filed_on),
            p.review_method,
            *owner(p),
        ]
        for p in EmergencyPlan.objects.select_related("site", "organisation")
    )
    drills = sorted(
        [
            d.title,
            str(d.held_on),
            d.kind,
            d.mode,
            d.place_kind,
            d.place,
            d.participants,
            d.plan and d.plan.title,
            *owner(d),
        ]
        for d in DrillRecord.objects.select_related("site", "organisation", "plan")
    )
    entries = sorted(
        [e.theme, e.year, e.month, str(e.planned_on), *owner(e)]
        for e in DrillPlanEntry.objects.select_related("site", "organisation")
    )
    problems = sorted([p.drill.title, p.description] for p in DrillProblem.objects.select_related("drill"))
    text = json.dumps([plans, drills, entries, problems], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def test_same_seed_and_today_give_the_same_rows_and_wipe_removes_them(demo):
    before = _digest()
    wipe_demo_emergency()
    assert [EmergencyPlan.objects.count(), DrillRecord.objects.count(), DrillPlanEntry.objects.count()] == [
        0,
        0,
        0,
    ]
    build_demo_emergency(seed=SEED, today=TODAY)
    assert _digest() == before


@pytest.mark.parametrize("username", ["office", "township_hengshui", "sector_mining"])
def test_the_dashboards_summary_counts_what_the_compliance_table_lists(demo, username):
    """The dashboard counts units and periods without building the table's rows: the same numbers,
    for actors of different scopes, mid-year and after the year."""
    actor = User.objects.get(username=username)
    start, _end = last_completed_half(TODAY)
    for year, today in (
        (start.year, TODAY),
        (start.year - 1, TODAY),
        (start.year, datetime.date(start.year, 7, 1)),
    ):
        expected = compliance_summary(drill_compliance(actor=actor, year=year, today=today))
        assert drill_compliance_summary(actor=actor, year=year, today=today) == expected
    assert expected.met > 0 and expected.missed > 0 and expected.periods > expected.units
