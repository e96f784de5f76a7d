import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safegrid.core.models import AuditEntry
from safegrid.hazards.models import Hazard, HazardEvent

TODAY = timezone.localdate()


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_report_via_api_returns_the_detail_with_timeline_and_buttons(world, client):
    client.force_login(world.users["grid11"])
    response = _post(
        client,
        reverse("api:hazard-list"),
        {"site": world.site11_mall.pk, "description": "安全出口被堵", "category": "management"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["level"], body["grade"], body["overdue"]) == (
        "reported",
        1,
        "general",
        False,
    )
    assert [e["action"] for e in body["events"]] == ["report"]
    assert body["available_transitions"] == []  # a grid worker neither assigns nor escalates


def test_full_loop_through_the_api(world, client):
    hazard = world.hazards["g11"]
    url = lambda name: reverse(f"api:hazard-{name}", args=[hazard.pk])  # noqa: E731
    client.force_login(world.users["township1"])
    assert client.get(reverse("api:hazard-detail", args=[hazard.pk])).json()["available_transitions"] == [
        "assign",
        "escalate",
    ]
    escalated = _post(client, url("escalate"), {"reason": "需行业部门处置"})
    assert (escalated.status_code, escalated.json()["level"]) == (200, 2)
    client.force_login(world.users["sector_mining"])
    assigned = _post(
        client,
        url("assign"),
        {
            "grade": "general",
            "responsible_org": world.org_t1.pk,
            "responsible_person": "李厂长",
            "deadline": str(TODAY + datetime.timedelta(days=7)),
        },
    )
    assert (assigned.status_code, assigned.json()["status"]) == (200, "assigned")
    client.force_login(world.users["enterprise11"])
    assert _post(client, url("start"), {}).json()["status"] == "rectifying"
    submitted = _post(client, url("submit"), {"rectification_note": "已完成接地"})
    assert submitted.json()["status"] == "verifying"
    client.force_login(world.users["sector_mining"])
    closed = _post(client, url("verify"), {"passed": True, "note": "合格"})
    assert closed.json()["status"] == "closed"
    assert [e["action"] for e in closed.json()["events"]] == [
        "escalate",
        "assign",
        "start",
        "submit",
        "verify_pass",
    ]


def test_transition_not_allowed_now_is_409_and_writes_nothing(world, client):
    hazard = world.hazards["g11"]
    client.force_login(world.users["township1"])
    before = (AuditEntry.objects.count(), HazardEvent.objects.count())
    response = _post(client, reverse("api:hazard-submit", args=[hazard.pk]), {"rectification_note": "x"})
    assert response.status_code == 409
    assert response.json() == {
        "code": "transition_not_allowed",
        "detail": "隐患当前状态为“已上报”，不能报告整改完成。",
    }
    assert (AuditEntry.objects.count(), HazardEvent.objects.count()) == before


def test_wrong_level_is_403_with_reason(world, client):
    client.force_login(world.users["office"])
    response = _post(client, reverse("api:hazard-escalate", args=[world.hazards["g11"].pk]), {"reason": "x"})
    assert response.status_code == 403
    assert response.json()["detail"] == "隐患当前由“属地（网格/乡镇）”处置，您无权提级处置。"


def test_out_of_scope_transition_is_404(world, client):
    client.force_login(world.users["township2"])
    response = _post(client, reverse("api:hazard-escalate", args=[world.hazards["g11"].pk]), {"reason": "x"})
    assert response.status_code == 404
    assert Hazard.objects.get(pk=world.hazards["g11"].pk).level == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            {"grade": "general", "responsible_org": 1, "responsible_person": "王", "deadline": "2000-01-01"},
            "deadline",
        ),
        (
            {"grade": "huge", "responsible_org": 1, "responsible_person": "王", "deadline": "2099-01-01"},
            "grade",
        ),
        (
            {
                "grade": "general",
                "responsible_org": 999999,
                "responsible_person": "王",
                "deadline": "2099-01-01",
            },
            "responsible_org",
        ),
        ({"grade": "general", "responsible_org": 1, "responsible_person": "王"}, "deadline"),
        (
            {"grade": "general", "responsible_org": 1, "responsible_person": "王", "deadline": "明天"},
            "deadline",
        ),
    ],
)
def test_bad_assignment_is_400_in_chinese(world, client, payload, field):
    payload = {**payload, "responsible_org": world.org_t1.pk if payload["responsible_org"] == 1 else 999999}
    client.force_login(world.users["township1"])
    response = _post(client, reverse("api:hazard-assign", args=[world.hazards["g11"].pk]), payload)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert Hazard.objects.get(pk=world.hazards["g11"].pk).status == "reported"


def test_stale_version_is_409(world, client):
    client.force_login(world.users["township1"])
    response = _post(
        client, reverse("api:hazard-escalate", args=[world.hazards["g11"].pk]), {"reason": "x", "version": 5}
    )
    assert response.status_code == 409


def test_on_the_spot_via_api(world, client):
    client.force_login(world.users["grid11"])
    response = _post(
        client,
        reverse("api:hazard-on-the-spot"),
        {
            "site": world.site11_mall.pk,
            "description": "灭火器过期",
            "category": "thing",
            "rectification_note": "已更换",
        },
    )
    assert (response.status_code, response.json()["status"], response.json()["on_the_spot"]) == (
        201,
        "closed",
        True,
    )


def test_list_filters(world, client):
    client.force_login(world.users["office"])
    ids = {h["id"] for h in client.get(reverse("api:hazard-list"), {"within": world.t1.pk}).json()["results"]}
    assert ids == {world.hazards["g11"].pk, world.hazards["g12"].pk}
    overdue = client.get(reverse("api:hazard-list"), {"overdue": "true"}).json()
    assert overdue["count"] == 0
