"""A background job: long work (a large export or import, a bulletin over a wide scope) run by a
Celery worker, its progress shown to the one user who started it, who is told when it is done.

A job belongs to its owner only: no one else sees it, its progress or its file (404). Its files
live in private storage and are deleted SAFEGRID_JOB_RETENTION_DAYS after the job finished."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safegrid.core.scope import Grant, ScopedQuerySet

from .storage import job_storage


class JobKind(models.TextChoices):
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    BULLETIN = "bulletin", _("简报")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("未完成")


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED)


class JobQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return Q(owner_id=actor.pk)  # a job is its owner's only

    def visible_to(self, actor, capability=None, *, write=None):
        # Every signed-in user may start jobs under the capabilities of the work itself; the job
        # rows are scoped by owner alone, whatever the user's grants.
        if not getattr(actor, "is_authenticated", False):
            return self.none()
        return self.filter(owner_id=actor.pk)


def job_file_name(instance: Job, filename: str) -> str:
    """A name chosen by the server (the user's file name is kept in `input_name`/`result_name`)."""
    suffix = "." + filename.rsplit(".", 1)[1].lower() if "." in filename else ""
    return f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix[:8]}"


class Job(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=JobKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    message = models.CharField(_("结果说明"), max_length=500, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    input_file = models.FileField(
        _("上传文件"), storage=job_storage, upload_to=job_file_name, max_length=100, blank=True
    )
    input_name = models.CharField(_("上传文件名"), max_length=200, blank=True)
    result_file = models.FileField(
        _("结果文件"), storage=job_storage, upload_to=job_file_name, max_length=100, blank=True
    )
    result_name = models.CharField(_("结果文件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_idx"),
            models.Index(fields=["status", "finished_at"], name="job_finished_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
