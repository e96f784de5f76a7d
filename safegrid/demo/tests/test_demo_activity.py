"""A year of activity in the demo county: deterministic, at the bulletin's scale, and something the
hazard loop's rules could have produced, step by step.

The county and its activity are built once per module inside an outer transaction that is rolled
back at the end (like test_demo_county.py); each test runs in a savepoint on top of it.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
import re
from collections import Counter, defaultdict

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from safegrid.accounts.models import User
from safegrid.core.models import AuditEntry
from safegrid.demo.activity import build_demo_activity, wipe_demo_activity
from safegrid.demo.county import build_demo_county
from safegrid.hazards.choices import (
    DEADLINE_STATUSES,
    TRANSITIONS,
    HandlingLevel,
    HazardAction,
    HazardGrade,
    HazardStatus,
)
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.hazards.selectors import hazard_list
from safegrid.hazards.services import hazard_sweep_overdue
from safegrid.inspections.choices import InspectionResult, ItemResult
from safegrid.inspections.models import Inspection
from safegrid.notifications.models import Notification
from safegrid.orgs.models import Organisation
from safegrid.sites.models import Site

pytestmark = pytest.mark.django_db

FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
SEED = 2024
TODAY = timezone.localdate()
FIRST_DAY = TODAY - datetime.timedelta(days=365)


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


@pytest.fixture(scope="module")
def timelines(demo, django_db_blocker):
    """Every hazard with its events in order, read once."""
    with django_db_blocker.unblock():
        events = defaultdict(list)
        for event in HazardEvent.objects.order_by("hazard_id", "at", "id"):
            events[event.hazard_id].append(event)
        hazards = list(Hazard.objects.select_related("site__grid__parent", "inspection").order_by("id"))
        return [(h, events[h.pk]) for h in hazards]


GUARDS = (  # enforcement/migrations/0002_issued_document_guard.py (PostgreSQL only)
    ("enforcement_enforcementdocument", "enforcement_document_immutable"),
    ("enforcement_enforcementdocument_hazards", "enforcement_document_hazards_immutable"),
)


def wipe_activity() -> None:
    """`wipe_demo_activity`. On PostgreSQL issued documents cannot be deleted (SECURITY.md D4): the
    guard triggers are switched off for the wipe only, inside the test's transaction (DDL there is
    transactional and rolls back with the test), and on again before anything is rebuilt."""
    guarded = connection.vendor == "postgresql" and apps.is_installed("safegrid.enforcement")

    def switch(state: str) -> None:
        with connection.cursor() as cursor:
            # ALTER TABLE refuses while deferred foreign-key checks of this transaction are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in GUARDS:
                cursor.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    if guarded:
        switch("DISABLE")
    wipe_demo_activity()
    if guarded:
        switch("ENABLE")


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=timezone.get_current_timezone())


def activity_digest() -> str:
    orgs = dict(Organisation.objects.values_list("pk", "name"))
    users = dict(User.objects.values_list("pk", "username"))
    events = defaultdict(list)
    for e in HazardEvent.objects.order_by("hazard_id", "at", "id"):
        data = dict(e.data)
        if "responsible_org" in data:
            data["responsible_org"] = orgs[data["responsible_org"]]
        events[e.hazard_id].append(
            [
                *(e.action, e.from_status, e.to_status, e.from_level, e.to_level),
                *(users.get(e.actor_id), e.at.isoformat(), e.note, data),
            ]
        )
    hazards = [
        [
            h.site.name,
            [h.inspection.kind, str(h.inspection.inspected_on)] if h.inspection else None,
            h.source,
            h.category,
            h.grade,
            h.description,
            h.location,
            str(h.longitude),
            str(h.latitude),
            users[h.reported_by_id],
            h.reported_at.isoformat(),
            h.status,
            h.level,
            h.version,
            orgs.get(h.responsible_org_id),
            h.responsible_person,
            str(h.deadline),
            str(h.funds),
            h.supervised,
            h.on_the_spot,
            h.rectification_note,
            str(h.closed_at),
            events[h.pk],
        ]
        for h in Hazard.objects.select_related("site", "inspection").order_by(
            "reported_at", "site__name", "id"
        )
    ]
    inspections = [
        [
            *(i.site.name, i.kind, str(i.inspected_on), i.inspectors, i.items, i.result, i.summary),
            *(users[i.recorded_by_id], orgs.get(i.organisation_id), i.created_at.isoformat()),
        ]
        for i in Inspection.objects.select_related("site").order_by(
            "inspected_on", "site__name", "kind", "id"
        )
    ]
    text = json.dumps([hazards, inspections], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# --- determinism and scale ------------------------------------------------------------------------


def test_the_same_seed_and_day_rebuild_identical_activity(demo):
    before = activity_digest()

    wipe_activity()
    counts = build_demo_activity(seed=SEED, today=TODAY)

    assert counts == demo["activity"]
    assert activity_digest() == before


def test_another_seed_gives_another_year(demo):
    before = activity_digest()

    wipe_activity()
    counts = build_demo_activity(seed=7, today=TODAY)

    assert activity_digest() != before
    assert 2000 <= counts["hazards"] <= 2200


def test_counts_are_at_the_bulletins_scale_and_match_the_rows(demo):
    counts = demo["activity"]
    hazards = Hazard.objects.count()
    closed = Hazard.objects.filter(status=HazardStatus.CLOSED).count()
    majors = Hazard.objects.filter(grade=HazardGrade.MAJOR).count()
    inspected = Inspection.objects.values("site").distinct().count()

    assert 850 <= inspected <= 900
    assert Inspection.objects.count() > inspected * 3  # repeat visits
    assert 2000 <= hazards <= 2200
    assert 0.95 <= closed / hazards <= 0.97
    assert 0.03 <= majors / hazards <= 0.05
    assert [counts["inspected_sites"], counts["hazards"], counts["closed"], counts["major_hazards"]] == [
        inspected,
        hazards,
        closed,
        majors,
    ]
    assert counts["hazard_events"] == HazardEvent.objects.count()
    assert counts["period"] == [str(FIRST_DAY), str(TODAY - datetime.timedelta(days=1))]


def test_every_kind_of_inspection_and_hazard_source_occurs(demo):
    kinds = Counter(Inspection.objects.values_list("kind", flat=True))
    sources = Counter(Hazard.objects.values_list("source", flat=True))
    linked = Hazard.objects.exclude(inspection=None).count()

    assert set(kinds) == {
        "daily_patrol",
        "key_inspection",
        "special_campaign",
        "joint",
        "self_inspection",
        "expert_service",
    }
    assert kinds["daily_patrol"] == max(kinds.values())
    assert set(sources) == {"patrol", "inspection", "self_inspection", "expert", "tip_off"}
    assert 30 <= sources["expert"] <= 60  # the bulletin: 58 expert-days found 40 problems
    assert linked / Hazard.objects.count() > 0.9


def test_everything_happened_in_the_year_before_today(demo):
    start, end = _start_of(FIRST_DAY), _start_of(TODAY)

    assert not Inspection.objects.exclude(inspected_on__gte=FIRST_DAY, inspected_on__lt=TODAY).exists()
    assert not Hazard.objects.exclude(reported_at__gte=start, reported_at__lt=end).exists()
    assert not HazardEvent.objects.exclude(at__gte=start, at__lt=end).exists()
    months = {d.month for d in Inspection.objects.dates("inspected_on", "month")}
    assert len(months) == 12


# --- hazards: what the services could have produced ------------------------------------------------


def test_every_timeline_replays_through_the_transition_table(timelines):
    for hazard, events in timelines:
        first = events[0]
        assert (first.action, first.from_status, first.from_level, first.to_status) == (
            HazardAction.REPORT,
            "",
            None,
            HazardStatus.REPORTED,
        ), hazard.number
        assert first.at == hazard.reported_at
        assert first.actor_id == hazard.reported_by_id
        for before, event in itertools.pairwise(events):
            assert (event.from_status, event.from_level) == (before.to_status, before.to_level), hazard.number
            assert event.at >= before.at, hazard.number
            if event.action == HazardAction.RECTIFY_ON_SPOT:
                assert (event.from_status, event.to_status) == (HazardStatus.REPORTED, HazardStatus.CLOSED)
                continue
            froms, to = TRANSITIONS[event.action]
            assert event.from_status in froms, (hazard.number, event.action, event.from_status)
            assert event.to_status == (to or event.from_status), hazard.number
            if event.action == HazardAction.ESCALATE:
                assert event.to_level == event.from_level + 1 <= HandlingLevel.COUNTY_COMMITTEE
            else:
                assert event.to_level == event.from_level
        last = events[-1]
        assert (last.to_status, last.to_level) == (hazard.status, hazard.level), hazard.number
        assert hazard.version == len(events)


def test_numbers_follow_the_services_format(timelines):
    for hazard, _events in timelines:
        year = timezone.localtime(hazard.reported_at).year
        assert hazard.number == f"YH360725{year}{hazard.pk:07d}"


def test_fields_agree_with_the_timeline(timelines):
    for hazard, events in timelines:
        actions = [e.action for e in events]
        assigns = [e for e in events if e.action == HazardAction.ASSIGN]
        deadline = None
        for e in events:
            if e.action == HazardAction.ASSIGN:
                deadline = e.data["deadline"]
                assert e.data["grade"] == hazard.grade
                assert datetime.date.fromisoformat(deadline) >= timezone.localtime(e.at).date()
            elif e.action == HazardAction.EXTEND:
                assert e.data["from"] == deadline and e.data["to"] > deadline
                assert datetime.date.fromisoformat(e.data["to"]) >= timezone.localtime(e.at).date()
                deadline = e.data["to"]
        assert str(hazard.deadline) == str(deadline), hazard.number
        if assigns:
            last = assigns[-1]
            assert (hazard.assigned_at, hazard.assigned_by_id) == (last.at, last.actor_id)
            assert hazard.responsible_org_id == last.data["responsible_org"]
            assert hazard.responsible_person == last.data["responsible_person"] != ""
        assert hazard.on_the_spot == (HazardAction.RECTIFY_ON_SPOT in actions)
        if hazard.status == HazardStatus.CLOSED:
            assert hazard.closed_at == events[-1].at
            assert hazard.closed_by_id == events[-1].actor_id
            assert hazard.rectified_at is not None and hazard.rectification_note
        else:
            assert hazard.closed_at is None
        if HazardAction.SUBMIT in actions:
            last_submit = [e for e in events if e.action == HazardAction.SUBMIT][-1]
            assert (hazard.rectified_at, hazard.rectification_note) == (last_submit.at, last_submit.note)


def test_major_hazards_are_handled_at_sector_level_or_above_and_supervised(timelines):
    majors = [(h, events) for h, events in timelines if h.grade == HazardGrade.MAJOR]

    assert majors
    for hazard, events in majors:
        assert hazard.level >= HandlingLevel.SECTOR
        assert events[0].to_level >= HandlingLevel.SECTOR
        assert not hazard.on_the_spot
        assigned = any(e.action == HazardAction.ASSIGN for e in events)
        assert hazard.supervised == assigned, hazard.number
        if assigned:
            assert hazard.missing_five_items() == []
    assert not Hazard.objects.filter(grade=HazardGrade.GENERAL, supervised=True).exists()
    open_supervised = Hazard.objects.filter(supervised=True).exclude(status=HazardStatus.CLOSED)
    assert 1 <= open_supervised.count() <= 20


def test_escalations_into_every_level(demo):
    into = Counter(
        HazardEvent.objects.filter(action=HazardAction.ESCALATE).values_list("to_level", flat=True)
    )

    assert into[2] >= 10
    assert into[3] >= 3
    assert into[4] >= 1
    assert dict(demo["activity"]["escalations_into_level"]) == {str(k): into[k] for k in (2, 3, 4)}


def test_some_hazards_are_still_open_in_every_state_and_some_are_overdue(demo):
    open_states = set(Hazard.objects.open().values_list("status", flat=True))
    overdue = Hazard.objects.overdue(TODAY)

    assert open_states == {
        HazardStatus.REPORTED,
        HazardStatus.ASSIGNED,
        HazardStatus.RECTIFYING,
        HazardStatus.VERIFYING,
    }
    assert overdue.count() >= 3
    assert overdue.count() == demo["activity"]["overdue"]


def test_the_nightly_sweep_would_have_had_nothing_to_do(timelines):
    """No hazard stayed owed past its deadline and the grace: on every night of the year (01:05)
    the sweep would have found nothing to escalate — and tonight neither."""
    grace = datetime.timedelta(days=settings.SAFEGRID_OVERDUE_GRACE_DAYS)
    for hazard, events in timelines:
        deadline, since = None, None
        for before, event in zip([None, *events], events, strict=False):
            if before is not None and before.to_status in DEADLINE_STATUSES:
                local = timezone.localtime(event.at)
                sweep_day = local.date() - datetime.timedelta(days=local.time() < datetime.time(1, 5))
                sweep = datetime.datetime.combine(sweep_day, datetime.time(1, 5), tzinfo=local.tzinfo)
                if sweep >= since:
                    assert sweep_day <= deadline + grace, (hazard.number, event.action)
            if event.action == HazardAction.ASSIGN:
                deadline = datetime.date.fromisoformat(event.data["deadline"])
            elif event.action == HazardAction.EXTEND:
                deadline = datetime.date.fromisoformat(event.data["to"])
            if event.to_status in DEADLINE_STATUSES and (
                before is None
                or before.to_status not in DEADLINE_STATUSES
                or event.action in (HazardAction.ASSIGN, HazardAction.EXTEND)
            ):
                since = event.at


def test_running_the_sweep_today_changes_nothing(demo):
    assert hazard_sweep_overdue(today=TODAY) == {"escalated": 0, "noticed": 0}


def test_every_hazard_is_at_its_inspections_site_and_inspections_agree_with_findings(demo):
    assert not Hazard.objects.exclude(inspection=None).exclude(inspection__site=F("site")).exists()
    found = set(Hazard.objects.exclude(inspection=None).values_list("inspection_id", flat=True))
    for inspection in Inspection.objects.all():
        issues = [i for i in inspection.items if i["result"] == ItemResult.ISSUE]
        assert inspection.items and all(i["item"] for i in inspection.items)
        if inspection.pk in found:
            assert inspection.result == InspectionResult.HAZARDS_FOUND
            assert issues and "发现事故隐患" in inspection.summary
        else:
            assert inspection.result == InspectionResult.NO_HAZARD
            assert not issues and "未发现" in inspection.summary
        assert inspection.region_path == inspection.site.region_path
        assert timezone.localtime(inspection.created_at).date() >= inspection.inspected_on


def test_scope_keys_are_copied_from_the_site(demo):
    mismatched = [
        h.number
        for h in Hazard.objects.select_related("site")
        if (h.region_path, h.sector_id) != (h.site.region_path, h.site.sector_id)
    ]
    assert mismatched == []


def test_township_officer_sees_exactly_the_hazards_of_the_township(demo):
    officer = User.objects.get(username="township_hengshui")

    visible = set(hazard_list(actor=officer).values_list("pk", flat=True))

    in_hengshui = set(Hazard.objects.filter(site__grid__parent__name="横水镇").values_list("pk", flat=True))
    assert visible == in_hengshui
    assert len(visible) > 100


def test_demo_accounts_have_work_waiting(demo):
    from safegrid.hazards.selectors import hazard_queue

    def queue(username: str, name: str) -> int:
        return hazard_queue(actor=User.objects.get(username=username), queue=name, today=TODAY).count()

    assert queue("township_hengshui", "to_assign") >= 1
    assert queue("township_yangmei", "to_assign") >= 1
    assert queue("grid_hengshui", "to_verify") >= 1
    assert queue("grid_yangmei", "to_verify") >= 1
    assert queue("sector_mining", "to_assign") >= 1
    assert queue("office", "to_assign") >= 1
    assert queue("leader", "to_assign") >= 1
    assert queue("enterprise", "to_rectify") >= 1


def test_demo_accounts_act_where_the_rules_let_them(timelines):
    """Where a demo account holds the role that handles a level over a site, it is the one acting."""
    users = {u.username: u.pk for u in User.objects.all()}
    for hazard, events in timelines:
        township = hazard.site.grid.parent.name
        for event in events:
            if event.action not in (HazardAction.ASSIGN, HazardAction.ESCALATE, HazardAction.EXTEND):
                continue
            if event.from_level == 1 and township == "横水镇":
                assert event.actor_id == users["township_hengshui"]
            elif event.from_level == 3:
                assert event.actor_id == users["office"]
            elif event.from_level == 4:
                assert event.actor_id == users["leader"]


def test_no_audit_records_or_notifications_per_row(demo):
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["demo.seed"]
    assert AuditEntry.objects.get().changes["activity"]["hazards"] == demo["activity"]["hazards"]
    assert Notification.objects.count() == 0


# --- enforcement ------------------------------------------------------------------------------------

needs_enforcement = pytest.mark.skipif(
    not apps.is_installed("safegrid.enforcement"), reason="the enforcement app is not installed"
)


@needs_enforcement
def test_enforcement_documents_and_penalties_at_the_bulletins_scale(demo):
    from safegrid.enforcement.models import EnforcementDocument, Penalty

    counts = demo["activity"]["enforcement"]
    by_type = Counter(EnforcementDocument.objects.values_list("doc_type", flat=True))

    assert 380 <= EnforcementDocument.objects.count() == counts["documents"] <= 430
    assert 90 <= Penalty.objects.count() == counts["penalties"] <= 110
    assert by_type["inspection_record"] > by_type["recheck_opinion"]
    assert by_type["rectification_order"] > by_type["recheck_opinion"] > 0
    assert by_type["penalty_decision"] > 0
    assert set(by_type) == {"inspection_record", "rectification_order", "recheck_opinion", "penalty_decision"}


@needs_enforcement
def test_documents_are_issued_numbered_and_sealed_like_the_service_does(demo):
    from safegrid.enforcement.choices import DocumentStatus
    from safegrid.enforcement.models import DocumentSequence, EnforcementDocument, NumberingRule
    from safegrid.enforcement.seals import document_verify_seal

    documents = list(
        EnforcementDocument.objects.select_related("site", "inspection").prefetch_related("hazards")
    )
    rules = {r.organisation_id: r for r in NumberingRule.objects.all()}
    sequences = defaultdict(list)
    for d in documents:
        assert d.status == DocumentStatus.ISSUED and d.issued_on < TODAY
        assert d.issued_by_id == d.created_by_id
        assert d.number == rules[d.organisation_id].format(d.doc_type, d.year, d.sequence)
        assert re.fullmatch(r"（崇）\w+〔\d{4}〕\d+号", d.number)
        assert d.year == d.issued_on.year
        assert document_verify_seal(d), d.number
        assert d.inspection.site_id == d.site_id and d.issued_on >= d.inspection.inspected_on
        assert all(h.site_id == d.site_id for h in d.hazards.all())
        assert d.findings or d.requirements
        if d.doc_type == "rectification_order":
            assert d.deadline is not None and d.deadline >= d.issued_on
        sequences[(d.organisation_id, d.doc_type, d.year)].append((d.issued_on, d.sequence))
    for key, issued in sequences.items():
        assert sorted(s for _day, s in issued) == list(range(1, len(issued) + 1)), key
        assert [s for _day, s in sorted(issued)] == sorted(s for _day, s in issued), key
        counter = DocumentSequence.objects.get(organisation_id=key[0], doc_type=key[1], year=key[2])
        assert counter.last_value == len(issued)


@needs_enforcement
def test_penalties_rest_on_issued_decisions_of_their_site(demo):
    from safegrid.enforcement.models import Penalty

    for penalty in Penalty.objects.select_related("decision").prefetch_related("hazards"):
        assert penalty.decision.doc_type == "penalty_decision"
        assert penalty.decision.site_id == penalty.site_id
        assert penalty.decided_on == penalty.decision.issued_on
        assert penalty.legal_basis == penalty.decision.legal_basis
        assert (penalty.amount is not None) == (penalty.penalty_type == "fine")
        assert penalty.hazards.exists() and all(h.site_id == penalty.site_id for h in penalty.hazards.all())


def test_wipe_removes_the_activity_and_leaves_the_county(demo):
    sites = Site.objects.count()

    wipe_activity()

    assert [Hazard.objects.count(), HazardEvent.objects.count(), Inspection.objects.count()] == [0, 0, 0]
    assert Site.objects.count() == sites


# --- risk points (风险分级管控) ----------------------------------------------------------------------


def test_risk_points_are_spread_realistically_over_the_high_risk_sectors(demo):
    from safegrid.risks.models import RiskAssessment, RiskPoint

    counts = demo["risks"]
    levels = counts["by_level"]
    total = counts["risk_points"]
    assert RiskPoint.objects.count() == total == RiskAssessment.objects.count()
    assert 300 <= total <= 3000
    # Few red, more orange, many yellow and blue.
    assert 0 < levels["major"] < levels["significant"] < levels["general"]
    assert levels["major"] <= 0.06 * total
    assert levels["general"] + levels["low"] >= 0.7 * total
    assert set(counts["by_sector"]) <= {"mining", "hazchem", "industry_trade", "water", "forestry", "gas"}
    # Concentrated in mining, hazardous chemicals, hydropower (水利) and industry & trade.
    for sector in ("mining", "hazchem", "water", "industry_trade"):
        assert counts["by_sector"][sector] >= 0.05 * total, sector
    main = sum(counts["by_sector"][s] for s in ("mining", "hazchem", "water", "industry_trade"))
    assert main >= 0.6 * total


def test_demo_risk_levels_are_those_the_tables_give(demo):
    from safegrid.risks.models import RiskPoint
    from safegrid.risks.services import assess

    for point in RiskPoint.objects.all():
        fields = assess(
            method=point.method,
            l_value=point.l_value,
            e_value=point.e_value,
            c_value=point.c_value,
            s_value=point.s_value,
        )
        assert (fields["score"], fields["level"]) == (point.score, point.level), point
