"""Deadlines across the Spring Festival, and the overdue sweep: exactly the overdue hazards are
escalated, each with one event and a supervision notice, and a second run changes nothing."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from safegrid.core.models import AuditEntry
from safegrid.hazards import services
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.notifications.models import Notification

from .test_transitions import make_hazard

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI), tick=False
    )


def test_working_day_deadline_skips_the_spring_festival(world):
    """Assigned on Friday 2024-02-09 with 3 working days: 02-10…17 are the holiday, Sunday 02-18 is
    an adjusted working day, so the deadline is Tuesday 02-20."""
    with at(datetime.date(2024, 2, 9)):
        hazard = make_hazard(world, status="reported", level=1, grade="general")
        assigned = services.hazard_assign(
            actor=world.users["township1"],
            hazard=hazard,
            grade="general",
            responsible_org=world.org_t1,
            responsible_person="王",
            workdays=3,
        )
    assert assigned.deadline == datetime.date(2024, 2, 20)


def test_working_days_outside_the_known_calendar_are_refused_not_guessed(world):
    with at(datetime.date(2030, 12, 20)):
        hazard = make_hazard(world, status="reported", level=1, grade="general")
        with pytest.raises(Exception) as exc:
            services.hazard_assign(
                actor=world.users["township1"],
                hazard=hazard,
                grade="general",
                responsible_org=world.org_t1,
                responsible_person="王",
                workdays=3,
            )
    assert "法定节假日安排" in str(exc.value)
    assert Hazard.objects.get(pk=hazard.pk).status == "reported"


def _owed(world, *, deadline, level=1, status="assigned", number):
    hazard = make_hazard(world, status=status, level=level, grade="general")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=deadline, number=number)
    return hazard.pk


SWEPT = "逾期未整改，系统自动提级并督办。"


def test_sweep_escalates_exactly_the_overdue_and_is_idempotent(world):
    today = datetime.date(2024, 2, 20)
    overdue_1 = _owed(world, deadline=datetime.date(2024, 2, 10), number="A1")  # 10 days late
    overdue_3 = _owed(world, deadline=datetime.date(2024, 2, 1), level=3, status="rectifying", number="A2")
    top = _owed(world, deadline=datetime.date(2024, 2, 1), level=4, number="A3")
    within_grace = _owed(world, deadline=datetime.date(2024, 2, 18), number="B1")  # 2 days late, grace 3
    not_due = _owed(world, deadline=datetime.date(2024, 3, 1), number="B2")
    verifying = _owed(world, deadline=datetime.date(2024, 2, 1), status="verifying", number="B3")

    versions = dict(Hazard.objects.values_list("pk", "version"))
    result = services.hazard_sweep_overdue(today=today, grace_days=3)

    assert result == {"escalated": 2, "noticed": 1}
    rows = {h.pk: (h.status, h.level, h.last_notice_on) for h in Hazard.objects.all()}
    assert rows[overdue_1] == ("reported", 2, today)
    assert rows[overdue_3] == ("reported", 4, today)
    assert rows[top] == ("assigned", 4, today)
    assert rows[within_grace] == ("assigned", 1, None)
    assert rows[not_due] == ("assigned", 1, None)
    assert rows[verifying] == ("verifying", 1, None)
    events = list(
        HazardEvent.objects.order_by("hazard_id").values_list(
            "hazard_id", "action", "from_level", "to_level", "from_status", "to_status", "actor_id", "note"
        )
    )
    assert events == sorted(
        [
            (overdue_1, "sweep_escalate", 1, 2, "assigned", "reported", None, SWEPT),
            (overdue_3, "sweep_escalate", 3, 4, "rectifying", "reported", None, SWEPT),
            (top, "supervision_notice", 4, 4, "assigned", "assigned", None, "逾期未整改，县安委会督办。"),
        ]
    )
    assert {h.pk: h.version for h in Hazard.objects.all()} == {
        **versions,
        overdue_1: versions[overdue_1] + 1,
        overdue_3: versions[overdue_3] + 1,
    }
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["hazard.sweep"]
    # The first escalation is remembered on the row (the "escalated" filter and figures read it).
    escalated = {h.pk: h.escalated_at for h in Hazard.objects.all()}
    sweep_at = HazardEvent.objects.get(hazard_id=overdue_1).at
    assert escalated[overdue_1] == escalated[overdue_3] == sweep_at
    assert escalated[top] is None and escalated[within_grace] is None and escalated[verifying] is None

    snapshot = list(Hazard.objects.order_by("pk").values())
    assert services.hazard_sweep_overdue(today=today, grace_days=3) == {"escalated": 0, "noticed": 0}
    assert list(Hazard.objects.order_by("pk").values()) == snapshot
    assert HazardEvent.objects.count() == 3
    assert AuditEntry.objects.count() == 1


def test_a_sweep_keeps_an_earlier_first_escalation(world):
    earlier = datetime.datetime(2024, 1, 5, 9, 0, tzinfo=SHANGHAI)
    pk = _owed(world, deadline=datetime.date(2024, 2, 10), number="C1")
    Hazard.objects.filter(pk=pk).update(escalated_at=earlier)
    services.hazard_sweep_overdue(today=datetime.date(2024, 2, 20), grace_days=3)
    assert Hazard.objects.get(pk=pk).escalated_at == earlier
    assert Hazard.objects.get(pk=pk).level == 2


def test_sweep_notifies_unit_and_new_level(world, django_capture_on_commit_callbacks):
    pk = _owed(world, deadline=datetime.date(2024, 2, 1), number="N1")
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_sweep_overdue(today=datetime.date(2024, 2, 20), grace_days=3)
    told = set(Notification.objects.filter(hazard_id=pk).values_list("recipient__username", "kind"))
    # The unit (enterprise11 of 横水钨矿) and the sector level that now handles it (sector_mining).
    assert told == {("enterprise11", "overdue"), ("sector_mining", "overdue")}


def test_sweep_command(world):
    _owed(world, deadline=datetime.date(2024, 2, 1), number="C1")
    from io import StringIO

    out = StringIO()
    call_command("sweep_overdue", "--date", "2024-02-20", "--grace-days", "3", stdout=out)
    assert out.getvalue().strip() == "逾期扫描完成：提级 1 条，督办通知 0 条。"
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD。"):
        call_command("sweep_overdue", "--date", "20/02/2024")


def test_sweep_through_the_job_interface_runs_inline_without_a_broker(world):
    from safegrid.hazards.tasks import overdue_sweep

    _owed(world, deadline=datetime.date(2000, 1, 1), number="J1")
    assert overdue_sweep.delay().get() == {"escalated": 1, "noticed": 0}
