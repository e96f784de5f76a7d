from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safegrid.core.models import TimeStampedModel
from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q
from safegrid.orgs.models import Organisation, Region
from safegrid.sites.models import Site

from .choices import Channel


class PublicityPlanQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        # The county's plan concerns everyone below it (a township officer reads it); it is written
        # only at or above the county.
        return row_scope_q(grant, region="region_path", sector=None, ancestors=not write)


class PublicityPlan(TimeStampedModel):
    """Annual publicity plan (年度安全生产宣传工作计划) of a county: twelve months, each with its
    theme, content, responsible units and a target number of activities. Created with all twelve
    months by `publicity_plan_create`; one plan per county and year."""

    region = models.ForeignKey(
        Region, verbose_name=_("县（区）"), on_delete=models.PROTECT, related_name="publicity_plans"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("计划名称"), max_length=100)
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PublicityPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度宣传计划")
        verbose_name_plural = _("年度宣传计划")
        ordering = ["-year", "region_path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="publicity_plan_unique_year",
                violation_error_message=_("该县（区）本年度已有宣传计划。"),
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_path", "year"],
                name="pubplan_path_year_idx",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publicity:plan_detail", kwargs={"pk": self.pk})


class PlanMonth(models.Model):
    """One month of an annual publicity plan (月度宣传安排): theme, content, responsible units and
    the number of activities planned. Read and written only through its plan."""

    plan = models.ForeignKey(
        PublicityPlan, verbose_name=_("年度宣传计划"), on_delete=models.CASCADE, related_name="months"
    )
    month = models.PositiveSmallIntegerField(
        _("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    theme = models.CharField(_("宣传主题"), max_length=100, blank=True)
    content = models.TextField(_("宣传内容"), max_length=2000, blank=True)
    responsible_units = models.ManyToManyField(
        Organisation, verbose_name=_("责任单位"), blank=True, related_name="+"
    )
    planned_activities = models.PositiveIntegerField(_("计划活动次数"), default=0)

    class Meta:
        verbose_name = _("月度宣传安排")
        verbose_name_plural = _("月度宣传安排")
        ordering = ["plan_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "month"],
                name="plan_month_unique",
                violation_error_message=_("该计划已有本月的安排。"),
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plan_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.month}"


class ActivityQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        # Where it took place, and the organiser's sector: a sector officer sees its sector's
        # activities only. Site-bound users hold no publicity capability.
        return row_scope_q(grant, region="region_path", sector="sector_id")


class Activity(TimeStampedModel):
    """Publicity activity (宣传活动): a broadcast, a post, a lecture, a visit to enterprises …, held
    on a date by an organiser in a region (county, township or grid) of its own subtree. Scope keys
    are copied from the region (path) and the organiser (sector)."""

    date = models.DateField(_("活动日期"))
    title = models.CharField(_("活动名称"), max_length=100)
    channel = models.CharField(_("宣传形式"), max_length=24, choices=Channel.choices)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("活动地点（区划）"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), null=True, blank=True, editable=False)
    audience_count = models.PositiveIntegerField(_("受众人数"), default=0)
    sites_visited = models.ManyToManyField(
        Site, verbose_name=_("走访场所"), blank=True, related_name="publicity_activities"
    )
    description = models.TextField(_("活动情况"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("宣传活动")
        verbose_name_plural = _("宣传活动")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="activity_channel_valid"),
        ]
        indexes = [
            models.Index(
                fields=["region_path", "date"],
                name="activity_path_date_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(
                fields=["sector_id", "region_path"],
                name="activity_sector_path_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("publicity:activity_detail", kwargs={"pk": self.pk})
