"""Idempotency-Key on the hazard API (SECURITY.md H4): a phone's retry gets the first answer and
never a second hazard; a reused key with another body is 422, a duplicate while the first runs is
409, a token client without a key is 400, and keys are per user."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safegrid.core.models import AuditEntry
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.idempotency import services as idempotency
from safegrid.idempotency.models import IdempotencyKey

pytestmark = pytest.mark.django_db

LIST = "/api/v1/hazards/"
TODAY = timezone.localdate()


def report_body(world, description="安全出口被堵") -> dict:
    return {"site": world.site11_mall.pk, "description": description, "category": "management"}


def post(client, url, body, key):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_route_is_where_the_phone_expects_it():
    assert reverse("api:hazard-list") == LIST


def test_a_retry_with_the_same_key_gets_the_identical_response_and_one_hazard(world, api, figure):
    phone = api(world.users["grid11"], token=True)
    before = (Hazard.objects.count(), AuditEntry.objects.count())
    first = post(phone, LIST, report_body(world), "c0ffee-0001")
    retries = [post(phone, LIST, report_body(world), "c0ffee-0001") for _ in range(3)]
    created = Hazard.objects.count() - before[0]
    figure("Idempotency", "duplicate submissions", duplicates=len(retries), duplicate_rows=created - 1)
    assert first.status_code == 201
    assert [(r.status_code, r.json()) for r in retries] == [(201, first.json())] * 3
    assert [r.content for r in retries] == [first.content] * 3
    assert [r.headers.get("Idempotent-Replayed") for r in (first, *retries)] == [None, "true", "true", "true"]
    assert (Hazard.objects.count(), AuditEntry.objects.count()) == (before[0] + 1, before[1] + 1)
    assert IdempotencyKey.objects.filter(user=world.users["grid11"], key="c0ffee-0001").count() == 1


def test_a_quoted_key_is_the_same_key(world, api):
    phone = api(world.users["grid11"], token=True)
    first = post(phone, LIST, report_body(world), "k-quoted")
    again = post(phone, LIST, report_body(world), '"k-quoted"')
    assert (again.status_code, again.json()) == (201, first.json())
    assert Hazard.objects.filter(description="安全出口被堵").count() == 1


def test_the_same_key_with_another_body_is_422_and_writes_nothing(world, api):
    phone = api(world.users["grid11"], token=True)
    assert post(phone, LIST, report_body(world), "k-422").status_code == 201
    before = (Hazard.objects.count(), AuditEntry.objects.count())
    response = post(phone, LIST, report_body(world, "另一处隐患"), "k-422")
    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "idempotency_key_reused",
            "detail": "该幂等键已用于内容不同的另一次提交，请为新的提交生成新的幂等键。",
        },
    )
    assert (Hazard.objects.count(), AuditEntry.objects.count()) == before


def test_the_same_key_on_another_endpoint_is_422(world, api):
    phone = api(world.users["grid11"], token=True)
    assert post(phone, LIST, report_body(world), "k-ep").status_code == 201
    response = post(phone, reverse("api:hazard-on-the-spot"), report_body(world), "k-ep")
    assert (response.status_code, response.json()["code"]) == (422, "idempotency_key_reused")


def test_a_duplicate_while_the_first_is_in_flight_is_409_and_writes_nothing(world, api):
    body = report_body(world)
    # The first request has claimed the key and is still running (no response stored yet).
    IdempotencyKey.objects.create(
        user=world.users["grid11"],
        key="k-409",
        method="POST",
        path=LIST,
        fingerprint=idempotency.fingerprint(method="POST", path=LIST, body=body),
    )
    before = (Hazard.objects.count(), AuditEntry.objects.count())
    response = post(api(world.users["grid11"], token=True), LIST, body, "k-409")
    assert (response.status_code, response.json()) == (
        409,
        {"code": "idempotency_in_progress", "detail": "使用同一幂等键的提交正在处理中，请稍后重试。"},
    )
    assert (Hazard.objects.count(), AuditEntry.objects.count()) == before


def test_a_claim_abandoned_by_a_dead_worker_is_taken_over(world, api, settings):
    body = report_body(world)
    IdempotencyKey.objects.create(
        user=world.users["grid11"],
        key="k-stale",
        method="POST",
        path=LIST,
        fingerprint=idempotency.fingerprint(method="POST", path=LIST, body=body),
        locked_at=timezone.now()
        - datetime.timedelta(seconds=settings.SAFEGRID_IDEMPOTENCY_STALE_SECONDS + 1),
    )
    response = post(api(world.users["grid11"], token=True), LIST, body, "k-stale")
    assert response.status_code == 201
    record = IdempotencyKey.objects.get(key="k-stale")
    assert (record.response_status, Hazard.objects.filter(description="安全出口被堵").count()) == (201, 1)


def test_a_phone_without_a_key_gets_a_chinese_400_and_nothing_is_written(world, api):
    before = (Hazard.objects.count(), AuditEntry.objects.count())
    response = post(api(world.users["grid11"], token=True), LIST, report_body(world), None)
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "idempotency_key_missing",
            "detail": "缺少 Idempotency-Key 请求头：每次新的提交请生成一个唯一的幂等键，重试时沿用同一个。",
        },
    )
    assert (Hazard.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("key", ["", "x" * 256, "键"])
def test_a_malformed_key_is_a_chinese_400(world, api, key):
    response = post(api(world.users["grid11"], token=True), LIST, report_body(world), key)
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "idempotency_key_invalid",
            "detail": "Idempotency-Key 格式无效：应为 1 到 255 个可见 ASCII 字符。",
        },
    )
    assert Hazard.objects.filter(description="安全出口被堵").count() == 0


def test_a_browser_session_may_post_without_a_key(world, api):
    """Desk clients (session + CSRF) are not required to send a key; they never retry by themselves."""
    response = post(api(world.users["grid11"]), LIST, report_body(world), None)
    assert response.status_code == 201
    assert IdempotencyKey.objects.count() == 0


def test_a_browser_session_that_sends_a_key_gets_the_same_guarantee(world, api):
    desk = api(world.users["grid11"])
    first = post(desk, LIST, report_body(world), "desk-1")
    again = post(desk, LIST, report_body(world), "desk-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert Hazard.objects.filter(description="安全出口被堵").count() == 1


def test_another_users_key_never_replays(world, api):
    grid = post(api(world.users["grid11"], token=True), LIST, report_body(world), "shared-key")
    township = post(api(world.users["township1"], token=True), LIST, report_body(world), "shared-key")
    assert (grid.status_code, township.status_code) == (201, 201)
    assert township.json()["id"] != grid.json()["id"]
    assert township.json()["reported_by"] == world.users["township1"].pk
    assert township.headers.get("Idempotent-Replayed") is None
    assert Hazard.objects.filter(description="安全出口被堵").count() == 2


def test_a_refused_request_releases_its_key_for_the_corrected_retry(world, api):
    phone = api(world.users["grid11"], token=True)
    bad = post(phone, LIST, {"site": world.site11_mall.pk, "category": "management"}, "k-fix")
    assert (bad.status_code, bad.json()["errors"]) == (400, {"description": ["该字段是必填项。"]})
    assert IdempotencyKey.objects.count() == 0
    good = post(phone, LIST, report_body(world), "k-fix")
    assert good.status_code == 201


def test_an_out_of_scope_site_releases_the_key_and_writes_nothing(world, api):
    phone = api(world.users["grid11"], token=True)
    response = post(phone, LIST, {**report_body(world), "site": world.site21_hotel.pk}, "k-scope")
    assert response.status_code == 400
    assert (IdempotencyKey.objects.count(), Hazard.objects.filter(description="安全出口被堵").count()) == (
        0,
        0,
    )


def test_a_retried_assignment_replays_and_moves_the_hazard_once(world, api, figure):
    hazard = world.hazards["g11"]
    phone = api(world.users["township1"], token=True)
    body = {
        "grade": "general",
        "responsible_org": world.org_t1.pk,
        "responsible_person": "王经理",
        "deadline": str(TODAY + datetime.timedelta(days=10)),
        "version": 1,
    }
    url = reverse("api:hazard-assign", args=[hazard.pk])
    first = post(phone, url, body, "assign-1")
    again = post(phone, url, body, "assign-1")
    figure(
        "Idempotency",
        "duplicate submissions",
        duplicates=1,
        duplicate_rows=HazardEvent.objects.filter(hazard=hazard, action="assign").count() - 1,
    )
    assert (first.status_code, again.status_code, again.json()) == (200, 200, first.json())
    hazard.refresh_from_db()
    assert (hazard.status, hazard.version) == ("assigned", 2)
    assert AuditEntry.objects.filter(action="hazard.assign").count() == 1
    # Without the key the same retry would have been refused as a conflict: the step was taken.
    conflict = post(phone, url, body, "assign-2")
    assert (conflict.status_code, conflict.json()["code"]) == (409, "transition_not_allowed")


def test_an_illegal_step_through_the_api_is_409(world, api):
    hazard = world.hazards["g11"]
    response = post(
        api(world.users["township1"], token=True),
        reverse("api:hazard-submit", args=[hazard.pk]),
        {"rectification_note": "已整改"},
        "submit-1",
    )
    assert (response.status_code, response.json()) == (
        409,
        {"code": "transition_not_allowed", "detail": "隐患当前状态为“已上报”，不能报告整改完成。"},
    )
    hazard.refresh_from_db()
    assert (hazard.status, hazard.version) == ("reported", 1)


def test_the_hazard_detail_carries_an_etag_that_changes_with_each_step(world, api):
    hazard = world.hazards["g11"]
    phone = api(world.users["township1"], token=True)
    url = reverse("api:hazard-detail", args=[hazard.pk])
    first = phone.get(url)
    assert first.headers["ETag"] == phone.get(url).headers["ETag"]
    escalated = post(
        phone, reverse("api:hazard-escalate", args=[hazard.pk]), {"reason": "本级无法协调"}, "esc-1"
    )
    assert escalated.status_code == 200
    after = api(world.users["sector_mining"], token=True).get(url)
    assert after.headers["ETag"] != first.headers["ETag"]
    assert escalated.headers["ETag"] == after.headers["ETag"]
