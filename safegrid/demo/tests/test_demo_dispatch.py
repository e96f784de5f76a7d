"""The demo county's dispatch: meetings at every body's cadence with one deliberately missed period,
escalated hazards decided as their timelines say, action items with the meeting's scope keys, and
the same rows again for the same seed and day.

The county with its year of activity is built once per module inside an outer transaction that is
rolled back at the end (like test_demo_activity.py); each test runs in a savepoint on top of it.
"""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from safegrid.accounts.models import User
from safegrid.core.models import AuditEntry
from safegrid.demo.county import build_demo_county
from safegrid.demo.dispatch import build_demo_dispatch, wipe_demo_dispatch
from safegrid.dispatch import cadence
from safegrid.dispatch.choices import BODY_LEVEL, BODY_MEETINGS_PER_YEAR
from safegrid.dispatch.models import ActionItem, AgendaItem, Meeting
from safegrid.dispatch.selectors import cadence_compliance, missed_periods
from safegrid.hazards.models import HazardEvent
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Organisation, Region, Sector

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not apps.is_installed("safegrid.dispatch"), reason="the dispatch app is not installed"
    ),
]

FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
SEED = 2024
TODAY = timezone.localdate()
LAST_DAY = TODAY - datetime.timedelta(days=1)
FIRST_DAY = datetime.date((TODAY - datetime.timedelta(days=365)).year, 1, 1)
TZ = timezone.get_current_timezone()


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


def county() -> Region:
    return Region.objects.get(kind=RegionKind.COUNTY)


def digest() -> str:
    sectors = dict(Sector.objects.values_list("pk", "code"))
    orgs = dict(Organisation.objects.values_list("pk", "name"))
    users = dict(User.objects.values_list("pk", "username"))
    meetings = {
        m.pk: [
            m.body,
            sectors.get(m.sector_id),
            str(m.held_on),
            m.title,
            m.kind,
            m.place,
            m.chair,
            m.attendee_count,
        ]
        for m in Meeting.objects.all()
    }
    agenda = sorted(
        [
            *meetings[i.meeting_id],
            i.order,
            i.title,
            i.hazard_id,
            i.decided,
            i.decision,
            orgs.get(i.responsible_org_id),
            i.responsible_person,
            str(i.deadline),
            users.get(i.decided_by_id),
            i.hazard_event_id,
        ]
        for i in AgendaItem.objects.all()
    )
    actions = sorted(
        [
            *meetings[a.meeting_id],
            *(a.resolution, orgs[a.owner_id], str(a.deadline), a.status, str(a.done_on), a.done_note),
            *(a.region_path, sectors.get(a.sector_id), users[a.created_by_id]),
        ]
        for a in ActionItem.objects.all()
    )
    text = json.dumps([sorted(meetings.values()), agenda, actions], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def test_counts_match_the_rows_written(demo):
    counts = demo["dispatch"]
    assert counts["period"] == [str(FIRST_DAY), str(LAST_DAY)]
    assert counts["meetings"] == Meeting.objects.count()
    assert counts["by_body"] == {
        body: Meeting.objects.filter(body=body).count()
        for body in ("county_committee", "county_office", "sector_committee")
    }
    assert counts["agenda_items"] == AgendaItem.objects.count()
    assert counts["hazard_items"] == AgendaItem.objects.filter(hazard__isnull=False).count()
    assert counts["hazard_decisions"] == AgendaItem.objects.filter(hazard__isnull=False, decided=True).count()
    assert counts["action_items"] == ActionItem.objects.count()
    assert counts["action_done"] == ActionItem.objects.filter(status="done").count()
    assert counts["action_overdue"] == ActionItem.objects.filter(status="open", deadline__lt=TODAY).count()
    assert counts["hazard_decisions"] >= 10
    assert 1 <= counts["action_overdue"] <= counts["action_items"] * 0.1


def test_every_finished_period_has_its_meeting_but_the_one_missed(demo):
    office = User.objects.get(username="office")
    missed = []
    for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
        rows = cadence_compliance(actor=office, year=year, today=TODAY)
        assert len(rows) == 2 + Sector.objects.count()
        missed += [(r.label, year, p.label) for r, p in missed_periods(rows)]
        for row in rows:
            for p in row.periods:
                assert p.status in (
                    {"met", "missed"} if p.period.end < TODAY else {"met", "in_progress", "future"}
                )
    assert len(missed) == 1
    label, year, period = missed[0]
    assert demo["dispatch"]["missed"] == f"{label} {year}年{period}"
    assert "水上交通和渔业船舶" in label


def test_meetings_follow_the_cadence_rules(demo):
    for body, per_year in BODY_MEETINGS_PER_YEAR.items():
        days = list(Meeting.objects.filter(body=body).values_list("held_on", flat=True))
        for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
            for p in cadence.periods(per_year, year):
                if p.end < TODAY:
                    assert sum(1 for d in days if p.start <= d <= p.end) == 1, (body, p)


def test_scope_keys_are_those_the_services_compute(demo):
    c = county()
    assert set(Meeting.objects.values_list("region_id", "region_path")) == {(c.pk, c.path)}
    assert not Meeting.objects.filter(body="sector_committee", sector__isnull=True).exists()
    assert not Meeting.objects.exclude(body="sector_committee").filter(sector__isnull=False).exists()
    for a in ActionItem.objects.select_related("meeting", "owner"):
        assert (a.region_path, a.sector_id) == (a.meeting.region_path, a.meeting.sector_id)
        assert a.owner.region_path.startswith(c.path)
    assert not Meeting.objects.filter(held_on__gt=LAST_DAY).exists()
    assert not Meeting.objects.filter(held_on__lt=FIRST_DAY).exists()


def test_hazard_decisions_are_the_timelines_assignments(demo):
    items = AgendaItem.objects.filter(hazard__isnull=False).select_related(
        "meeting", "hazard", "hazard_event"
    )
    assert items.exists()
    for item in items:
        level = BODY_LEVEL[item.meeting.body]
        day = item.meeting.held_on
        if item.meeting.sector_id is not None:
            assert item.hazard.sector_id == item.meeting.sector_id
        escalations = HazardEvent.objects.filter(
            hazard=item.hazard, action__in=["escalate", "sweep_escalate"], to_level=level
        )
        assert any(e.at.astimezone(TZ).date() <= day for e in escalations), item
        if not item.decided:
            assert (item.hazard.status, item.hazard.level, item.hazard_event) == ("reported", level, None)
            continue
        event = item.hazard_event
        assert (event.hazard_id, event.action, event.to_level) == (item.hazard_id, "assign", level)
        assert event.at.astimezone(TZ).date() >= day
        assert (item.responsible_org_id, item.responsible_person, str(item.deadline)) == (
            event.data["responsible_org"],
            event.data["responsible_person"],
            event.data["deadline"],
        )
        assert (item.decided_by_id, item.decided_at) == (event.actor_id, event.at)


def test_action_items_are_consistent(demo):
    for a in ActionItem.objects.select_related("meeting"):
        assert a.deadline >= a.meeting.held_on
        if a.status == "done":
            assert a.meeting.held_on <= a.done_on <= LAST_DAY and a.done_note
        else:
            assert (a.done_on, a.done_note) == (None, "")
    assert not AgendaItem.objects.filter(decided=True, decided_at__isnull=True).exists()


def test_no_audit_record_per_row(demo):
    assert not AuditEntry.objects.filter(action__startswith="meeting.").exists()
    assert not AuditEntry.objects.filter(action__startswith="action_item.").exists()


def test_same_seed_and_day_give_the_same_rows_and_wipe_removes_them(demo):
    first = digest()
    with transaction.atomic():
        wipe_demo_dispatch()
        assert (Meeting.objects.count(), AgendaItem.objects.count(), ActionItem.objects.count()) == (0, 0, 0)
        again = build_demo_dispatch(seed=SEED, today=TODAY)
        assert digest() == first
        assert again == demo["dispatch"]
        transaction.set_rollback(True)


def test_another_seed_gives_other_rows(demo):
    first = digest()
    with transaction.atomic():
        wipe_demo_dispatch()
        build_demo_dispatch(seed=SEED + 1, today=TODAY)
        assert digest() != first
        transaction.set_rollback(True)
