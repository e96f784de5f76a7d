"""Writes for attachments: adding photos and files to a hazard, an inspection or a publicity
activity, and the audit record of every download.

Uploads are checked (type sniffed, images re-encoded) before the transaction starts: the slow,
CPU-bound work holds no lock and no connection. The file and its row are then written in one
transaction with one audit record per file; if anything in it fails, the files already written are
removed again.

Known limit: called inside an outer `transaction.atomic` that later rolls back, the files stay on
disk without a row (Django has no "on rollback" hook). No caller does that today; a sweep of files
without rows would close the gap.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record
from safegrid.core.exceptions import NotInScope
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.inspections.models import Inspection
from safegrid.publicity.models import Activity

from .choices import PHOTO_KINDS, AttachmentKind
from .models import Attachment
from .storage import attachment_storage
from .validation import MISSING, CleanUpload, clean_upload

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTACHMENTS_PER_OWNER = 50
DEFAULT_MAX_FILES_PER_REQUEST = 10
NOT_A_PHOTO = gettext_lazy("照片只能是 JPEG、PNG 或 WebP 图片。")
ONE_OWNER = gettext_lazy("请指定附件所属的隐患、检查记录或宣传活动（三者选一）。")

Owner = Hazard | Inspection | Activity


def max_attachments_per_owner() -> int:
    return int(getattr(settings, "SAFEGRID_MAX_ATTACHMENTS_PER_OWNER", DEFAULT_MAX_ATTACHMENTS_PER_OWNER))


def max_files_per_request() -> int:
    return int(getattr(settings, "SAFEGRID_MAX_FILES_PER_REQUEST", DEFAULT_MAX_FILES_PER_REQUEST))


def _check_request(
    *,
    kind: str,
    hazard: Hazard | None,
    inspection: Inspection | None,
    activity: Activity | None,
    event: HazardEvent | None,
) -> None:
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("附件类型无效。")]})
    if [hazard, inspection, activity].count(None) != 2:
        raise ValidationError(str(ONE_OWNER))
    if event is not None and hazard is None:
        raise ValidationError({"event": [_("只有隐患的附件可以关联隐患处置记录。")]})


def _clean_for_kind(upload, kind: str) -> CleanUpload:
    clean = clean_upload(upload)
    if kind in PHOTO_KINDS and not clean.is_image:
        raise ValidationError({"file": [NOT_A_PHOTO]})
    return clean


def _owner(
    *, actor, hazard: Hazard | None, inspection: Inspection | None, activity: Activity | None
) -> Owner:
    """The owner as the actor may see it, locked (the per-owner quota is check-then-act); NotInScope
    for a missing and an out-of-scope owner alike. Scope keys are read from this fresh row.

    Hazards and inspections take files from whoever may view them (the enterprise adds its
    rectification evidence); an activity's photos are part of its record, so they need the right to
    record it (`publicity.record_activity` over it), not only to read it."""
    queryset: QuerySet
    if hazard is not None:
        queryset = Hazard.objects.visible_to(actor, Cap.VIEW_HAZARD).filter(pk=hazard.pk)
    elif inspection is not None:
        queryset = Inspection.objects.visible_to(actor, Cap.VIEW_INSPECTION).filter(pk=inspection.pk)
    else:
        queryset = Activity.objects.visible_to(actor, Cap.RECORD_PUBLICITY).filter(pk=activity.pk)
    owner = queryset.select_for_update().first()
    if owner is None:
        raise NotInScope(_("未找到。"))
    return owner


def _owner_key(owner: Owner) -> str:
    if isinstance(owner, Hazard):
        return "hazard"
    if isinstance(owner, Activity):
        return "activity"
    return "inspection"


def _describe(attachment: Attachment, owner: Owner) -> str:
    """Audit object text without the client's file name (which may carry personal data) or any
    other client text (an activity is named by its id, not its title)."""
    if isinstance(owner, Hazard):
        label = _("隐患 %(number)s") % {"number": owner.number}
    elif isinstance(owner, Activity):
        label = _("宣传活动 %(id)s") % {"id": owner.pk}
    else:
        label = _("检查记录 %(id)s") % {"id": owner.pk}
    return f"{attachment.get_kind_display()} · {label}"[:200]


def _discard(names: Sequence[str]) -> None:
    storage = attachment_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("could not remove attachment file %s after a failed write", name)


def _write(
    *,
    actor,
    cleaned: Sequence[CleanUpload],
    kind: str,
    hazard: Hazard | None,
    inspection: Inspection | None,
    activity: Activity | None,
    event: HazardEvent | None,
) -> list[Attachment]:
    stored: list[str] = []
    try:
        with transaction.atomic():
            owner = _owner(actor=actor, hazard=hazard, inspection=inspection, activity=activity)
            owner_key = _owner_key(owner)
            if event is not None and event.hazard_id != owner.pk:
                raise ValidationError({"event": [_("处置记录不属于该隐患。")]})
            existing = Attachment.objects.filter(**{owner_key: owner}).count()
            limit = max_attachments_per_owner()
            if existing + len(cleaned) > limit:
                raise ValidationError(
                    {
                        "file": [
                            _("每条记录最多 %(limit)s 个附件，已有 %(existing)s 个。")
                            % {"limit": limit, "existing": existing}
                        ]
                    }
                )
            created = []
            for clean in cleaned:
                attachment = Attachment(
                    **{owner_key: owner},
                    event=event,
                    region_path=owner.region_path,
                    sector_id=owner.sector_id,
                    site_id=getattr(owner, "site_id", None),  # an activity has no site
                    kind=kind,
                    original_name=clean.original_name,
                    content_type=clean.content_type,
                    size=clean.size,
                    sha256=clean.sha256,
                    width=clean.width,
                    height=clean.height,
                    uploaded_by=actor,
                )
                attachment.full_clean(exclude=["file"])
                # The name comes from `attachment_upload_to` (YYYY/MM/<uuid>.<ext>); this one is ignored.
                attachment.file.save("upload", ContentFile(clean.data), save=False)
                stored.append(attachment.file.name)
                attachment.save(force_insert=True)
                audit_record(
                    actor=actor,
                    action="attachment.add",
                    obj=attachment,
                    object_repr=_describe(attachment, owner),
                    changes={
                        owner_key: [None, owner.pk],
                        "event": [None, event.pk if event else None],
                        "kind": [None, kind],
                        "content_type": [None, clean.content_type],
                        "size": [None, clean.size],
                        "sha256": [None, clean.sha256],
                    },
                )
                created.append(attachment)
    except BaseException:
        _discard(stored)
        raise
    return created


def attachment_add(
    *,
    actor,
    upload,
    kind: str,
    hazard: Hazard | None = None,
    inspection: Inspection | None = None,
    activity: Activity | None = None,
    event: HazardEvent | None = None,
) -> Attachment:
    """Attach one photo or file to a hazard or an inspection the actor may view, or to a publicity
    activity the actor may record in.

    Exactly one owner; `event` (a step of the hazard's timeline, e.g. the submission the evidence
    belongs to) only with a hazard and only one of its own. Photo kinds must be images. Writes the
    file under a server-chosen name, the row and one audit record ("attachment.add").
    Errors: ValidationError (Chinese, keyed by field) for bad input, NotInScope for an owner the
    actor cannot see (missing and out of scope alike)."""
    _check_request(kind=kind, hazard=hazard, inspection=inspection, activity=activity, event=event)
    clean = _clean_for_kind(upload, kind)
    return _write(
        actor=actor,
        cleaned=[clean],
        kind=kind,
        hazard=hazard,
        inspection=inspection,
        activity=activity,
        event=event,
    )[0]


def attachments_add_many(
    *,
    actor,
    uploads: Sequence,
    kind: str,
    hazard: Hazard | None = None,
    inspection: Inspection | None = None,
    activity: Activity | None = None,
    event: HazardEvent | None = None,
) -> list[Attachment]:
    """`attachment_add` for several files of one kind: every file is checked first, and one bad
    file writes nothing (the errors name each bad file by its position). One audit record per file."""
    _check_request(kind=kind, hazard=hazard, inspection=inspection, activity=activity, event=event)
    if not uploads:
        raise ValidationError({"file": [MISSING]})
    if len(uploads) > max_files_per_request():
        raise ValidationError(
            {"file": [_("一次最多上传 %(count)s 个文件。") % {"count": max_files_per_request()}]}
        )
    cleaned: list[CleanUpload] = []
    errors: list[str] = []
    for position, upload in enumerate(uploads, start=1):
        try:
            cleaned.append(_clean_for_kind(upload, kind))
        except ValidationError as exc:
            errors.extend(
                _("第 %(position)s 个文件：%(message)s") % {"position": position, "message": message}
                for message in exc.messages
            )
    if errors:
        raise ValidationError({"file": errors})
    return _write(
        actor=actor,
        cleaned=cleaned,
        kind=kind,
        hazard=hazard,
        inspection=inspection,
        activity=activity,
        event=event,
    )


@transaction.atomic
def attachment_download_audit(*, actor, attachment: Attachment) -> None:
    """Record that the actor downloaded (or displayed) an attachment: one audit record
    ("attachment.download"). The caller has already fetched it through `attachment_get`."""
    owner = attachment.hazard or attachment.inspection or attachment.activity
    audit_record(
        actor=actor, action="attachment.download", obj=attachment, object_repr=_describe(attachment, owner)
    )
