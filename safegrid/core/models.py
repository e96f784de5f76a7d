from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    # Refused because the object lies outside the actor's scope (answered 404; SECURITY.md L1).
    DENIED = "denied", _("拒绝")


class AuditEntryQuerySet(models.QuerySet):
    """Append-only at the ORM level: bulk writes that would skip the chain, and bulk rewrites or
    deletes, are refused (the database triggers refuse them again on PostgreSQL). The one deleting
    path is `safegrid.core.audit.purge_expired` (retention), which goes below the ORM on purpose."""

    def update(self, **kwargs):
        raise RuntimeError("审计记录不可修改。")

    def delete(self):
        raise RuntimeError("审计记录不可删除。")

    def bulk_create(self, *args, **kwargs):
        raise RuntimeError("审计记录须逐条写入（哈希链）。")

    def bulk_update(self, *args, **kwargs):
        raise RuntimeError("审计记录不可修改。")


class AuditEntry(models.Model):
    """Audit record (审计记录): one append-only row per audited event.

    Written by services in the same transaction as the change they describe (so a rolled-back write
    leaves no record), never through signals. Only the audit administrator can browse it.

    Tamper evidence (SECURITY.md L3): each row carries `prev_digest` (the previous row's digest) and
    `digest`, an HMAC-SM3 over its content and `prev_digest` (`safegrid.core.audit`). The chain is
    extended in `save()` rather than in `audit_record` so that no insert path can leave an unchained
    row: this is a storage invariant, like the append-only guard, not domain logic.
    """

    occurred_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField(_("操作账号"), max_length=150, blank=True)
    actor_roles = models.CharField(_("操作人角色"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)
    device = models.CharField(_("终端"), max_length=300, blank=True)
    action = models.CharField(_("事件"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    result = models.CharField(
        _("结果"), max_length=16, choices=AuditResult.choices, default=AuditResult.SUCCESS
    )
    prev_digest = models.CharField(_("前序摘要"), max_length=64, blank=True, editable=False)
    digest = models.CharField(_("摘要"), max_length=64, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        # Append-only: an existing row is never rewritten (the database triggers refuse it as well).
        if self.pk is not None or not self._state.adding:
            raise RuntimeError("审计记录不可修改。")
        from .audit import chain_head, seal  # the chain lives with the writer; imported late (cycle)

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        kwargs["force_insert"] = True
        if connections[using].in_atomic_block:
            self.prev_digest = chain_head(using)
            self.digest = seal(self)
            super().save(*args, **kwargs)
            return
        # Outside a transaction the chain lock would end with the read: hold it until the insert.
        with transaction.atomic(using=using):
            self.prev_digest = chain_head(using)
            self.digest = seal(self)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("审计记录不可删除。")


class HolidayOverride(models.Model):
    """Holiday adjustment (节假日调整): one date whose working status the office sets by hand.

    A row wins over the `chinesecalendar` package and over the plain weekday rule: it records a
    State Council arrangement the package does not know yet (放假 or 调休上班), or a local decision.
    Read by `safegrid.core.workdays`; edited only by the system administrator in the admin.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("上班"), default=False, help_text=_("勾选表示该日上班（调休），不勾选表示该日放假。")
    )
    name = models.CharField(_("名称"), max_length=50, help_text=_("例如：春节、国庆节调休上班。"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{'上班' if self.is_workday else '放假'}）"


class CalendarYear(models.Model):
    """Entered holiday year (节假日安排年度): the office has entered this year's official arrangement.

    Only consulted for years the `chinesecalendar` package does not cover. With `complete` set, the
    year's days are Monday–Friday working days except where a `HolidayOverride` says otherwise;
    without a complete row, working-day arithmetic in that year refuses (`UnknownCalendarYear`)
    rather than guess.
    """

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    complete = models.BooleanField(
        _("已完整录入"),
        default=True,
        help_text=_("该年国务院办公厅公布的放假和调休日期已全部录入“节假日调整”后再勾选。"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年（{'已完整录入' if self.complete else '未完整录入'}）"
