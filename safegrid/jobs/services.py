"""Starting, running and purging background jobs (see models.py).

`job_start` records the job and hands it to a worker once the caller's transaction commits (with no
broker configured the worker is the calling process itself: the job has run when the response is
written). `job_run` is the worker's side: idempotent (a finished job is left alone; a job whose
worker died mid-way is run again from the start: every runner is all-or-nothing), it marks the job
running, calls the runner of its kind, stores the result file, marks it done and tells the owner.
A runner failing unexpectedly fails the job with a plain message; the trace goes to the log."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import FINISHED, Job, JobKind, JobStatus
from .progress import Progress, forget

log = logging.getLogger(__name__)

# The job's errors kept on its row (an import's full list is in its error report file).
MAX_STORED_ERRORS = 1000


@dataclass
class Outcome:
    """What a runner produced: success or not, a message for the owner, and optionally a file
    (bytes, or an open binary file) with its download name, and the row errors of an import."""

    ok: bool
    message: str
    content: bytes | None = None
    file: Any = None
    filename: str = ""
    errors: list[dict] = field(default_factory=list)
    total: int | None = None


def retention_days() -> int:
    return int(getattr(settings, "SAFEGRID_JOB_RETENTION_DAYS", 7))


@transaction.atomic
def job_start(
    *, actor, kind: str, title: str, params: dict[str, Any], upload=None, upload_name: str = ""
) -> Job:
    """Record a job for the actor and queue it (after commit). `upload` (a file or bytes) is kept
    in private storage for the runner and deleted when the job has run."""
    job = Job(
        owner=actor,
        kind=kind,
        title=str(title)[:200],
        params={**params, "language": translation.get_language() or settings.LANGUAGE_CODE},
    )
    if upload is not None:
        content = ContentFile(upload) if isinstance(upload, bytes | bytearray) else File(upload)
        job.input_name = (upload_name or getattr(upload, "name", "") or "upload.xlsx")[:200]
        job.input_file.save(job.input_name, content, save=False)
    job.full_clean()
    job.save()

    def enqueue():
        from .tasks import run_job

        run_job.delay(job.pk)

    transaction.on_commit(enqueue)
    return job


def _runner(kind: str):
    from . import runners

    return {
        JobKind.EXPORT: runners.run_export,
        JobKind.IMPORT: runners.run_import,
        JobKind.BULLETIN: runners.run_bulletin,
    }[kind]


def job_run(*, job_id: int) -> Job | None:
    """Run one job (the worker's entry point). Returns the job, or None if it no longer exists."""
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.status in FINISHED:
        return job
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now(), done=0)
    job.status = JobStatus.RUNNING
    progress = Progress(job)
    language = job.params.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            if not job.owner.is_active:
                outcome = Outcome(ok=False, message=_("发起人账号已停用，任务未执行。"))
            else:
                outcome = _runner(job.kind)(job, progress)
        except Exception:
            log.exception("job %s (%s) failed", job.pk, job.kind)
            outcome = Outcome(ok=False, message=_("任务执行出错，未生成结果。请稍后重试，或联系系统管理员。"))
        _finish(job, outcome)
    return job


def _finish(job: Job, outcome: Outcome) -> None:
    if outcome.content is not None or outcome.file is not None:
        content = ContentFile(outcome.content) if outcome.content is not None else File(outcome.file)
        try:
            job.result_file.save(outcome.filename or "result", content, save=False)
        finally:
            if outcome.file is not None:
                outcome.file.close()
        job.result_name = outcome.filename[:200]
    if job.input_file:
        job.input_file.delete(save=False)  # the upload may hold personal data: not kept
    job.status = JobStatus.SUCCEEDED if outcome.ok else JobStatus.FAILED
    job.message = outcome.message[:500]
    job.errors = outcome.errors[:MAX_STORED_ERRORS]
    if outcome.total is not None:
        job.total = outcome.total
    if outcome.ok:
        job.done = job.total
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "message",
            "errors",
            "total",
            "done",
            "input_file",
            "result_file",
            "result_name",
            "finished_at",
        ]
    )
    forget(job)
    from safegrid.notifications.services import notify_job_finished

    notify_job_finished(job=job)


def job_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the jobs (and their files) finished more than the retention period ago, and the
    files of jobs that never finished after twice that. Returns the number of jobs deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    stale = Job.objects.filter(status__in=FINISHED, finished_at__lt=cutoff) | Job.objects.filter(
        created_at__lt=cutoff - datetime.timedelta(days=retention_days())
    )
    deleted = 0
    for job in stale.iterator():
        for stored in (job.input_file, job.result_file):
            if stored:
                stored.delete(save=False)
        job.delete()
        deleted += 1
    return deleted
