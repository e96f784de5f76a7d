from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safegrid.core.scope import Grant, ScopedQuerySet


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("交办给您")
    DUE_SOON = "due_soon", _("3日内到期")
    OVERDUE = "overdue", _("已逾期")
    ESCALATED = "escalated", _("提级到您的层级")
    VERIFY = "verify", _("待您复查")
    SUPERVISION = "supervision", _("督办通知")
    CERT_REVIEW_DUE = "cert_review_due", _("特种作业操作证待复审")
    CERT_EXPIRY_DUE = "cert_expiry_due", _("证书即将到期")
    JOB_DONE = "job_done", _("后台任务已完成")
    JOB_FAILED = "job_failed", _("后台任务未完成")


class NotificationQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return Q(recipient_id=actor.pk)  # an inbox is its owner's only


class Notification(models.Model):
    """In-app message (站内消息) to one user about one hazard, one certificate or one of the user's
    background jobs; emailed too when email is configured.

    One per (recipient, kind, hazard, day), and one per (recipient, kind, certificate) whatever the
    day, so repeated jobs never duplicate a reminder."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the leading column of the inbox index and of the once-a-day constraint
    )
    kind = models.CharField(_("类型"), max_length=16, choices=NotificationKind.choices)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("隐患"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    certificate = models.ForeignKey(
        "people.Certificate",
        verbose_name=_("证书"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # partial index below: most notifications are about hazards
    )
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("后台任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # partial index below
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), max_length=2000, blank=True)
    day = models.DateField(_("日期"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "hazard", "day"], name="notification_once_a_day"
            ),
            # A certificate's review (or expiry) reminder is sent once, not once a day for 60 days.
            models.UniqueConstraint(
                fields=["recipient", "kind", "certificate"],
                condition=Q(certificate__isnull=False),
                name="notification_once_per_certificate",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["certificate"],
                name="notification_certificate_idx",
                condition=Q(certificate__isnull=False),
            ),
            models.Index(fields=["job"], name="notification_job_idx", condition=Q(job__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title
