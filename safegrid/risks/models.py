from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safegrid.core.models import TimeStampedModel
from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q
from safegrid.sites.models import Site

from .choices import LEVEL_COLOUR, AccidentType, AssessmentMethod, ControlLevel, GradingMethod, RiskLevel


class SiteRowQuerySet(ScopedQuerySet):
    """Rows of a site, scoped by the keys copied from it (region path, sector, site)."""

    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return row_scope_q(grant, region="region_path", sector="sector_id", site="site_id")


def _factor(label):
    return models.DecimalField(label, max_digits=5, decimal_places=1, null=True, blank=True)


class Assessed(models.Model):
    """The fields of one assessment: LEC (L, E, C → D) or LS (L, S → R), the score and its level."""

    method = models.CharField(_("评估方法"), max_length=8, choices=AssessmentMethod.choices)
    l_value = models.DecimalField(_("可能性 L"), max_digits=5, decimal_places=1)
    e_value = _factor(_("暴露频繁程度 E"))
    c_value = _factor(_("后果 C"))
    s_value = _factor(_("严重性 S"))
    score = models.DecimalField(_("风险值"), max_digits=8, decimal_places=2)
    level = models.CharField(_("风险等级"), max_length=16, choices=RiskLevel.choices)

    class Meta:
        abstract = True

    @property
    def colour(self) -> str:
        return LEVEL_COLOUR[self.level]

    @property
    def formula(self) -> str:
        def n(v):
            return f"{v.normalize():f}"

        if self.method == AssessmentMethod.LEC:
            return f"D = {n(self.l_value)} × {n(self.e_value)} × {n(self.c_value)} = {n(self.score)}"
        return f"R = {n(self.l_value)} × {n(self.s_value)} = {n(self.score)}"


class RiskPoint(TimeStampedModel, Assessed):
    """Risk point (风险点): a place, installation or activity at a site where accidents of given types
    may happen, with its hazardous factors, controls and the current assessment (the latest row of
    its `assessments`, copied here for lists and the map). Scope keys are copied from the site."""

    site = models.ForeignKey(
        Site, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="risk_points"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), editable=False)
    name = models.CharField(_("风险点名称"), max_length=100)
    area = models.CharField(_("所在区域"), max_length=100, blank=True)
    accident_types = models.JSONField(_("可能导致的事故类型"), default=list)
    hazardous_factors = models.TextField(_("危险有害因素"), max_length=2000)
    control_measures = models.TextField(_("管控措施"), max_length=4000, blank=True)
    control_level = models.CharField(_("管控层级"), max_length=16, choices=ControlLevel.choices)
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    review_date = models.DateField(_("下次评审日期"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("评估时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = SiteRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")
        ordering = ["site_id", "name", "id"]
        indexes = [
            # Covering (site, sector) so that the map's per-area aggregate over a province's
            # points is an index-only scan (reports.risk_map._area_counts); PostgreSQL only.
            models.Index(
                fields=["region_path", "level"],
                name="risk_path_level_cover_idx",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
                include=["site", "sector_id"],
            ),
            models.Index(fields=["site", "level"], name="risk_site_level_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=RiskLevel.values), name="risk_point_level_valid"),
            models.CheckConstraint(
                condition=Q(method__in=AssessmentMethod.values), name="risk_point_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("risks:risk_point_detail", kwargs={"pk": self.pk})

    def accident_type_labels(self) -> str:
        """The accident types' names, joined the Chinese way (顿号)."""
        return "、".join(
            str(AccidentType(code).label) for code in self.accident_types if code in AccidentType.values
        )


class RiskAssessment(Assessed):
    """One assessment of a risk point (风险评估记录); reassessment appends a row, never edits one."""

    risk_point = models.ForeignKey(
        RiskPoint, verbose_name=_("风险点"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评估人"), on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("评估时间"))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("风险评估记录")
        verbose_name_plural = _("风险评估记录")
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.risk_point_id} · {self.get_level_display()} · {self.assessed_at:%Y-%m-%d}"


class SiteRiskGrading(TimeStampedModel):
    """Enterprise-level risk grading (企业整体风险分级) of a site, e.g. the hazchem diagnosis scored
    out of 100. The latest (by date) is current and decides the site's colour on the map."""

    site = models.ForeignKey(
        Site, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="risk_gradings"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), editable=False)
    method = models.CharField(_("分级方法"), max_length=24, choices=GradingMethod.choices)
    score = models.DecimalField(
        _("评估得分"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    level = models.CharField(_("风险等级"), max_length=16, choices=RiskLevel.choices)
    graded_on = models.DateField(_("分级日期"))
    basis = models.CharField(_("依据及说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = SiteRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业风险分级")
        verbose_name_plural = _("企业风险分级")
        ordering = ["-graded_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=RiskLevel.values), name="site_grading_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.get_level_display()} · {self.graded_on:%Y-%m-%d}"

    @property
    def colour(self) -> str:
        return LEVEL_COLOUR[self.level]


class SiteRiskSummary(models.Model):
    """场所风险点汇总: the current risk points of one site counted per level, kept by the risk services
    (risks.summary) and rebuilt by `manage.py rebuild_risk_summary`. It serves the four-colour map's
    per-area figures of actors above a county (reports.risk_map), so that a province's map reads
    ~100,000 rows instead of a million risk points.

    One row per (site, region path, sector) of its points: the three scope keys a risk point copies
    from its site. A point keeps its path and sector when its site moves (sites.services.site_update
    leaves them), so one site may have rows under two keys. Every scope rule of the points
    (SiteRowQuerySet: region subtree, sectors, site) is a condition on these three keys, so a row's
    points are all visible to an actor or none is: the rows an actor sees sum to exactly the points
    it sees, whatever its grants."""

    site_id = models.BigIntegerField(_("场所"))
    region_path = models.CharField(_("区划路径"), max_length=255)
    sector_id = models.BigIntegerField(_("行业领域"))
    n_major = models.IntegerField(_("重大风险"), default=0)
    n_significant = models.IntegerField(_("较大风险"), default=0)
    n_general = models.IntegerField(_("一般风险"), default=0)
    n_low = models.IntegerField(_("低风险"), default=0)

    # The points' own rule, on the same three keys (see the docstring).
    objects = SiteRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("场所风险点汇总")
        verbose_name_plural = _("场所风险点汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["site_id", "region_path", "sector_id"], name="site_risk_summary_key"
            )
        ]
        indexes = [
            # The map's per-area aggregate over a province is an index-only scan of this index
            # (reports.risk_map._area_counts); PostgreSQL only.
            models.Index(
                fields=["region_path"],
                name="site_risk_summary_path_idx",
                opclasses=["varchar_pattern_ops"],
                include=["site_id", "sector_id", "n_major", "n_significant", "n_general", "n_low"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.region_path} {self.sector_id}"
