"""F2 end to end, for what the attachments app's own tests leave out: the SVG and JPEG/HTML
polyglots through the API, the page upload path (hazard report form) with a traversal name, a
decompression bomb and an oversized photo, a malformed multipart body, and the headers every
download is served with."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from safegrid.attachments.models import Attachment
from safegrid.attachments.services import attachment_add
from safegrid.attachments.tests import files
from safegrid.core.models import AuditEntry
from safegrid.hazards.models import Hazard

LIST = "/api/v1/attachments/"
NOT_ACCEPTED = "只能上传 JPEG、PNG、WebP 图片或 PDF 文件。"


def stored() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return (
        sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        if root.exists()
        else []
    )


def api_upload(client, user, hazard, upload):
    client.force_login(user)
    return client.post(LIST, {"file": upload, "kind": "photo", "hazard": hazard.pk})


def report(client, user, site, photos):
    client.force_login(user)
    return client.post(
        reverse("hazards:hazard_report"),
        {
            "site": site.pk,
            "category": "thing",
            "grade": "general",
            "source": "patrol",
            "description": "上传检查",
            "photos": photos,
        },
    )


def test_an_svg_named_jpg_is_refused_by_its_content_and_nothing_is_written(world, client):
    before = (Attachment.objects.count(), AuditEntry.objects.count())
    response = api_upload(
        client,
        world.users["grid11"],
        world.hazards["g11"],
        files.upload(files.SVG, "photo.jpg", "image/jpeg"),
    )
    assert (response.status_code, response.json()["errors"]) == (400, {"file": [NOT_ACCEPTED]})
    assert (Attachment.objects.count(), AuditEntry.objects.count()) == before
    assert stored() == []


def test_a_jpeg_html_polyglot_is_stored_as_the_picture_alone(world, client):
    polyglot = files.jpeg() + b"<html><script>alert(document.cookie)</script></html>"
    response = api_upload(
        client, world.users["grid11"], world.hazards["g11"], files.upload(polyglot, "p.jpg")
    )
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    data = attachment.file.read()
    attachment.file.close()
    assert attachment.content_type == "image/jpeg"
    assert data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9")
    assert b"<script" not in data


def test_a_traversal_name_through_the_page_is_stored_under_a_server_chosen_uuid(world, client):
    photo = files.upload_named_raw(files.jpeg(), "../../../etc/cron.d/evil.jpg")
    response = report(client, world.users["grid11"], world.site11_mall, [photo])
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    month = timezone.localtime(attachment.uploaded_at).strftime("%Y/%m")
    assert stored() == [f"attachments/{month}/{attachment.pk}.jpg"]
    assert attachment.original_name == "evil.jpg"


def test_a_decompression_bomb_through_the_page_is_a_400_form_error_not_a_500(world, client):
    before = Hazard.objects.count()
    bomb = files.upload(files.png_declaring(20000, 20000), "bomb.png", "image/png")
    response = report(client, world.users["grid11"], world.site11_mall, [bomb])
    assert response.status_code == 400
    assert "图片像素过多（上限 4000 万像素），请缩小后再上传。" in response.content.decode()
    assert (Hazard.objects.count(), Attachment.objects.count(), stored()) == (before, 0, [])


def test_an_oversized_photo_through_the_page_is_a_400_form_error(world, client, settings):
    settings.SAFEGRID_MAX_UPLOAD_BYTES = 64 * 1024
    before = Hazard.objects.count()
    big = files.upload(b"\xff\xd8" + b"\x00" * (64 * 1024), "big.jpg")
    response = report(client, world.users["grid11"], world.site11_mall, [big])
    assert response.status_code == 400
    assert "文件超过 64 KB 上限。" in response.content.decode()
    assert (Hazard.objects.count(), Attachment.objects.count(), stored()) == (before, 0, [])


def test_a_malformed_multipart_body_is_a_400_not_a_500(world, client):
    client.force_login(world.users["grid11"])
    response = client.post(
        LIST, b"--x\r\nContent-Disposition: form-data; name=", content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 400
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "name", "disposition"),
    [(files.PDF, "整改报告.pdf", "attachment"), (files.jpeg(), "现场.jpg", "inline")],
)
def test_downloads_are_served_nosniff_sandboxed_with_the_stored_type(world, client, data, name, disposition):
    attachment = attachment_add(
        actor=world.users["grid11"],
        upload=files.upload(data, name),
        kind="evidence",
        hazard=world.hazards["g11"],
    )
    client.force_login(world.users["grid11"])
    response = client.get(reverse("attachments:download", kwargs={"pk": attachment.pk}))
    b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == attachment.content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"].split(";")[0] == disposition
    assert response["Cache-Control"] == "private, no-store"
