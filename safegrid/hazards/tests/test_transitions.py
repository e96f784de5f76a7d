"""Every (state, action, role, level) combination against the transition table: allowed steps
succeed with exactly one event and one audit record; all others are refused with a Chinese message
and change nothing."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safegrid.core.exceptions import CapabilityDenied, NotInScope, TransitionNotAllowed
from safegrid.core.models import AuditEntry
from safegrid.hazards import services
from safegrid.hazards.choices import HazardGrade, HazardStatus
from safegrid.hazards.models import Hazard, HazardEvent

TODAY = timezone.localdate()
USERS = [
    "leader",
    "office",
    "sector_mining",
    "township1",
    "township2",
    "grid11",
    "enterprise11",
    "expert",
    "office_b",
]
# The independent oracle (DESIGN.md §5): who handles each level for a mining hazard in grid G11.
LEVEL_HANDLER = {1: {"township1"}, 2: {"sector_mining"}, 3: {"office"}, 4: {"leader"}}
RESPONSIBLE_UNIT = {"enterprise11"}
TERRITORIAL_VERIFIER = {"grid11"}
OUT_OF_SCOPE = {"township2", "office_b"}
# The transition table, written out as the spec.
FROM = {
    "assign": {"reported"},
    "start": {"assigned"},
    "submit": {"rectifying"},
    "verify_pass": {"verifying"},
    "verify_fail": {"verifying"},
    "escalate": {"reported", "assigned", "rectifying"},
    "extend": {"assigned", "rectifying"},
}
TO = {
    "assign": "assigned",
    "start": "rectifying",
    "submit": "verifying",
    "verify_pass": "closed",
    "verify_fail": "rectifying",
    "escalate": "reported",
}


def make_hazard(world, *, status: str, level: int, grade: str) -> Hazard:
    assigned = status != HazardStatus.REPORTED
    return Hazard.objects.create(
        number=f"T{status}{level}{grade}",
        site=world.site11_mine,
        region_path=world.site11_mine.region_path,
        sector_id=world.site11_mine.sector_id,
        source="patrol",
        category="thing",
        grade=grade,
        description="配电箱未接地",
        reported_by=world.users["grid11"],
        status=status,
        level=level,
        responsible_org=world.org_t1 if assigned else None,
        responsible_person="王经理" if assigned else "",
        deadline=TODAY + datetime.timedelta(days=10) if assigned else None,
        measures="更换线路" if assigned else "",
        funds=Decimal("5000") if assigned else None,
        emergency_plan="停电检修预案" if assigned else "",
        closed_at=timezone.now() if status == HazardStatus.CLOSED else None,
    )


def call(action: str, world, user, hazard: Hazard):
    if action == "assign":
        return services.hazard_assign(
            actor=user,
            hazard=hazard,
            grade=hazard.grade,
            responsible_org=world.org_t1,
            responsible_person="王经理",
            deadline=TODAY + datetime.timedelta(days=10),
            measures="更换线路",
            funds=Decimal("5000"),
            emergency_plan="停电检修预案",
        )
    if action == "start":
        return services.hazard_start(actor=user, hazard=hazard)
    if action == "submit":
        return services.hazard_submit(actor=user, hazard=hazard, rectification_note="已更换线路")
    if action in ("verify_pass", "verify_fail"):
        return services.hazard_verify(
            actor=user, hazard=hazard, passed=action == "verify_pass", note="复查意见"
        )
    if action == "escalate":
        return services.hazard_escalate(actor=user, hazard=hazard, reason="本级无法协调停产")
    if action == "extend":
        return services.hazard_extend(
            actor=user,
            hazard=hazard,
            deadline=(hazard.deadline or TODAY) + datetime.timedelta(days=15),
            reason="设备到货延迟",
        )
    raise AssertionError(action)


def expected_outcome(action: str, status: str, level: int, user_key: str) -> str:
    if user_key in OUT_OF_SCOPE:
        return "not_found"
    if status not in FROM[action] or (action == "escalate" and level == 4):
        return "wrong_state"
    handlers = LEVEL_HANDLER[level]
    if action in ("assign", "escalate", "extend"):
        ok = user_key in handlers
    elif action in ("start", "submit"):
        ok = user_key in handlers | RESPONSIBLE_UNIT
    else:
        ok = user_key in handlers | (TERRITORIAL_VERIFIER if level == 1 else set())
    return "ok" if ok else "denied"


CASES = [
    (s, lvl, g)
    for s, lvl, g in itertools.product(
        ["reported", "assigned", "rectifying", "verifying", "closed"], [1, 2, 3, 4], ["general", "major"]
    )
    if not (g == "major" and lvl == 1)
]


@pytest.mark.parametrize(("status", "level", "grade"), CASES)
def test_transition_matrix(world, status, level, grade):
    hazard = make_hazard(world, status=status, level=level, grade=grade)
    checked = 0
    for action, user_key in itertools.product(FROM, USERS):
        user = world.users[user_key]
        want = expected_outcome(action, status, level, user_key)
        with transaction.atomic():
            events, audits = HazardEvent.objects.count(), AuditEntry.objects.count()
            before = Hazard.objects.filter(pk=hazard.pk).values().get()
            if want == "ok":
                result = call(action, world, user, Hazard.objects.get(pk=hazard.pk))
                assert result.status == TO.get(action, status), (action, user_key)
                assert result.level == (level + 1 if action == "escalate" else level)
                assert result.version == before["version"] + 1
                assert HazardEvent.objects.count() == events + 1
                event = HazardEvent.objects.latest("id")
                assert (event.action, event.from_status, event.to_status, event.actor_id) == (
                    action,
                    status,
                    result.status,
                    user.pk,
                )
                assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[audits:]) == [
                    f"hazard.{action}"
                ]
            else:
                error = {
                    "not_found": NotInScope,
                    "wrong_state": TransitionNotAllowed,
                    "denied": CapabilityDenied,
                }[want]
                with pytest.raises(error) as exc:
                    call(action, world, user, Hazard.objects.get(pk=hazard.pk))
                assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value)), (action, user_key)
                assert Hazard.objects.filter(pk=hazard.pk).values().get() == before
                assert (HazardEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)
            transaction.set_rollback(True)
        checked += 1
    assert checked == len(FROM) * len(USERS)


def test_major_hazard_cannot_be_assigned_at_territorial_level(world):
    hazard = make_hazard(world, status="reported", level=1, grade="general")
    with pytest.raises(ValidationError) as exc:
        services.hazard_assign(
            actor=world.users["township1"],
            hazard=hazard,
            grade=HazardGrade.MAJOR,
            responsible_org=world.org_t1,
            responsible_person="王",
            deadline=TODAY,
        )
    assert exc.value.message_dict == {"grade": ["重大隐患须由行业领域安委会及以上层级处置，请先提级。"]}
    hazard.refresh_from_db()
    assert (hazard.status, hazard.grade) == ("reported", "general")


def test_major_hazard_needs_the_five_items_before_rectification(world):
    hazard = make_hazard(world, status="assigned", level=2, grade="major")
    Hazard.objects.filter(pk=hazard.pk).update(funds=None, emergency_plan="")
    with pytest.raises(ValidationError) as exc:
        services.hazard_start(actor=world.users["sector_mining"], hazard=hazard)
    assert exc.value.message_dict == {"measures": ["重大隐患须“五落实”后方可开始整改，尚缺：资金、预案。"]}
    started = services.hazard_start(
        actor=world.users["sector_mining"], hazard=hazard, funds=Decimal("1"), emergency_plan="预案"
    )
    assert started.status == "rectifying"


def test_major_hazard_assignment_lists_it_for_supervision(world):
    hazard = make_hazard(world, status="reported", level=2, grade="general")
    assigned = services.hazard_assign(
        actor=world.users["sector_mining"],
        hazard=hazard,
        grade=HazardGrade.MAJOR,
        responsible_org=world.org_t1,
        responsible_person="王",
        deadline=TODAY,
    )
    assert (assigned.supervised, assigned.grade) == (True, "major")


@pytest.mark.parametrize(
    ("call_kwargs", "message"),
    [
        ({"deadline": TODAY - datetime.timedelta(days=1)}, {"deadline": ["整改期限不能早于今天。"]}),
        ({"deadline": None}, {"deadline": ["请填写整改期限。"]}),
        ({"responsible_person": " "}, {"responsible_person": ["请填写责任人。"]}),
    ],
)
def test_bad_assignment_input_is_refused(world, call_kwargs, message):
    hazard = make_hazard(world, status="reported", level=1, grade="general")
    kwargs = {
        "grade": "general",
        "responsible_org": world.org_t1,
        "responsible_person": "王",
        "deadline": TODAY,
        **call_kwargs,
    }
    with pytest.raises(ValidationError) as exc:
        services.hazard_assign(actor=world.users["township1"], hazard=hazard, **kwargs)
    assert exc.value.message_dict == message
    assert HazardEvent.objects.count() == 0


def test_escalation_needs_a_reason(world):
    hazard = make_hazard(world, status="reported", level=1, grade="general")
    with pytest.raises(ValidationError) as exc:
        services.hazard_escalate(actor=world.users["township1"], hazard=hazard, reason="  ")
    assert exc.value.message_dict == {"reason": ["提级处置必须说明原因。"]}


def test_failed_verification_needs_a_note_and_returns_to_rectifying(world):
    hazard = make_hazard(world, status="verifying", level=1, grade="general")
    with pytest.raises(ValidationError):
        services.hazard_verify(actor=world.users["township1"], hazard=hazard, passed=False, note="")
    back = services.hazard_verify(
        actor=world.users["township1"], hazard=hazard, passed=False, note="仍未接地"
    )
    assert (back.status, back.events.latest("id").note) == ("rectifying", "仍未接地")


def test_extension_must_be_later(world):
    hazard = make_hazard(world, status="assigned", level=1, grade="general")
    with pytest.raises(ValidationError) as exc:
        services.hazard_extend(
            actor=world.users["township1"], hazard=hazard, deadline=hazard.deadline, reason="x"
        )
    assert exc.value.message_dict == {"deadline": ["新的期限必须晚于原期限。"]}


def test_stale_version_is_refused(world):
    hazard = make_hazard(world, status="reported", level=1, grade="general")
    with pytest.raises(TransitionNotAllowed):
        services.hazard_escalate(
            actor=world.users["township1"], hazard=hazard, reason="x", expected_version=7
        )
    assert Hazard.objects.get(pk=hazard.pk).level == 1


def test_report_then_on_the_spot(world):
    reported = services.hazard_report(
        actor=world.users["grid11"], site=world.site11_mine, description="消防通道堵塞", category="management"
    )
    assert (reported.status, reported.level, reported.number[:8]) == ("reported", 1, "YH360725")
    fixed = services.hazard_rectify_on_spot(
        actor=world.users["grid11"],
        site=world.site11_mall,
        description="灭火器过期",
        category="thing",
        rectification_note="已更换",
    )
    assert (fixed.status, fixed.on_the_spot, fixed.grade) == ("closed", True, "general")
    assert list(fixed.events.values_list("action", flat=True)) == ["report", "rectify_on_spot"]


def test_sector_officer_report_starts_at_sector_level_and_major_at_least_there(world):
    by_sector = services.hazard_report(
        actor=world.users["sector_mining"], site=world.site11_mine, description="x", category="thing"
    )
    major = services.hazard_report(
        actor=world.users["grid11"], site=world.site11_mine, description="y", category="thing", grade="major"
    )
    assert (by_sector.level, major.level) == (2, 2)


def test_report_outside_scope_is_404(world):
    before = Hazard.objects.count()
    with pytest.raises(NotInScope):
        services.hazard_report(
            actor=world.users["grid11"], site=world.site21_mine, description="x", category="thing"
        )
    assert Hazard.objects.count() == before
