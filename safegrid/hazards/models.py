from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q
from safegrid.inspections.models import Criterion, Inspection
from safegrid.orgs.models import Organisation
from safegrid.sites.models import Site

from .choices import (
    DEADLINE_STATUSES,
    HandlingLevel,
    HazardCategory,
    HazardGrade,
    HazardSource,
    HazardStatus,
)

# The columns the dashboard reads, carried in its covering indexes.
COVERING = ["id", "status", "grade", "sector_id", "site_id", "deadline", "closed_at", "escalated_at"]
# What the live figures of open work read (overdue now, escalated and open, overdue per group), carried
# in the partial index of open hazards so that a province's open work is an index-only scan.
OPEN_COVERING = ["status", "sector_id", "reported_at", "escalated_at"]


class HazardQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return row_scope_q(grant, region="region_path", sector="sector_id", site="site_id")

    def open(self):
        return self.exclude(status=HazardStatus.CLOSED)

    def overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(status__in=DEADLINE_STATUSES, deadline__lt=today)


class Hazard(models.Model):
    """Hidden hazard (事故隐患): found at a site, assigned to a responsible unit with a deadline,
    escalated up the handling levels when a level cannot solve it, verified and closed (销号).

    `status` and `level` change only through the services in hazards/services.py, each of which
    appends a HazardEvent. Scope keys (region path, sector, site) are copied from the site."""

    # Unique by a constraint, not `unique=True`, which on PostgreSQL also builds a LIKE index nobody
    # uses. The write path keeps only the indexes a read needs (PERFORMANCE.md: every index is paid
    # by each report and by each row the overdue sweep moves): foreign keys to users, criteria and
    # organisations are not indexed (those rows are protected, and deleting one is a rare admin
    # act that may scan), and the site's is the leading column of `hazard_site_reported_idx`.
    number = models.CharField(_("隐患编号"), max_length=32)
    site = models.ForeignKey(
        Site, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="hazards", db_index=False
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), editable=False)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("检查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    # The major-hazard criterion (重大事故隐患判定标准条款) the hazard meets; citing one makes it major.
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("判定标准条款"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
        db_index=False,
    )
    source = models.CharField(_("来源"), max_length=20, choices=HazardSource.choices)
    category = models.CharField(_("隐患类别"), max_length=16, choices=HazardCategory.choices)
    grade = models.CharField(_("隐患等级"), max_length=10, choices=HazardGrade.choices)
    description = models.TextField(_("隐患描述"), max_length=2000)
    location = models.CharField(_("具体位置"), max_length=200, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=6, null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)

    status = models.CharField(
        _("状态"), max_length=12, choices=HazardStatus.choices, default=HazardStatus.REPORTED
    )
    level = models.PositiveSmallIntegerField(
        _("处置层级"), choices=HandlingLevel.choices, default=HandlingLevel.TERRITORIAL
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    responsible_org = models.ForeignKey(
        Organisation,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    responsible_person = models.CharField(_("责任人"), max_length=30, blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    # The five items a major hazard needs in place before rectification starts (五落实).
    measures = models.TextField(_("整改措施"), max_length=2000, blank=True)
    funds = models.DecimalField(_("整改资金（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    emergency_plan = models.TextField(_("应急预案"), max_length=2000, blank=True)
    supervised = models.BooleanField(_("挂牌督办"), default=False)

    rectification_note = models.TextField(_("整改情况"), max_length=2000, blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    on_the_spot = models.BooleanField(_("立即整改"), default=False)
    last_notice_on = models.DateField(_("最近督办日期"), null=True, blank=True)
    # Set by the first escalation (by a level or by the overdue sweep) and never cleared: the
    # "escalated at least once" of the list filter and the figures, without a subquery per row.
    escalated_at = models.DateTimeField(_("首次提级时间"), null=True, blank=True, editable=False)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-reported_at", "-id"]
        indexes = [
            # Covering indexes for the dashboard (PERFORMANCE.md): a scope's figures of a period are
            # an index-only scan. INCLUDE holds every column the figures, breakdowns and trend read
            # (id too: Count("id")). SQLite ignores INCLUDE and builds the plain key.
            models.Index(
                fields=["region_path", "reported_at"],
                name="hazard_path_reported_cov_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                include=COVERING,
            ),
            models.Index(fields=["reported_at"], name="hazard_reported_cover_idx", include=COVERING),
            models.Index(
                fields=["sector_id", "region_path"],
                name="hazard_sector_path_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["site", "reported_at"], name="hazard_site_reported_idx"),
            # Open work: queues, overdue lists and the sweep (PERFORMANCE.md: partial index).
            models.Index(
                fields=["deadline", "id"],
                name="hazard_open_deadline_idx",
                condition=~Q(status=HazardStatus.CLOSED),
            ),
            models.Index(
                fields=["region_path", "deadline", "id"],
                name="hazard_open_path_deadline_idx",
                opclasses=["varchar_pattern_ops", "date_ops", "int8_ops"],
                condition=~Q(status=HazardStatus.CLOSED),
                include=OPEN_COVERING,
            ),
            # The dashboard's "提级未销号" list, highest level and oldest first: above a county the
            # open escalated hazards are ~10,000 of ~127,000 open ones (120 ms to sort, 0.1 ms from
            # this index, which holds only them).
            models.Index(
                F("level").desc(),
                "reported_at",
                "id",
                name="hazard_escalated_open_idx",
                condition=~Q(status=HazardStatus.CLOSED) & Q(escalated_at__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="hazard_number_unique"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=4), name="hazard_level_range"),
            models.CheckConstraint(
                condition=~Q(grade=HazardGrade.MAJOR) | Q(level__gte=2) | Q(status=HazardStatus.CLOSED),
                name="hazard_major_at_sector_level_or_above",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[HazardStatus.ASSIGNED, HazardStatus.RECTIFYING, HazardStatus.VERIFYING]
                )
                | Q(deadline__isnull=False),
                name="hazard_assigned_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status=HazardStatus.CLOSED) | Q(closed_at__isnull=False),
                name="hazard_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:20]}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:hazard_detail", kwargs={"pk": self.pk})

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in DEADLINE_STATUSES and self.deadline is not None and self.deadline < today

    @property
    def is_major(self) -> bool:
        return self.grade == HazardGrade.MAJOR

    def missing_five_items(self) -> list[str]:
        """The five items (责任、措施、资金、时限、预案) not yet in place, by name."""
        missing = []
        if not (self.responsible_org_id and self.responsible_person):
            missing.append(_("责任"))
        if not self.measures.strip():
            missing.append(_("措施"))
        if self.funds is None:
            missing.append(_("资金"))
        if self.deadline is None:
            missing.append(_("时限"))
        if not self.emergency_plan.strip():
            missing.append(_("预案"))
        return missing


class HazardEvent(models.Model):
    """One step of a hazard's timeline (隐患处置记录): who, when, from → to, level, note."""

    # Indexed by `hazard_event_idx` (hazard, at); the actor only where there is one (the sweep's
    # tens of thousands of events have none).
    hazard = models.ForeignKey(
        Hazard, verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="events", db_index=False
    )
    action = models.CharField(_("操作"), max_length=24)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12)
    from_level = models.PositiveSmallIntegerField(_("原层级"), null=True, blank=True)
    to_level = models.PositiveSmallIntegerField(_("新层级"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("隐患处置记录")
        verbose_name_plural = _("隐患处置记录")
        ordering = ["hazard_id", "at", "id"]
        indexes = [
            models.Index(fields=["hazard", "at"], name="hazard_event_idx"),
            models.Index(fields=["actor"], name="hazard_event_actor_idx", condition=Q(actor__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.action} {self.from_status}→{self.to_status}"

    def from_status_label(self) -> str:
        return str(HazardStatus(self.from_status).label) if self.from_status else ""

    def to_status_label(self) -> str:
        return str(HazardStatus(self.to_status).label)

    def get_action_display(self) -> str:
        from .choices import HazardAction

        try:
            return str(HazardAction(self.action).label)
        except ValueError:
            return self.action


class HazardTallyQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        # The same region and sector rule as the hazards it counts. A row stands for a whole county,
        # so it only answers for grants anchored at a county or above (hazards.tally.serves).
        if grant.site_id is not None:
            return None
        return row_scope_q(grant, region="region_path", sector="sector_id")


class HazardTally(models.Model):
    """隐患月度汇总: hazards per county, sector and month, maintained by the services that report and
    close hazards (hazards.tally) and rebuilt by `manage.py rebuild_hazard_tally`. It serves the
    figures of actors above a county (PERFORMANCE.md: a county × month × sector summary), so that a
    province's year is ~20,000 rows instead of 1.5 million hazards.

    `region_path` is the path of the county the hazards lie in (the region of kind 县 on their path;
    where there is none, the hazard's own region). For the hazards *reported* in `month` (the first
    day, Asia/Shanghai): `found`, of those `rectified` (closed now) and `major` (major now); and
    `closed`: hazards closed (销号) in `month`, whenever reported. Overdue and escalated figures depend
    on today and are read live from the partial index of open hazards."""

    region_path = models.CharField(_("区划路径"), max_length=255)
    sector_id = models.BigIntegerField(_("行业领域"))
    month = models.DateField(_("月份"))
    found = models.IntegerField(_("发现"), default=0)
    rectified = models.IntegerField(_("已整改"), default=0)
    major = models.IntegerField(_("重大隐患"), default=0)
    closed = models.IntegerField(_("当月销号"), default=0)

    objects = HazardTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患月度汇总")
        verbose_name_plural = _("隐患月度汇总")
        constraints = [
            models.UniqueConstraint(fields=["region_path", "sector_id", "month"], name="hazard_tally_key")
        ]
        indexes = [
            models.Index(
                fields=["region_path", "month"],
                name="hazard_tally_path_month_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
                include=["sector_id", "found", "rectified", "major", "closed"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_path} {self.sector_id} {self.month:%Y-%m}"
