"""Attachment kinds and the file types SafeGrid accepts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AttachmentKind(models.TextChoices):
    PHOTO_BEFORE = "photo_before", _("整改前照片")
    PHOTO_AFTER = "photo_after", _("整改后照片")
    PHOTO = "photo", _("现场照片")
    EVIDENCE = "evidence", _("整改佐证")
    DOCUMENT = "document", _("文件")


# Kinds that must be pictures (a PDF is evidence or a document, never a photo).
PHOTO_KINDS = frozenset({AttachmentKind.PHOTO_BEFORE, AttachmentKind.PHOTO_AFTER, AttachmentKind.PHOTO})

# Accepted types, as sniffed from the content: content type → file extension stored on disk.
JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
EXTENSIONS: dict[str, str] = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf"}
IMAGE_TYPES = frozenset({JPEG, PNG, WEBP})
