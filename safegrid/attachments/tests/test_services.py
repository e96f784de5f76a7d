"""attachment_add / attachments_add_many / attachment_download_audit: every rule hits the database
and the disk; a refusal writes no row, no file and no audit record."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safegrid.attachments import services
from safegrid.attachments.models import Attachment
from safegrid.attachments.services import attachment_add, attachment_download_audit, attachments_add_many
from safegrid.core.exceptions import NotInScope
from safegrid.core.models import AuditEntry
from safegrid.hazards.models import HazardEvent

from . import files

pytestmark = pytest.mark.django_db


def add(world, hazard, data=None, user="grid11", **kwargs):
    kwargs.setdefault("kind", "photo")
    return attachment_add(
        actor=world.users[user], upload=files.upload(data or files.jpeg()), hazard=hazard, **kwargs
    )


def nothing_written(stored_files, audits_before: int) -> bool:
    return (Attachment.objects.count(), stored_files(), AuditEntry.objects.count()) == (0, [], audits_before)


def test_add_stores_the_file_under_a_server_chosen_name(world, hazard, media_root):
    attachment = add(world, hazard)
    month = timezone.localtime(attachment.uploaded_at).strftime("%Y/%m")
    assert attachment.file.name == f"{month}/{attachment.pk}.jpg"
    path = Path(attachment.file.path)
    assert path == media_root / "attachments" / month / f"{attachment.pk}.jpg"
    assert path.read_bytes()[:3] == b"\xff\xd8\xff"


def test_add_writes_exactly_one_audit_record(world, hazard):
    before = AuditEntry.objects.count()
    attachment = add(world, hazard)
    entry = AuditEntry.objects.get(action="attachment.add")
    assert AuditEntry.objects.count() == before + 1
    assert (entry.actor, entry.object_type, entry.object_id, entry.object_repr) == (
        world.users["grid11"],
        "attachments.attachment",
        str(attachment.pk),
        f"现场照片 · 隐患 {hazard.number}",
    )
    assert entry.changes == {
        "hazard": [None, hazard.pk],
        "event": [None, None],
        "kind": [None, "photo"],
        "content_type": [None, "image/jpeg"],
        "size": [None, attachment.size],
        "sha256": [None, attachment.sha256],
    }


def test_scope_keys_are_copied_from_the_hazard(world, hazard):
    attachment = add(world, hazard)
    assert (attachment.region_path, attachment.sector_id, attachment.site_id) == (
        hazard.region_path,
        hazard.sector_id,
        hazard.site_id,
    )


def test_an_inspection_can_own_an_attachment(world, inspection):
    attachment = attachment_add(
        actor=world.users["grid11"],
        upload=files.upload(files.PDF, "检查表.pdf"),
        kind="document",
        inspection=inspection,
    )
    assert (attachment.inspection, attachment.hazard, attachment.content_type) == (
        inspection,
        None,
        "application/pdf",
    )
    assert (attachment.region_path, attachment.site_id) == (inspection.region_path, inspection.site_id)


def test_an_oversized_upload_writes_nothing(world, hazard, settings, stored_files):
    settings.SAFEGRID_MAX_UPLOAD_BYTES = 1024
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        add(world, hazard, data=files.jpeg(size=(400, 400), quality=100))
    assert caught.value.message_dict == {"file": ["文件超过 1 KB 上限。"]}
    assert nothing_written(stored_files, before)


def test_the_client_file_name_never_reaches_the_disk(world, hazard, media_root, stored_files):
    attachment = attachment_add(
        actor=world.users["grid11"],
        kind="photo",
        hazard=hazard,
        upload=files.upload_named_raw(files.jpeg(), "../../etc/passwd"),
    )
    month = timezone.localtime(attachment.uploaded_at).strftime("%Y/%m")
    assert stored_files() == [f"attachments/{month}/{attachment.pk}.jpg"]
    assert Path(attachment.file.path).resolve().is_relative_to((media_root / "attachments").resolve())
    assert attachment.original_name == "passwd.jpg"


def test_a_hazard_out_of_scope_is_not_found_and_nothing_is_written(world, hazard, stored_files):
    before = AuditEntry.objects.count()
    with pytest.raises(NotInScope):
        add(world, hazard, user="township2")
    assert nothing_written(stored_files, before)


def test_a_role_that_cannot_view_hazards_cannot_attach_to_one(world, hazard, stored_files):
    before = AuditEntry.objects.count()
    with pytest.raises(NotInScope):
        add(world, hazard, user="sysadmin")
    assert nothing_written(stored_files, before)


@pytest.mark.parametrize("owners", ["both", "neither"])
def test_exactly_one_owner_is_required(world, hazard, inspection, stored_files, owners):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        attachment_add(
            actor=world.users["grid11"],
            upload=files.upload(files.jpeg()),
            kind="photo",
            hazard=hazard if owners == "both" else None,
            inspection=inspection if owners == "both" else None,
        )
    assert caught.value.messages == ["请指定附件所属的隐患、检查记录或宣传活动（三者选一）。"]
    assert nothing_written(stored_files, before)


def test_an_unknown_kind_is_refused(world, hazard):
    with pytest.raises(ValidationError) as caught:
        add(world, hazard, kind="selfie")
    assert caught.value.message_dict == {"kind": ["附件类型无效。"]}


def test_a_pdf_cannot_be_a_photo(world, hazard, stored_files):
    with pytest.raises(ValidationError) as caught:
        add(world, hazard, data=files.PDF, kind="photo_after")
    assert caught.value.message_dict == {"file": ["照片只能是 JPEG、PNG 或 WebP 图片。"]}
    assert stored_files() == []


def test_evidence_may_be_tied_to_a_step_of_the_hazards_timeline(world, hazard):
    event = hazard.events.get()
    attachment = add(world, hazard, data=files.PDF, kind="evidence", event=event)
    assert list(event.attachments.all()) == [attachment]


def test_a_step_of_another_hazards_timeline_is_refused(world, hazard, mall_hazard, stored_files):
    with pytest.raises(ValidationError) as caught:
        add(world, hazard, kind="evidence", event=HazardEvent.objects.get(hazard=mall_hazard))
    assert caught.value.message_dict == {"event": ["处置记录不属于该隐患。"]}
    assert (Attachment.objects.count(), stored_files()) == (0, [])


def test_the_per_owner_quota_is_enforced(world, hazard, settings, stored_files):
    settings.SAFEGRID_MAX_ATTACHMENTS_PER_OWNER = 2
    add(world, hazard)
    add(world, hazard)
    with pytest.raises(ValidationError) as caught:
        add(world, hazard)
    assert caught.value.message_dict == {"file": ["每条记录最多 2 个附件，已有 2 个。"]}
    assert (Attachment.objects.count(), len(stored_files())) == (2, 2)


def test_many_uploads_with_a_bad_third_write_nothing(world, hazard, stored_files):
    before = AuditEntry.objects.count()
    uploads = [files.upload(files.jpeg()), files.upload(files.image_bytes("PNG")), files.upload(files.HTML)]
    with pytest.raises(ValidationError) as caught:
        attachments_add_many(actor=world.users["grid11"], uploads=uploads, kind="photo", hazard=hazard)
    assert caught.value.message_dict == {"file": ["第 3 个文件：只能上传 JPEG、PNG、WebP 图片或 PDF 文件。"]}
    assert nothing_written(stored_files, before)


def test_many_uploads_write_one_row_file_and_audit_record_each(world, hazard, stored_files):
    before = AuditEntry.objects.count()
    created = attachments_add_many(
        actor=world.users["grid11"],
        kind="photo_before",
        hazard=hazard,
        uploads=[files.upload(files.jpeg()), files.upload(files.image_bytes("PNG"))],
    )
    assert [a.content_type for a in created] == ["image/jpeg", "image/png"]
    assert (Attachment.objects.count(), len(stored_files())) == (2, 2)
    assert AuditEntry.objects.count() == before + 2
    assert sorted(
        AuditEntry.objects.filter(action="attachment.add").values_list("object_id", flat=True)
    ) == sorted(str(a.pk) for a in created)


def test_a_failure_after_the_file_is_written_removes_the_file(world, hazard, stored_files, monkeypatch):
    before = AuditEntry.objects.count()

    def broken_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        add(world, hazard)
    assert nothing_written(stored_files, before)


def test_a_download_leaves_exactly_one_audit_record(world, hazard):
    attachment = add(world, hazard)
    before = AuditEntry.objects.count()
    attachment_download_audit(actor=world.users["township1"], attachment=attachment)
    entry = AuditEntry.objects.latest("id")
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.actor, entry.object_id) == (
        "attachment.download",
        world.users["township1"],
        str(attachment.pk),
    )


def test_the_database_refuses_an_attachment_with_two_owners(world, hazard, inspection):
    attachment = add(world, hazard)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(inspection=inspection)


def test_the_database_refuses_an_attachment_without_owner(world, hazard):
    attachment = add(world, hazard)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(hazard=None)
