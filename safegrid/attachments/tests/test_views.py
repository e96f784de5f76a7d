"""GET /files/<uuid>/: scoped, audited, locked-down responses; no public media path."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from knox.models import AuthToken

from safegrid.attachments.services import attachment_add
from safegrid.core.models import AuditEntry

from . import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(world, hazard):
    return attachment_add(
        actor=world.users["grid11"], upload=files.upload(files.jpeg()), kind="photo", hazard=hazard
    )


@pytest.fixture
def report_pdf(world, hazard):
    return attachment_add(
        actor=world.users["grid11"],
        upload=files.upload(files.PDF, "整改报告 (终).pdf"),
        kind="evidence",
        hazard=hazard,
    )


def url(attachment) -> str:
    return reverse("attachments:download", kwargs={"pk": attachment.pk})


def body(response) -> bytes:
    # The test client closes the file once the stream is consumed; closing the response again would
    # fire request_finished and drop the test's database connection (PostgreSQL).
    return b"".join(response.streaming_content)


def test_the_download_url_is_under_files():
    pk = uuid.UUID(int=1)
    assert reverse("attachments:download", kwargs={"pk": pk}) == f"/files/{pk}/"


def test_an_in_scope_user_gets_the_image_inline_with_locked_down_headers(world, client, photo):
    client.force_login(world.users["township1"])
    response = client.get(url(photo))
    assert response.status_code == 200
    assert body(response) == photo.file.open("rb").read()
    photo.file.close()
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert (
        response["Content-Disposition"] == "inline; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg"
    )
    assert response["Cache-Control"] == "private, no-store"


def test_a_pdf_is_always_a_download(world, client, report_pdf):
    client.force_login(world.users["grid11"])
    response = client.get(url(report_pdf))
    assert body(response) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A%20%28%E7%BB%88%29.pdf"
    )


def test_each_download_leaves_exactly_one_audit_record(world, client, photo):
    client.force_login(world.users["township1"])
    before = AuditEntry.objects.count()
    body(client.get(url(photo)))
    entry = AuditEntry.objects.latest("id")
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.actor, entry.object_id) == (
        "attachment.download",
        world.users["township1"],
        str(photo.pk),
    )


def test_another_township_gets_404_and_no_audit_record(world, client, photo):
    client.force_login(world.users["township2"])
    before = AuditEntry.objects.count()
    assert client.get(url(photo)).status_code == 404
    assert AuditEntry.objects.exclude(action="scope.denied").count() == before


def test_an_unknown_id_is_404(world, client, photo):
    client.force_login(world.users["township1"])
    assert client.get(reverse("attachments:download", kwargs={"pk": uuid.uuid4()})).status_code == 404


def test_a_role_without_hazard_or_inspection_access_is_403(world, client, photo):
    client.force_login(world.users["sysadmin"])
    assert client.get(url(photo)).status_code == 403


def test_anonymous_is_sent_to_login(client, photo):
    response = client.get(url(photo))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_api_token_is_accepted(world, client, photo):
    _, token = AuthToken.objects.create(world.users["enterprise11"])
    response = client.get(url(photo), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert body(response)[:3] == b"\xff\xd8\xff"


def test_a_bad_api_token_is_401(client, photo):
    response = client.get(url(photo), HTTP_AUTHORIZATION="Token not-a-real-token")
    assert (response.status_code, response.json()) == (
        401,
        {"code": "not_authenticated", "detail": "请先登录。"},
    )


def test_an_api_token_out_of_scope_is_404(world, client, photo):
    _, token = AuthToken.objects.create(world.users["office_b"])
    assert client.get(url(photo), HTTP_AUTHORIZATION=f"Token {token}").status_code == 404


def test_there_is_no_public_media_path(world, client, photo):
    client.force_login(world.users["township1"])
    for path in (
        f"/media/attachments/{photo.file.name}",
        f"/media/{photo.file.name}",
        f"/files/{photo.file.name}",
        f"/attachments/{photo.file.name}",
    ):
        assert client.get(path).status_code == 404, path


def test_post_is_not_allowed(world, client, photo):
    client.force_login(world.users["township1"])
    assert client.post(url(photo)).status_code == 405
