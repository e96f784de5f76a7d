"""/api/v1/attachments/: multipart upload, scoped list and detail, exact payloads; a refused upload
writes no row, no file and no audit record."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safegrid.attachments.models import Attachment
from safegrid.attachments.services import attachment_add
from safegrid.core.models import AuditEntry

from . import files

pytestmark = pytest.mark.django_db

LIST = "/api/v1/attachments/"


def test_the_routes_are_where_the_api_expects_them():
    assert reverse("api:attachment-list") == LIST
    assert reverse("api:attachment-detail", kwargs={"pk": uuid.UUID(int=7)}) == f"{LIST}{uuid.UUID(int=7)}/"


def post(client, user, **data):
    client.force_login(user)
    return client.post(LIST, data)  # the test client sends multipart/form-data


def unchanged(stored_files, audits_before: int) -> bool:
    return (Attachment.objects.count(), stored_files(), AuditEntry.objects.count()) == (0, [], audits_before)


def test_a_multipart_upload_creates_the_attachment(world, client, hazard):
    response = post(
        client,
        world.users["grid11"],
        file=files.upload(files.jpeg(), "现场.jpg"),
        kind="photo",
        hazard=hazard.pk,
    )
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert response.json() == {
        "id": str(attachment.pk),
        "kind": "photo",
        "kind_display": "现场照片",
        "hazard": hazard.pk,
        "inspection": None,
        "activity": None,
        "event": None,
        "original_name": "现场.jpg",
        "content_type": "image/jpeg",
        "size": attachment.size,
        "sha256": attachment.sha256,
        "width": 40,
        "height": 20,
        "uploaded_by": world.users["grid11"].pk,
        "uploaded_at": timezone.localtime(attachment.uploaded_at).isoformat(),
        "download_url": f"/files/{attachment.pk}/",
    }


def test_a_multipart_upload_leaves_exactly_one_audit_record(world, client, hazard):
    before = AuditEntry.objects.count()
    post(client, world.users["grid11"], file=files.upload(files.jpeg()), kind="photo", hazard=hazard.pk)
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("id").action == "attachment.add"


def test_evidence_for_a_timeline_step_and_an_inspection_file(world, client, hazard, inspection):
    event = hazard.events.get()
    evidence = post(
        client,
        world.users["enterprise11"],
        file=files.upload(files.PDF, "整改.pdf"),
        kind="evidence",
        hazard=hazard.pk,
        event=event.pk,
    )
    document = post(
        client,
        world.users["grid11"],
        file=files.upload(files.PDF, "检查表.pdf"),
        kind="document",
        inspection=inspection.pk,
    )
    assert (evidence.status_code, evidence.json()["event"]) == (201, event.pk)
    assert (document.status_code, document.json()["inspection"]) == (201, inspection.pk)


@pytest.mark.parametrize("which", ["out_of_scope", "unknown"])
def test_a_hazard_out_of_scope_gets_the_same_answer_as_an_unknown_id(
    world, client, hazard, stored_files, which
):
    pk = hazard.pk if which == "out_of_scope" else 999999
    before = AuditEntry.objects.count()
    response = post(
        client, world.users["township2"], file=files.upload(files.jpeg()), kind="photo", hazard=pk
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"hazard": [f"无效主键 “{pk}” － 对象不存在。"]}
    assert unchanged(stored_files, before)


def test_an_inspection_out_of_scope_is_refused_like_an_unknown_id(world, client, inspection, stored_files):
    response = post(
        client,
        world.users["office_b"],
        file=files.upload(files.jpeg()),
        kind="photo",
        inspection=inspection.pk,
    )
    assert response.json()["errors"] == {"inspection": [f"无效主键 “{inspection.pk}” － 对象不存在。"]}
    assert stored_files() == []


def test_a_timeline_step_of_a_hazard_out_of_scope_is_refused_like_an_unknown_id(
    world, client, hazard, stored_files
):
    foreign_event = hazard.events.get()
    response = post(
        client,
        world.users["township2"],
        file=files.upload(files.jpeg()),
        kind="photo",
        hazard=999999,
        event=foreign_event.pk,
    )
    assert response.json()["errors"]["event"] == [f"无效主键 “{foreign_event.pk}” － 对象不存在。"]


@pytest.mark.parametrize("owners", ["both", "neither"])
def test_exactly_one_owner_is_required(world, client, hazard, inspection, owners):
    data = {"hazard": hazard.pk, "inspection": inspection.pk} if owners == "both" else {}
    response = post(client, world.users["grid11"], file=files.upload(files.jpeg()), kind="photo", **data)
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"non_field_errors": ["请指定附件所属的隐患、检查记录或宣传活动（三者选一）。"]},
    )


def test_a_polyglot_named_jpg_is_refused(world, client, hazard, stored_files):
    before = AuditEntry.objects.count()
    response = post(
        client,
        world.users["grid11"],
        file=files.upload(files.HTML, "photo.jpg"),
        kind="photo",
        hazard=hazard.pk,
    )
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"file": ["只能上传 JPEG、PNG、WebP 图片或 PDF 文件。"]},
    )
    assert unchanged(stored_files, before)


def test_an_oversized_file_is_a_chinese_400(world, client, hazard, settings, stored_files):
    settings.SAFEGRID_MAX_UPLOAD_BYTES = 1024 * 1024
    before = AuditEntry.objects.count()
    response = post(
        client,
        world.users["grid11"],
        file=files.upload(b"\xff" * (1024 * 1024 + 1)),
        kind="photo",
        hazard=hazard.pk,
    )
    assert (response.status_code, response.json()["errors"]) == (400, {"file": ["文件超过 1 MB 上限。"]})
    assert unchanged(stored_files, before)


def test_a_body_far_over_the_limit_is_413_before_it_is_read(world, client, hazard, settings, stored_files):
    settings.SAFEGRID_MAX_UPLOAD_BYTES = 1024
    before = AuditEntry.objects.count()
    response = post(
        client,
        world.users["grid11"],
        file=files.upload(b"\xff" * (200 * 1024)),
        kind="photo",
        hazard=hazard.pk,
    )
    assert (response.status_code, response.json()) == (
        413,
        {"code": "too_large", "detail": "文件超过 1 KB 上限。"},
    )
    assert unchanged(stored_files, before)


def test_a_decompression_bomb_is_a_chinese_400_not_a_500(world, client, hazard):
    response = post(
        client,
        world.users["grid11"],
        file=files.upload(files.png_declaring(20000, 20000), "a.png"),
        kind="photo",
        hazard=hazard.pk,
    )
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"file": ["图片像素过多（上限 4000 万像素），请缩小后再上传。"]},
    )


def test_a_traversal_file_name_is_stored_under_a_server_chosen_name(world, client, hazard, stored_files):
    boundary = "SafeGridBoundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="hazard"\r\n\r\n{hazard.pk}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../etc/passwd"\r\n'
        "Content-Type: text/html\r\n\r\n"
    ).encode()
    client.force_login(world.users["grid11"])
    response = client.post(
        LIST,
        head + files.jpeg() + f"\r\n--{boundary}--\r\n".encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    month = timezone.localtime(attachment.uploaded_at).strftime("%Y/%m")
    assert stored_files() == [f"attachments/{month}/{attachment.pk}.jpg"]
    assert (attachment.original_name, attachment.content_type) == ("passwd.jpg", "image/jpeg")


def test_json_is_415_with_a_message_about_multipart(world, client, hazard):
    client.force_login(world.users["grid11"])
    response = client.post(LIST, {"kind": "photo", "hazard": hazard.pk}, content_type="application/json")
    assert (response.status_code, response.json()) == (
        415,
        {"code": "unsupported_media_type", "detail": "请使用 multipart/form-data 上传文件。"},
    )


@pytest.fixture
def photo(world, hazard):
    return attachment_add(
        actor=world.users["grid11"], upload=files.upload(files.jpeg()), kind="photo", hazard=hazard
    )


def test_the_list_shows_in_scope_attachments(world, client, photo):
    client.force_login(world.users["township1"])
    response = client.get(LIST)
    assert (response.status_code, response.json()["count"]) == (200, 1)
    assert [row["id"] for row in response.json()["results"]] == [str(photo.pk)]


def test_the_list_of_another_township_is_empty(world, client, photo):
    client.force_login(world.users["township2"])
    assert client.get(LIST).json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_list_filters_by_owner_within_scope(world, client, photo, mall_hazard):
    client.force_login(world.users["township1"])
    assert client.get(LIST, {"hazard": photo.hazard_id}).json()["count"] == 1
    assert client.get(LIST, {"hazard": mall_hazard.pk}).json()["count"] == 0


def test_detail_in_scope_and_404_outside(world, client, photo):
    client.force_login(world.users["enterprise11"])
    assert client.get(f"{LIST}{photo.pk}/").json()["download_url"] == f"/files/{photo.pk}/"
    client.force_login(world.users["township2"])
    assert client.get(f"{LIST}{photo.pk}/").status_code == 404


@pytest.mark.parametrize("pk", ["3f2b8c1e-0000-4000-8000-000000000000", "not-a-uuid", "1"])
def test_unknown_or_malformed_ids_are_404(world, client, photo, pk):
    client.force_login(world.users["township1"])
    assert client.get(f"{LIST}{pk}/").status_code == 404


def test_a_role_without_hazard_or_inspection_access_is_403(world, client, hazard, stored_files):
    response = post(
        client, world.users["sysadmin"], file=files.upload(files.jpeg()), kind="photo", hazard=hazard.pk
    )
    assert response.status_code == 403
    assert client.get(LIST).status_code == 403
    assert stored_files() == []


def test_anonymous_is_401(client):
    assert client.get(LIST).status_code == 401


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_attachments_cannot_be_changed_or_deleted_through_the_api(world, client, photo, method):
    client.force_login(world.users["grid11"])
    assert getattr(client, method)(f"{LIST}{photo.pk}/").status_code == 405


def test_the_list_query_count_does_not_grow_with_rows(world, client, hazard):
    def add():
        attachment_add(
            actor=world.users["grid11"], upload=files.upload(files.jpeg()), kind="photo", hazard=hazard
        )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST, {"page_size": 200}).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(world.users["township1"])
    add()
    few = count()
    for _ in range(5):
        add()
    assert count() == few
