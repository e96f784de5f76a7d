from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safegrid.core.models import TimeStampedModel
from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q
from safegrid.orgs.models import Organisation
from safegrid.sites.models import Site

from .choices import InspectionKind, InspectionResult


class InspectionQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return row_scope_q(grant, region="region_path", sector="sector_id", site="site_id")


class Inspection(TimeStampedModel):
    """Inspection (检查记录): who inspected which site, when, of what kind, the items checked and
    the result. Hazards found link back to it. Scope keys are copied from the site."""

    site = models.ForeignKey(
        Site, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="inspections"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), editable=False)
    kind = models.CharField(_("检查类型"), max_length=24, choices=InspectionKind.choices)
    inspected_on = models.DateField(_("检查日期"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("检查单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspectors = models.CharField(_("检查人员"), max_length=200)
    checklist = models.ForeignKey(
        "Checklist",
        verbose_name=_("检查表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    items = models.JSONField(_("检查项目"), default=list, blank=True)
    result = models.CharField(_("检查结论"), max_length=16, choices=InspectionResult.choices)
    summary = models.TextField(_("情况说明"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(
                fields=["region_path", "inspected_on"],
                name="insp_path_date_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["site", "inspected_on"], name="insp_site_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.get_kind_display()} · {self.inspected_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection_detail", kwargs={"pk": self.pk})


class Instrument(TimeStampedModel):
    """Normative instrument (判定标准文件): a rule setting out which conditions are major accident
    hazards (重大事故隐患) in one or more sectors, e.g. 工贸企业重大事故隐患判定标准 (应急管理部令第10号).

    Reference data for the whole county: read by every business role, edited by the system
    administrator in the admin or by `import_criteria`."""

    name = models.CharField(_("文件名称"), max_length=120, unique=True)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    # Sector codes (Sector.code, e.g. "industry_trade,hazchem") the instrument applies to.
    sector_codes = models.CharField(_("适用行业代码"), max_length=200)
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("被替代为"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )

    class Meta:
        verbose_name = _("判定标准文件")
        verbose_name_plural = _("判定标准文件")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）" if self.number else self.name

    def sector_code_list(self) -> list[str]:
        return [c.strip() for c in self.sector_codes.split(",") if c.strip()]


class Criterion(TimeStampedModel):
    """Criterion (判定标准条款): one article/item of an instrument. A hazard that cites a major one
    is a major hazard (重大事故隐患) by definition."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("判定标准文件"), on_delete=models.PROTECT, related_name="criteria"
    )
    article = models.CharField(_("条"), max_length=20)
    item = models.CharField(_("项"), max_length=20, blank=True)
    text = models.TextField(_("内容"), max_length=1000)
    is_major = models.BooleanField(_("重大事故隐患"), default=True)
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("被替代为"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("判定标准条款")
        verbose_name_plural = _("判定标准条款")
        ordering = ["instrument__name", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "article", "item"], name="criterion_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.article}{self.item} {self.text[:30]}"


class Checklist(TimeStampedModel):
    """Checklist (检查表): what a grid worker or inspector checks at a site of one sector, built from
    that sector's criteria; without a sector it is a general list (the county's 应知应会 items)."""

    name = models.CharField(_("名称"), max_length=120, unique=True)
    sector_code = models.SlugField(_("行业代码"), max_length=40, null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One item of a checklist (检查项), optionally the major-hazard criterion it checks."""

    checklist = models.ForeignKey(
        Checklist, verbose_name=_("检查表"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    text = models.CharField(_("检查内容"), max_length=200)
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("判定标准条款"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklist_items",
    )

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["checklist_id", "order", "id"]

    def __str__(self) -> str:
        return self.text
