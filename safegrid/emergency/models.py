"""Emergency plans and drills (应急预案与演练, DESIGN.md §3 pillar 6; DOMAIN.md §5).

Plans, drill-plan entries and drill records are *placed* rows, like people's: each is owned by an
organisation (county office, department, township …) or by a site (an enterprise), exactly one, and
carries the scope keys copied from that owner by the services — region path, sector (nullable) and
site (nullable). Visibility follows `safegrid.people.models.PeopleQuerySet`: enterprise staff see
their own site's rows, officers their subtree, sector officers only rows of their sectors — so an
organisation-owned row without a sector (the county office's or a township's plan) is *not* a
sector officer's.
"""

from __future__ import annotations

import datetime

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

from .choices import (
    REVIEW_SITE_KINDS,
    REVIEW_SIZES,
    DrillKind,
    DrillMode,
    EvaluationConclusion,
    FilingStatus,
    PlaceKind,
    PlanKind,
    ReviewMethod,
    RevisionTrigger,
)


class EmergencyQuerySet(ScopedQuerySet):
    """The people rule: region subtree, sectors of a sector officer (a row without a sector is not
    theirs), and a site-bound user's own site."""

    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return row_scope_q(grant, region="region_path", sector="sector_id", site="site_id")


class PlanQuerySet(EmergencyQuerySet):
    """Plans are reference documents too: reading, an officer also sees the plans of the bodies above
    its anchor (the county's comprehensive and special plans concern every township, which drills
    them and links its own plans to them) and, for a sector officer, plans without a sector (the
    county office's, the townships'). Writing keeps the people rule."""

    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        if write:
            return super().scope_q(grant, actor, write=write)
        return row_scope_q(
            grant,
            region="region_path",
            sector="sector_id",
            site="site_id",
            ancestors=True,
            sector_nullable=True,
        )

    def of_scope(self, actor, capability: str | None = None) -> ScopedQuerySet:
        """The plans of the actor's own scope (the people rule), without those read from above: what
        compliance and the figures count."""
        return EmergencyQuerySet(model=self.model, using=self._db).visible_to(actor, capability)


class Owned(TimeStampedModel):
    """An owner — organisation or site, exactly one — and the scope keys copied from it."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("企业（场所）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = EmergencyQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def owner(self):
        return self.site or self.organisation


def _one_owner(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(organisation__isnull=False, site__isnull=True)
        | Q(organisation__isnull=True, site__isnull=False),
        name=name,
        violation_error_message=_("请选择一个责任单位：组织机构或企业（场所），二者只能选其一。"),
    )


def _path_index(name: str) -> models.Index:
    return models.Index(fields=["region_path"], name=name, opclasses=["varchar_pattern_ops"])


def review_required_for(site: Site | None) -> bool:
    """第二十一条: expert review for mines, construction, hazchem/flammables, fireworks and
    medium-or-larger units; an organisation (a government body) validates (论证)."""
    return site is not None and (site.kind in REVIEW_SITE_KINDS or site.size in REVIEW_SIZES)


class EmergencyPlan(Owned):
    """Emergency plan (应急预案) of a unit: comprehensive, special or on-site. It is issued, reviewed
    (评审 or 论证), filed (备案) within 20 working days, evaluated every 3 years and revised into new
    versions (`PlanVersion` keeps the history). Filing deadline and next evaluation are computed by
    the services, never entered."""

    objects = PlanQuerySet.as_manager()

    kind = models.CharField(_("预案类型"), max_length=16, choices=PlanKind.choices)
    title = models.CharField(_("预案名称"), max_length=150)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1, editable=False)
    issued_on = models.DateField(_("发布日期"))
    review_method = models.CharField(
        _("评审方式"), max_length=12, choices=ReviewMethod.choices, blank=True, editable=False
    )
    reviewed_on = models.DateField(_("评审（论证）日期"), null=True, blank=True, editable=False)
    review_note = models.TextField(_("评审意见（纪要）"), max_length=4000, blank=True, editable=False)
    filing_due = models.DateField(_("应备案日期"), editable=False)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True, editable=False)
    filed_with = models.CharField(_("备案部门"), max_length=100, blank=True, editable=False)
    last_evaluated_on = models.DateField(_("最近评估日期"), null=True, blank=True, editable=False)
    next_evaluation_due = models.DateField(_("下次评估日期"), editable=False)
    note = models.TextField(_("备注"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["region_path", "kind", "title", "id"]
        constraints = [
            _one_owner("emergency_plan_one_owner"),
            models.CheckConstraint(condition=Q(kind__in=PlanKind.values), name="emergency_plan_kind_valid"),
        ]
        indexes = [
            _path_index("emplan_path_prefix_idx"),
            models.Index(fields=["filing_due"], name="emplan_filing_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emergency:plan_detail", kwargs={"pk": self.pk})

    @property
    def review_required(self) -> bool:
        return review_required_for(self.site)

    def filing_status(self, today: datetime.date) -> str:
        if self.filed_on is not None:
            return FilingStatus.ON_TIME if self.filed_on <= self.filing_due else FilingStatus.LATE
        return FilingStatus.DUE if today <= self.filing_due else FilingStatus.OVERDUE

    def evaluation_overdue(self, today: datetime.date) -> bool:
        return today > self.next_evaluation_due


class PlanVersion(models.Model):
    """One issued version of a plan (预案版本), with the revision triggers that led to it. The current
    version's review and filing live on the plan; when it is superseded they are copied here."""

    plan = models.ForeignKey(
        EmergencyPlan, verbose_name=_("应急预案"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    issued_on = models.DateField(_("发布日期"))
    title = models.CharField(_("预案名称"), max_length=150)
    triggers = models.JSONField(_("修订原因"), default=list, blank=True)
    reason = models.TextField(_("修订说明"), max_length=2000, blank=True)
    review_method = models.CharField(_("评审方式"), max_length=12, choices=ReviewMethod.choices, blank=True)
    reviewed_on = models.DateField(_("评审（论证）日期"), null=True, blank=True)
    filing_due = models.DateField(_("应备案日期"))
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filed_with = models.CharField(_("备案部门"), max_length=100, blank=True)
    superseded_on = models.DateField(_("被替代日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预案版本")
        verbose_name_plural = _("预案版本")
        ordering = ["plan_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "version"],
                name="plan_version_unique",
                violation_error_message=_("该预案已有此版本。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.version}"

    @property
    def trigger_labels(self) -> list[str]:
        return [str(RevisionTrigger(t).label) for t in self.triggers if t in RevisionTrigger.values]


class PlanEvaluation(models.Model):
    """A periodic evaluation of a plan (预案评估, 第三十五条)."""

    plan = models.ForeignKey(
        EmergencyPlan, verbose_name=_("应急预案"), on_delete=models.CASCADE, related_name="evaluations"
    )
    evaluated_on = models.DateField(_("评估日期"))
    conclusion = models.CharField(_("评估结论"), max_length=8, choices=EvaluationConclusion.choices)
    note = models.TextField(_("评估意见"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预案评估")
        verbose_name_plural = _("预案评估")
        ordering = ["plan_id", "-evaluated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.evaluated_on:%Y-%m-%d}"


class RevisionTask(models.Model):
    """An open revision task of a plan (预案修订任务), e.g. a major problem a drill revealed. Open until
    the plan is revised: the revision closes it and carries its trigger."""

    plan = models.ForeignKey(
        EmergencyPlan, verbose_name=_("应急预案"), on_delete=models.CASCADE, related_name="revision_tasks"
    )
    trigger = models.CharField(_("修订原因"), max_length=12, choices=RevisionTrigger.choices)
    description = models.TextField(_("修订内容"), max_length=2000)
    problem = models.OneToOneField(
        "DrillProblem",
        verbose_name=_("演练发现的问题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revision_task",
    )
    created_on = models.DateField(_("提出日期"))
    resolved_version = models.PositiveSmallIntegerField(_("修订后版本"), null=True, blank=True)
    resolved_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("预案修订任务")
        verbose_name_plural = _("预案修订任务")
        ordering = ["plan_id", "resolved_on", "created_on", "id"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_trigger_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class DrillPlanEntry(Owned):
    """One entry of the year's drill plan (年度应急演练计划): when (a date or a month), where (kind of
    place and the place), the theme, the responsible unit and the plan exercised; linked to its
    record (`record`) once the drill is held."""

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("计划月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    planned_on = models.DateField(_("计划日期"), null=True, blank=True)
    place_kind = models.CharField(_("演练场所类型"), max_length=12, choices=PlaceKind.choices)
    place = models.CharField(_("演练地点"), max_length=100)
    theme = models.CharField(_("演练主题"), max_length=150)
    plan = models.ForeignKey(
        EmergencyPlan,
        verbose_name=_("演练的预案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drill_plan_entries",
    )
    note = models.TextField(_("备注"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("演练计划")
        verbose_name_plural = _("演练计划")
        ordering = ["year", "month", "planned_on", "id"]
        constraints = [
            _one_owner("drill_plan_entry_one_owner"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="drill_plan_entry_month_range"
            ),
        ]
        indexes = [_path_index("drillplan_path_prefix_idx")]

    def __str__(self) -> str:
        return self.theme

    def get_absolute_url(self) -> str:
        return reverse("emergency:drill_plan_detail", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        return self.theme


class DrillRecord(Owned):
    """A drill held (应急演练记录, DOMAIN.md §5.4): form (综合/单项 × 实战/桌面), organiser (the owner),
    plan exercised, participants and units, scenario, evaluation (现场点评 and 书面评估), summary,
    submission to the department, and the problems found (`DrillProblem`)."""

    title = models.CharField(_("演练名称"), max_length=150)
    held_on = models.DateField(_("演练日期"))
    kind = models.CharField(_("演练规模"), max_length=16, choices=DrillKind.choices)
    mode = models.CharField(_("演练形式"), max_length=12, choices=DrillMode.choices)
    place_kind = models.CharField(_("演练场所类型"), max_length=12, choices=PlaceKind.choices)
    place = models.CharField(_("演练地点"), max_length=100)
    plan = models.ForeignKey(
        EmergencyPlan,
        verbose_name=_("演练的预案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drills",
    )
    plan_entry = models.OneToOneField(
        DrillPlanEntry,
        verbose_name=_("对应的演练计划"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="record",
    )
    participants = models.PositiveIntegerField(_("参演人数"), validators=[MinValueValidator(1)])
    participating_units = models.TextField(_("参演单位"), max_length=1000, blank=True)
    scenario = models.TextField(_("演练情景"), max_length=4000, blank=True)
    debrief = models.TextField(_("现场点评"), max_length=4000, blank=True)
    written_evaluation = models.TextField(_("书面评估"), max_length=4000, blank=True)
    summary = models.TextField(_("总结报告"), max_length=4000, blank=True)
    submitted_on = models.DateField(_("报送主管部门日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-held_on", "-id"]
        constraints = [
            _one_owner("drill_record_one_owner"),
            models.CheckConstraint(condition=Q(participants__gte=1), name="drill_record_participants"),
        ]
        indexes = [
            _path_index("drill_path_prefix_idx"),
            models.Index(fields=["held_on"], name="drill_held_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("emergency:drill_detail", kwargs={"pk": self.pk})

    @property
    def submitted(self) -> bool:
        return self.submitted_on is not None


class DrillProblem(models.Model):
    """A problem a drill revealed (演练发现的问题); it can become a hazard at the drill's site
    (`hazard`) or a revision task of the plan exercised (`revision_task`). Read and written only
    through its drill."""

    drill = models.ForeignKey(
        DrillRecord, verbose_name=_("应急演练"), on_delete=models.CASCADE, related_name="problems"
    )
    description = models.TextField(_("问题描述"), max_length=1000)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name=_("生成的隐患"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演练发现的问题")
        verbose_name_plural = _("演练发现的问题")
        ordering = ["drill_id", "id"]

    def __str__(self) -> str:
        return self.description[:50]
