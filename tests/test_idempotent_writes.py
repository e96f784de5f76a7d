"""The other create endpoints phones use take an Idempotency-Key too (SECURITY.md H4): inspections,
photo uploads (multipart) and publicity activities; the OpenAPI schema documents the header. And
PATCH is guarded by ETag/If-Match (H3): of two edits made from the same version, the second gets 412
and writes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from safegrid.attachments.models import Attachment
from safegrid.attachments.tests import files
from safegrid.core.models import AuditEntry
from safegrid.hazards.services import hazard_report
from safegrid.inspections.models import Inspection
from safegrid.publicity.models import Activity
from safegrid.publicity.tests.world import seed_publicity

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def inspection_body(world) -> dict:
    return {
        "site": world.site11_mine.pk,
        "kind": "daily_patrol",
        "inspected_on": str(TODAY),
        "inspectors": "张三",
        "result": "no_hazard",
    }


def activity_body(world) -> dict:
    return {
        "date": "2026-06-12",
        "title": "矿山安全进企业",
        "channel": "enterprise_visit",
        "organiser": world.org_mining_committee.pk,
        "region": world.t1.pk,
        "audience_count": 45,
        "sites_visited": [world.site11_mine.pk, world.site12_mine.pk],
    }


@pytest.mark.parametrize(
    ("user", "route", "body", "model"),
    [
        ("grid11", "api:inspection-list", inspection_body, Inspection),
        ("sector_mining", "api:publicity-activity-list", activity_body, Activity),
    ],
)
def test_a_retried_json_create_replays_and_writes_one_row(world, api, figure, user, route, body, model):
    phone = api(world.users[user], token=True)
    before = (model.objects.count(), AuditEntry.objects.count())
    first = phone.post(reverse(route), body(world), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = phone.post(reverse(route), body(world), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    figure(
        "Idempotency",
        "duplicate submissions",
        duplicates=1,
        duplicate_rows=model.objects.count() - before[0] - 1,
    )
    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    assert (model.objects.count(), AuditEntry.objects.count()) == (before[0] + 1, before[1] + 1)
    changed = phone.post(
        reverse(route),
        {**body(world), "inspectors": "李四", "title": "另一次"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="retry-1",
    )
    assert (changed.status_code, changed.json()["code"]) == (422, "idempotency_key_reused")
    missing = phone.post(reverse(route), body(world), format="json", HTTP_IDEMPOTENCY_KEY=None)
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_missing")
    assert model.objects.count() == before[0] + 1


def _photo(name="现场.jpg", content=None):
    return SimpleUploadedFile(name, content or files.jpeg(), content_type="image/jpeg")


def test_a_retried_photo_upload_replays_and_stores_one_file(world, api, figure):
    hazard = hazard_report(
        actor=world.users["grid11"], site=world.site11_mine, description="巷道支护不到位", category="thing"
    )
    phone = api(world.users["grid11"], token=True)
    url = reverse("api:attachment-list")
    content = files.jpeg()

    def upload(key, data=content, name="现场.jpg"):
        form = {"file": _photo(name, data), "kind": "photo", "hazard": hazard.pk}
        return phone.post(url, form, format="multipart", HTTP_IDEMPOTENCY_KEY=key)

    first = upload("photo-1")
    again = upload("photo-1")
    figure(
        "Idempotency", "duplicate submissions", duplicates=1, duplicate_rows=Attachment.objects.count() - 1
    )
    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    assert Attachment.objects.count() == 1
    other_photo = upload("photo-1", files.jpeg(quality=50))
    assert (other_photo.status_code, other_photo.json()["code"]) == (422, "idempotency_key_reused")
    assert upload(None).status_code == 400
    assert (Attachment.objects.count(), AuditEntry.objects.filter(action="attachment.add").count()) == (1, 1)


def test_the_schema_documents_the_idempotency_key_and_if_match(world, api):
    schema = api(world.users["office"]).get(reverse("api-schema"), {"format": "json"}).json()

    def headers(path, method):
        return {
            p["name"]: p.get("required", False)
            for p in schema["paths"][path][method].get("parameters", [])
            if p["in"] == "header"
        }

    for path in (
        "/api/v1/hazards/",
        "/api/v1/hazards/on-the-spot/",
        "/api/v1/hazards/{id}/assign/",
        "/api/v1/inspections/",
        "/api/v1/attachments/",
        "/api/v1/publicity-activities/",
    ):
        assert headers(path, "post") == {"Idempotency-Key": True}, path
    assert headers("/api/v1/publicity-activities/{id}/", "patch") == {"If-Match": False}
    assert headers("/api/v1/hazards/{id}/", "get") == {}


# ---- H3: ETag / If-Match on PATCH ------------------------------------------------------------


def test_two_patches_from_the_same_etag_first_200_second_412_one_change(world, api, figure):
    activity = seed_publicity(world).activities["t1_broadcast"]
    url = reverse("api:publicity-activity-detail", args=[activity.pk])
    alice, bob = api(world.users["township1"], token=True), api(world.users["township1"])
    etag = alice.get(url).headers["ETag"]
    assert bob.get(url).headers["ETag"] == etag
    audits = AuditEntry.objects.count()
    first = alice.patch(url, {"audience_count": 500}, format="json", HTTP_IF_MATCH=etag)
    second = bob.patch(url, {"audience_count": 700}, format="json", HTTP_IF_MATCH=etag)
    activity.refresh_from_db()
    figure(
        "Concurrency",
        "two edits in turn from one ETag",
        fixed={"clients": 2},
        lost_updates=int(activity.audience_count != 500),
        applied=AuditEntry.objects.count() - audits,
    )
    assert (first.status_code, first.json()["audience_count"]) == (200, 500)
    assert (second.status_code, second.json()) == (
        412,
        {"code": "precondition_failed", "detail": "该记录已被他人修改，请刷新后重试。"},
    )
    assert (activity.audience_count, AuditEntry.objects.count()) == (500, audits + 1)
    assert first.headers["ETag"] == bob.get(url).headers["ETag"] != etag
    retried = bob.patch(url, {"audience_count": 700}, format="json", HTTP_IF_MATCH=first.headers["ETag"])
    assert (retried.status_code, retried.json()["audience_count"]) == (200, 700)


@pytest.mark.parametrize(("if_match", "status"), [("*", 200), ('W/"x", *', 200), ('"0000"', 412)])
def test_if_match_forms(world, api, if_match, status):
    activity = seed_publicity(world).activities["t1_broadcast"]
    url = reverse("api:publicity-activity-detail", args=[activity.pk])
    response = api(world.users["township1"]).patch(
        url, {"audience_count": 1}, format="json", HTTP_IF_MATCH=if_match
    )
    assert response.status_code == status
    activity.refresh_from_db()
    assert activity.audience_count == (1 if status == 200 else 300)


def test_a_patch_without_if_match_is_still_accepted(world, api):
    """Documented choice: desk clients edit without If-Match; phones send it."""
    activity = seed_publicity(world).activities["t1_broadcast"]
    url = reverse("api:publicity-activity-detail", args=[activity.pk])
    response = api(world.users["township1"]).patch(url, {"audience_count": 2}, format="json")
    assert (response.status_code, response.json()["audience_count"]) == (200, 2)


def test_an_out_of_scope_patch_is_404_before_the_precondition(world, api):
    activity = seed_publicity(world).activities["t1_broadcast"]
    url = reverse("api:publicity-activity-detail", args=[activity.pk])
    response = api(world.users["township2"]).patch(
        url, {"audience_count": 1}, format="json", HTTP_IF_MATCH='"0"'
    )
    assert response.status_code == 404


def test_a_stale_etag_after_any_saved_change_is_refused(world, api):
    activity = seed_publicity(world).activities["t1_broadcast"]
    url = reverse("api:publicity-activity-detail", args=[activity.pk])
    client = api(world.users["township1"])
    etag = client.get(url).headers["ETag"]
    Activity.objects.filter(pk=activity.pk).update(title="改过的标题")
    assert client.get(url).headers["ETag"] != etag
    assert client.patch(url, {"audience_count": 3}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    activity.refresh_from_db()
    assert (activity.title, activity.audience_count) == ("改过的标题", 300)
