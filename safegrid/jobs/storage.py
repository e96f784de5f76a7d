"""Private storage for the files of background jobs (an import's upload, an export's workbook, a
bulletin): MEDIA_ROOT/jobs, no public URL, every byte served by the owner-only download view."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.functional import cached_property

from safegrid.attachments.storage import PrivateAttachmentStorage

SUBDIRECTORY = "jobs"


class PrivateJobStorage(PrivateAttachmentStorage):
    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / SUBDIRECTORY)

    def url(self, name):
        raise NotImplementedError("任务文件没有公开地址，请使用 jobs:download。")


_storage = PrivateJobStorage()


def job_storage() -> PrivateJobStorage:
    """The storage of the job files (a callable, so migrations name it instead of freezing a path)."""
    return _storage
