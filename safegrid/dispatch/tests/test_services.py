from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safegrid.core.exceptions import CapabilityDenied, NotInScope, TransitionNotAllowed
from safegrid.core.models import AuditEntry
from safegrid.dispatch import services
from safegrid.dispatch.models import ActionItem, AgendaItem, Meeting
from safegrid.dispatch.tests.world import seed_dispatch
from safegrid.hazards.models import Hazard, HazardEvent

DAY = datetime.date(2026, 6, 18)


def later(days=30):
    return timezone.localdate() + datetime.timedelta(days=days)


def actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def create(world, user="office", **over):
    data = {
        "actor": world.users[user],
        "body": "county_office",
        "region": world.county,
        "held_on": DAY,
        "kind": "dispatch",
    }
    data.update(over)
    return services.meeting_create(**data)


# ---- meetings ---------------------------------------------------------------------------------


def test_office_records_a_meeting_with_a_default_title_and_one_audit_record(world):
    meeting = create(world, attendee_count=18)
    assert (meeting.title, meeting.region_path, meeting.sector_id) == (
        "2026年6月18日县安委办调度会",
        world.county.path,
        None,
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.changes["body"]) == (
        "meeting.create",
        str(meeting.pk),
        [None, "county_office"],
    )


def test_a_sector_committee_meeting_takes_the_sectors_county_and_scope_keys(world):
    meeting = create(world, user="sector_mining", body="sector_committee", sector=world.mining, region=None)
    assert (meeting.region, meeting.region_path, meeting.sector_id) == (
        world.county,
        world.county.path,
        world.mining.pk,
    )
    assert meeting.title == "2026年6月18日崇义县矿山安全生产委员会调度会"


def test_a_sector_officer_may_not_record_the_county_offices_meeting(world):
    with pytest.raises(ValidationError) as exc:
        create(world, user="sector_mining")
    assert exc.value.message_dict == {"body": ["您只能登记您所负责行业领域安委会的会议。"]}
    assert (Meeting.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_a_sector_officer_may_not_record_another_sectors_committee(world):
    with pytest.raises(NotInScope):
        create(world, user="sector_mining", body="sector_committee", sector=world.fire)
    assert (Meeting.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"body": "sector_committee"}, "sector", "行业领域安委会的会议须选择行业领域。"),
        ({"sector": "mining"}, "sector", "只有行业领域安委会的会议才选择行业领域。"),
        ({"region": "t1"}, "region", "调度会议由县（区）召开，请选择县级区划。"),
        ({"held_on": "tomorrow"}, "held_on", "会议日期不能晚于今天。"),
    ],
)
def test_bad_meetings_are_refused_in_chinese(world, over, field, message):
    over = dict(over)
    for key in ("sector", "region"):
        if key in over:
            over[key] = getattr(world, over[key])
    if over.get("held_on") == "tomorrow":
        over["held_on"] = later(1)
    with pytest.raises(ValidationError) as exc:
        create(world, **over)
    assert exc.value.message_dict == {field: [message]}
    assert (Meeting.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_a_meeting_of_another_county_is_out_of_scope(world):
    with pytest.raises(NotInScope):
        create(world, region=world.county_b)
    d = seed_dispatch(world)
    with pytest.raises(NotInScope):
        services.meeting_update(
            actor=world.users["office"], meeting=d.meetings["office_b"], data={"place": "x"}
        )
    assert AuditEntry.objects.count() == 0


def test_meeting_update_records_only_what_changed(world):
    d = seed_dispatch(world)
    meeting = services.meeting_update(
        actor=world.users["office"],
        meeting=d.meetings["office"],
        data={"minutes": "通报隐患情况", "place": "县政府三楼会议室"},
    )
    assert meeting.minutes == "通报隐患情况"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.changes) == ("meeting.update", {"minutes": ["", "通报隐患情况"]})
    services.meeting_update(
        actor=world.users["office"], meeting=d.meetings["office"], data={"minutes": "通报隐患情况"}
    )
    assert AuditEntry.objects.count() == 1


def test_a_sector_officer_reads_but_does_not_edit_the_county_meetings(world):
    d = seed_dispatch(world)
    with pytest.raises(NotInScope):
        services.meeting_update(
            actor=world.users["sector_mining"], meeting=d.meetings["committee"], data={"place": "x"}
        )
    assert AuditEntry.objects.count() == 0


# ---- agenda items -----------------------------------------------------------------------------


def test_an_agenda_item_takes_a_hazard_at_the_bodys_level(world):
    d = seed_dispatch(world)
    hazard = Hazard.objects.create(
        number="YH-new",
        site=world.site12_mine,
        region_path=world.site12_mine.region_path,
        sector_id=world.mining.pk,
        source="patrol",
        category="thing",
        grade="general",
        description="新溪钨矿通风不良",
        reported_by=world.users["office"],
        level=3,
    )
    item = services.agenda_item_add(actor=world.users["office"], meeting=d.meetings["office"], hazard=hazard)
    assert (item.order, item.title, item.hazard) == (4, "YH-new 新溪钨矿通风不良", hazard)
    assert actions() == ["meeting.agenda_item_add"]


@pytest.mark.parametrize(
    ("meeting", "hazard", "message"),
    [
        (
            "office",
            "l2_mining",
            "县安委办的会议只研究由“县安委办”处置的隐患，该隐患当前由“行业领域安委会”处置。",
        ),
        (
            "committee",
            "l3_mining",
            "县安委会的会议只研究由“县安委会”处置的隐患，该隐患当前由“县安委办”处置。",
        ),
        ("mining", "l2_fire", "行业领域安委会的会议只研究本行业领域的隐患。"),
        ("office", "b_l3", "隐患不存在或不在您的职责范围内。"),
        ("office", "l3_mining", "该隐患已列入本次会议议题。"),
    ],
)
def test_hazards_outside_the_bodys_level_or_sector_are_refused(world, meeting, hazard, message):
    # The county office keeps every meeting of its county, the sector committees' included.
    d = seed_dispatch(world)
    before = AgendaItem.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.agenda_item_add(
            actor=world.users["office"], meeting=d.meetings[meeting], hazard=d.hazards[hazard]
        )
    assert exc.value.messages == [message]
    assert (AgendaItem.objects.count(), AuditEntry.objects.count()) == (before, 0)


# ---- decisions --------------------------------------------------------------------------------


def test_an_office_decision_assigns_the_escalated_hazard_through_the_hazard_service(world):
    d = seed_dispatch(world)
    deadline = later()
    item = services.agenda_item_decide(
        actor=world.users["office"],
        item=d.agenda["office_l3"],
        decision="县安委办协调自然资源局联合整改",
        responsible_org=world.org_t1,
        responsible_person="王主任",
        deadline=deadline,
    )
    hazard = Hazard.objects.get(pk=d.hazards["l3_mining"].pk)
    assert (
        hazard.status,
        hazard.level,
        hazard.responsible_org,
        hazard.responsible_person,
        hazard.deadline,
    ) == (
        "assigned",
        3,
        world.org_t1,
        "王主任",
        deadline,
    )
    event = HazardEvent.objects.get(hazard=hazard)
    assert (event.action, event.actor, event.note) == (
        "assign",
        world.users["office"],
        "崇义县安委办四月调度会决定：县安委办协调自然资源局联合整改",
    )
    assert event.data["responsible_org"] == world.org_t1.pk
    item.refresh_from_db()
    assert (item.decided, item.hazard_event, item.decided_by, item.deadline) == (
        True,
        event,
        world.users["office"],
        deadline,
    )
    assert list(AuditEntry.objects.values_list("action", "object_type", "object_id")) == [
        ("hazard.assign", "hazards.hazard", str(hazard.pk))
    ]


def _decide(world, user, key, **over):
    d = seed_dispatch(world)
    data = {
        "actor": world.users[user],
        "item": d.agenda[key],
        "decision": "限期整改",
        "responsible_org": world.org_office,
        "responsible_person": "王主任",
        "deadline": later(),
    }
    data.update(over)
    return services.agenda_item_decide(**data)


def _nothing_written(world, key):
    d = seed_dispatch(world)
    hazard = Hazard.objects.get(pk=d.agenda[key].hazard_id)
    assert (hazard.status, hazard.responsible_org_id, hazard.deadline) == ("reported", None, None)
    assert AgendaItem.objects.get(pk=d.agenda[key].pk).decided is False
    assert (HazardEvent.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("user", "key", "message"),
    [
        ("office", "committee_l4", "县安委会会议对隐患的决定须由县安委会领导录入。"),
        ("leader", "office_l3", "县安委办会议对隐患的决定须由县安委办工作人员录入。"),
    ],
)
def test_only_the_bodys_level_may_record_a_hazard_decision(world, user, key, message):
    with pytest.raises(CapabilityDenied) as exc:
        _decide(world, user, key)
    assert exc.value.message == message
    _nothing_written(world, key)


def test_the_leader_records_the_committees_decision(world):
    _decide(world, "leader", "committee_l4", responsible_org=world.org_t2)
    assert (
        Hazard.objects.get(pk=seed_dispatch(world).hazards["l4_fire"].pk).assigned_by == world.users["leader"]
    )
    assert actions() == ["hazard.assign"]


def test_a_hazard_that_moved_on_cannot_be_decided_by_the_meeting(world):
    d = seed_dispatch(world)
    Hazard.objects.filter(pk=d.hazards["l3_mining"].pk).update(level=4)
    with pytest.raises(TransitionNotAllowed) as exc:
        _decide(world, "office", "office_l3")
    assert exc.value.message == "该隐患当前由“县安委会”处置，已不属于本次会议的决定范围。"
    assert (HazardEvent.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_an_assigned_hazard_cannot_be_assigned_again_by_the_meeting(world):
    d = seed_dispatch(world)
    Hazard.objects.filter(pk=d.hazards["l3_mining"].pk).update(status="assigned", deadline=later())
    with pytest.raises(TransitionNotAllowed) as exc:
        _decide(world, "office", "office_l3")
    assert exc.value.message == "隐患当前状态为“已交办”，不能按会议决定交办。"


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"deadline": datetime.date(2001, 1, 1)}, "deadline", "整改期限不能早于今天。"),
        ({"responsible_person": " "}, "responsible_person", "请填写责任人。"),
        ({"responsible_org": None}, "responsible_org", "请选择责任单位。"),
    ],
)
def test_bad_hazard_decisions_write_nothing(world, over, field, message):
    with pytest.raises(ValidationError) as exc:
        _decide(world, "office", "office_l3", **over)
    assert exc.value.message_dict == {field: [message]}
    _nothing_written(world, "office_l3")


def test_a_decision_naming_another_countys_unit_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _decide(world, "office", "office_l3", responsible_org=world.org_b)
    assert exc.value.message_dict == {"responsible_org": ["责任单位应为本县（区）的单位。"]}
    _nothing_written(world, "office_l3")


def test_a_plain_decision_writes_its_own_audit_record_once(world):
    item = _decide(world, "office", "office_plain", deadline=datetime.date(2026, 6, 30))
    assert (item.decided, item.hazard_event, item.responsible_org) == (True, None, world.org_office)
    assert actions() == ["meeting.agenda_item_decide"]
    with pytest.raises(TransitionNotAllowed) as exc:
        _decide(world, "office", "office_plain")
    assert exc.value.message == "该议题已作出决定。"
    assert actions() == ["meeting.agenda_item_decide"]


# ---- action items -----------------------------------------------------------------------------


def test_a_resolution_becomes_an_action_item_with_the_meetings_scope_keys(world):
    d = seed_dispatch(world)
    item = services.action_item_create(
        actor=world.users["sector_mining"],
        meeting=d.meetings["mining"],
        resolution="开展尾矿库汛前检查",
        owner=world.org_mining_committee,
        deadline=later(),
    )
    assert (item.region_path, item.sector_id, item.status, item.is_overdue()) == (
        world.county.path,
        world.mining.pk,
        "open",
        False,
    )
    assert actions() == ["action_item.create"]


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"resolution": " "}, "resolution", "请填写决议事项。"),
        ({"deadline": datetime.date(2026, 1, 1)}, "deadline", "办理期限不能早于会议日期。"),
        ({"owner": "org_b"}, "owner", "责任单位应为本县（区）的单位。"),
    ],
)
def test_bad_action_items_are_refused_in_chinese(world, over, field, message):
    d = seed_dispatch(world)
    data = {"resolution": "开展检查", "owner": world.org_t1, "deadline": later()}
    data.update(over)
    if data["owner"] == "org_b":
        data["owner"] = world.org_b
    before = ActionItem.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.action_item_create(actor=world.users["office"], meeting=d.meetings["office"], **data)
    assert exc.value.message_dict == {field: [message]}
    assert (ActionItem.objects.count(), AuditEntry.objects.count()) == (before, 0)


def test_completing_an_overdue_action_item_records_it_late_once(world):
    d = seed_dispatch(world)
    item = d.actions["office_overdue"]
    assert item.is_overdue()
    done = services.action_item_complete(actor=world.users["office"], item=item, note="已验收")
    assert (done.status, done.done_on, done.is_overdue()) == ("done", timezone.localdate(), False)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.changes["late"]) == ("action_item.complete", [None, True])
    with pytest.raises(TransitionNotAllowed) as exc:
        services.action_item_complete(actor=world.users["office"], item=item, note="再次办结")
    assert exc.value.message == "该督办事项已办结。"
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"note": ""}, "note", "请填写办理情况。"),
        ({"done_on": "tomorrow"}, "done_on", "办结日期不能晚于今天。"),
        ({"done_on": datetime.date(2026, 1, 1)}, "done_on", "办结日期不能早于会议日期。"),
    ],
)
def test_bad_completions_are_refused_in_chinese(world, over, field, message):
    d = seed_dispatch(world)
    data = {"note": "已完成"}
    data.update(over)
    if data.get("done_on") == "tomorrow":
        data["done_on"] = later(1)
    with pytest.raises(ValidationError) as exc:
        services.action_item_complete(actor=world.users["office"], item=d.actions["office_overdue"], **data)
    assert exc.value.message_dict == {field: [message]}
    assert ActionItem.objects.get(pk=d.actions["office_overdue"].pk).status == "open"
    assert AuditEntry.objects.count() == 0


def test_a_sector_officer_completes_only_its_committees_items(world):
    d = seed_dispatch(world)
    # The office's items are read by a sector officer (county meetings concern every sector) but
    # reported done only by the office or the responsible unit.
    with pytest.raises(CapabilityDenied):
        services.action_item_complete(
            actor=world.users["sector_mining"], item=d.actions["office_overdue"], note="x"
        )
    services.action_item_complete(
        actor=world.users["sector_mining"], item=d.actions["mining_open"], note="已检查"
    )
    assert actions() == ["action_item.complete"]
