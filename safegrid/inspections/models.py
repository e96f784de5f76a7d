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
