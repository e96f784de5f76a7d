"""Private storage for attachments.

Files live under MEDIA_ROOT/attachments, outside the web root. There is no public URL (no
/media/ route, `url()` refuses): every byte is served by the scoped download view, which checks
the reader's scope and writes the audit record first.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property

SUBDIRECTORY = "attachments"


class PrivateAttachmentStorage(FileSystemStorage):
    """FileSystemStorage at MEDIA_ROOT/attachments, following MEDIA_ROOT when settings change
    (tests point it at a temporary directory), with owner-and-group-only permissions."""

    def __init__(self):
        super().__init__(base_url=None, file_permissions_mode=0o640, directory_permissions_mode=0o750)

    @cached_property
    def base_location(self):  # cleared by FileSystemStorage on a MEDIA_ROOT setting_changed signal
        return str(Path(settings.MEDIA_ROOT) / SUBDIRECTORY)

    def url(self, name):
        raise NotImplementedError("附件没有公开地址，请使用 attachments:download。")


_storage = PrivateAttachmentStorage()


def attachment_storage() -> PrivateAttachmentStorage:
    """The storage of `Attachment.file` (a callable, so migrations name it instead of freezing a path)."""
    return _storage
