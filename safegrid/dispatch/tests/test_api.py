from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safegrid.core.models import AuditEntry
from safegrid.dispatch.models import ActionItem, AgendaItem, Meeting
from safegrid.dispatch.tests.world import seed_dispatch
from safegrid.hazards.models import Hazard, HazardEvent


def later(days=30):
    return str(timezone.localdate() + datetime.timedelta(days=days))


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_record_a_meeting_its_agenda_decision_and_action_item(world, client):
    d = seed_dispatch(world)
    client.force_login(world.users["sector_mining"])
    response = post(
        client,
        reverse("api:meeting-list"),
        {
            "body": "sector_committee",
            "sector": world.mining.pk,
            "kind": "special",
            "held_on": "2026-06-18",
            "attendee_count": 12,
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (
        data["body_label"],
        data["region"],
        data["sector"],
        data["agenda_items"],
        data["action_items"],
    ) == (
        "崇义县矿山安全生产委员会",
        world.county.pk,
        world.mining.pk,
        [],
        [],
    )
    meeting_id = data["id"]
    # The mining hazard is still on the earlier meeting's agenda; it can be taken up again here.
    response = post(
        client, reverse("api:meeting-agenda-items", args=[meeting_id]), {"hazard": d.hazards["l2_mining"].pk}
    )
    assert response.status_code == 201, response.json()
    item = response.json()["agenda_items"][0]
    assert (item["order"], item["hazard_number"], item["decided"]) == (1, "YH-D-l2_mining", False)
    deadline = later()
    response = post(
        client,
        reverse("api:meeting-decide", args=[meeting_id]),
        {
            "agenda_item": item["id"],
            "decision": "停产整改",
            "responsible_org": world.org_mining_committee.pk,
            "responsible_person": "黄建国",
            "deadline": deadline,
            "grade": "major",
        },
    )
    assert response.status_code == 200, response.json()
    decided = response.json()["agenda_items"][0]
    event = HazardEvent.objects.get(hazard=d.hazards["l2_mining"], action="assign")
    assert (decided["decided"], decided["hazard_event"], decided["deadline"]) == (True, event.pk, deadline)
    hazard = Hazard.objects.get(pk=d.hazards["l2_mining"].pk)
    assert (hazard.grade, hazard.supervised, hazard.responsible_person) == ("major", True, "黄建国")
    response = post(
        client,
        reverse("api:meeting-action-items", args=[meeting_id]),
        {"resolution": "开展尾矿库专项检查", "owner": world.org_mining_committee.pk, "deadline": later(60)},
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["sector_id"], response.json()["status"], response.json()["overdue"]) == (
        world.mining.pk,
        "open",
        False,
    )
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "meeting.create",
        "meeting.agenda_item_add",
        "hazard.assign",
        "action_item.create",
    ]


def test_a_sector_officer_recording_the_offices_meeting_gets_a_chinese_400(world, client):
    client.force_login(world.users["sector_mining"])
    response = post(
        client,
        reverse("api:meeting-list"),
        {"body": "county_office", "region": world.county.pk, "kind": "dispatch", "held_on": "2026-06-18"},
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "invalid",
            "detail": "提交的数据有误，请检查后重试。",
            "errors": {"body": ["您只能登记您所负责行业领域安委会的会议。"]},
        },
    )
    assert (Meeting.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_decide_by_the_wrong_level_is_a_chinese_403_and_writes_nothing(world, client):
    d = seed_dispatch(world)
    client.force_login(world.users["office"])
    response = post(
        client,
        reverse("api:meeting-decide", args=[d.meetings["committee"].pk]),
        {
            "agenda_item": d.agenda["committee_l4"].pk,
            "responsible_org": world.org_t2.pk,
            "responsible_person": "李",
            "deadline": later(),
        },
    )
    assert (response.status_code, response.json()) == (
        403,
        {"code": "permission_denied", "detail": "县安委会会议对隐患的决定须由县安委会领导录入。"},
    )
    assert (HazardEvent.objects.count(), AuditEntry.objects.count()) == (0, 0)
    assert AgendaItem.objects.get(pk=d.agenda["committee_l4"].pk).decided is False


def test_decide_an_item_of_another_meeting_is_refused(world, client):
    d = seed_dispatch(world)
    client.force_login(world.users["office"])
    response = post(
        client,
        reverse("api:meeting-decide", args=[d.meetings["office"].pk]),
        {"agenda_item": d.agenda["committee_l4"].pk},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"agenda_item": ["本次会议没有该议题。"]}


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("sector_mining", 404),
        ("office_b", 404),
        ("township1", 403),
        ("grid11", 403),
        ("expert", 403),
    ],
)
def test_meeting_writes_are_scoped(world, client, user, status):
    d = seed_dispatch(world)
    client.force_login(world.users[user])
    before = list(Meeting.objects.values())
    response = client.patch(
        reverse("api:meeting-detail", args=[d.meetings["office"].pk]),
        {"place": "改"},
        content_type="application/json",
    )
    assert response.status_code == status
    if status != 200:
        assert (
            list(Meeting.objects.values()) == before
            and AuditEntry.objects.exclude(action="scope.denied").count() == 0
        )
    for route in ("api:meeting-agenda-items", "api:meeting-action-items", "api:meeting-decide"):
        if status != 200:
            assert post(client, reverse(route, args=[d.meetings["office"].pk]), {}).status_code == status


@pytest.mark.parametrize(
    ("user", "status"), [("office", 200), ("office_b", 404), ("township1", 403), ("enterprise11", 403)]
)
def test_action_item_complete_is_scoped(world, client, user, status):
    d = seed_dispatch(world)
    client.force_login(world.users[user])
    response = post(
        client, reverse("api:action-item-complete", args=[d.actions["office_overdue"].pk]), {"note": "已完成"}
    )
    assert response.status_code == status
    assert ActionItem.objects.get(pk=d.actions["office_overdue"].pk).status == (
        "done" if status == 200 else "open"
    )


def test_action_items_filter_overdue_for_a_sector_officer(world, client):
    d = seed_dispatch(world)
    client.force_login(world.users["sector_mining"])
    body = client.get(reverse("api:action-item-list"), {"state": "overdue"}).json()
    assert body["count"] == 1  # the county office's overdue item; the fire committee's is not its sector's
    assert (body["results"][0]["id"], body["results"][0]["overdue"]) == (d.actions["office_overdue"].pk, True)


def test_compliance_api_gives_periods_and_refuses_a_bad_year_in_chinese(world, client):
    seed_dispatch(world)
    client.force_login(world.users["township1"])
    rows = client.get(reverse("api:meeting-compliance"), {"year": 2026}).json()
    assert [(r["label"], len(r["periods"]), r["held"]) for r in rows] == [
        ("县安委会", 4, 1),
        ("县安委办", 12, 1),
        ("崇义县矿山安全生产委员会", 4, 1),
        ("崇义县消防安全生产委员会", 4, 1),
    ]
    assert rows[0]["periods"][0] == {
        "index": 1,
        "label": "第一季度",
        "start": "2026-01-01",
        "end": "2026-03-31",
        "months": 3,
        "required": 1,
        "held": 1,
        "status": "met",
    }
    bad = client.get(reverse("api:meeting-compliance"), {"year": 1999})
    assert bad.status_code == 400 and bad.json()["errors"] == {"year": ["请确保该值大于或者等于 2000。"]}
    client.force_login(world.users["grid11"])
    assert client.get(reverse("api:meeting-compliance")).status_code == 403


def test_the_responsible_units_staff_report_their_item_done(world, client):
    """督办: the unit the item was given to reports it done; other readers may not."""
    d = seed_dispatch(world)
    item = d.actions["office_overdue"]  # owner: 横水镇人民政府 (org_t1)
    township1 = world.users["township1"]
    client.force_login(township1)
    url = reverse("api:action-item-complete", args=[item.pk])
    refused = post(client, url, {"note": "已完成"})
    assert (refused.status_code, refused.json()["detail"]) == (
        403,
        "只有会议组织单位或该事项的责任单位可以办结。",
    )
    assert ActionItem.objects.get(pk=item.pk).status == "open"
    township1.organisation = world.org_t1
    township1.save(update_fields=["organisation"])
    done = post(client, url, {"note": "已完成复工复产验收"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    other = d.actions["office_done"]  # owner: 扬眉镇 — not township1's unit, already done anyway
    assert (
        post(client, reverse("api:action-item-complete", args=[other.pk]), {"note": "x"}).status_code == 403
    )
