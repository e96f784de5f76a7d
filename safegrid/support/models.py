"""Support (基础保障, DESIGN.md §3 pillar 7): work-safety funds and their spending, the expert pool
and expert engagements with their findings, responsibility evaluations, the weight of work safety
in the county's annual assessment and leadership responsibility records (党政同责、一岗双责).

Every scoped row carries the denormalised keys its services copy (region path, sector, site). The
expert role (专家) sees only the engagements it took part in and its own pool entry: that rule is a
scope rule of the querysets below (`Expert.user == actor`), not a filter in the views."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safegrid.accounts.roles import Role
from safegrid.core.fields import BlindIndexedModel, BlindIndexField, EncryptedTextField
from safegrid.core.models import TimeStampedModel
from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q
from safegrid.hazards.models import Hazard
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites.models import Site

from .choices import FundPurpose

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
MONEY = {"max_digits": 14, "decimal_places": 2}


class RegionRowQuerySet(ScopedQuerySet):
    """County and township rows (funds, evaluations, leadership records): an officer reads and
    writes its subtree only — a township officer its township's rows, not the county's — and a
    sector officer only the rows of its sectors (a row without a sector is not a sector officer's,
    as for people). The expert role and site-bound users see none."""

    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        if grant.site_id is not None or grant.role == Role.EXPERT:
            return None
        return row_scope_q(grant, region="region_path", sector="sector_id")


class FundAllocation(TimeStampedModel):
    """Work-safety fund allocation (安全生产专项资金安排): an amount in yuan for one purpose and year,
    allocated to the county or a township (optionally for one sector), under a source document.
    Spending is recorded as `FundExpenditure` rows and never exceeds the allocation."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("资金名称"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=16, choices=FundPurpose.choices)
    amount = models.DecimalField(
        _("安排金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField(_("资金来源"), max_length=100, blank=True)
    document_number = models.CharField(_("文件文号"), max_length=60, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector = models.ForeignKey(
        Sector, verbose_name=_("行业领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("备注"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = RegionRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金安排")
        verbose_name_plural = _("资金安排")
        ordering = ["-year", "region_path", "purpose", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_amount_positive"),
            models.CheckConstraint(condition=Q(purpose__in=FundPurpose.values), name="fund_purpose_valid"),
        ]
        indexes = [
            models.Index(
                fields=["region_path", "year"],
                name="fund_path_year_idx",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("support:fund_detail", kwargs={"pk": self.pk})


class FundExpenditure(models.Model):
    """Expenditure (资金支出) against one allocation; read and written only through it."""

    allocation = models.ForeignKey(
        FundAllocation, verbose_name=_("资金安排"), on_delete=models.CASCADE, related_name="expenditures"
    )
    spent_on = models.DateField(_("支出日期"))
    amount = models.DecimalField(
        _("支出金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    description = models.CharField(_("支出事项"), max_length=200)
    payee = models.CharField(_("收款单位"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金支出")
        verbose_name_plural = _("资金支出")
        ordering = ["allocation_id", "spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expenditure_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on:%Y-%m-%d} {self.description}"


class ExpertQuerySet(ScopedQuerySet):
    """The county's expert pool is read in the county and below (a township officer works with the
    county's experts) and kept at the county; sectors do not restrict it (an expert's specialties
    are many). An expert login reads only its own entry."""

    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        if grant.site_id is not None:
            return None
        if grant.role == Role.EXPERT:
            return Q(user_id=actor.pk)
        return row_scope_q(grant, region="region_path", sector=None, ancestors=not write)


class Expert(BlindIndexedModel, TimeStampedModel):
    """Work-safety expert (安全生产专家) of a county's pool (专家库): specialties, title, employer,
    a phone shown only masked, and optionally the login (role 专家) of the expert."""

    name = models.CharField(_("姓名"), max_length=50)
    specialties = models.ManyToManyField(Sector, verbose_name=_("专业领域"), blank=True, related_name="+")
    expertise = models.CharField(_("专长"), max_length=200, blank=True)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    phone = EncryptedTextField(_("联系电话"), max_length=20, blank=True)
    phone_bidx = BlindIndexField(
        _("联系电话索引"), source="phone", purpose="expert.phone", normaliser="phone"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert_profile",
    )
    region = models.ForeignKey(Region, verbose_name=_("县（区）"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    is_active = models.BooleanField(_("在库"), default=True)
    note = models.TextField(_("备注"), max_length=2000, blank=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家库")
        ordering = ["region_path", "name", "id"]
        indexes = [
            models.Index(fields=["region_path"], name="expert_path_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("support:expert_detail", kwargs={"pk": self.pk})

    @property
    def masked_phone(self) -> str:
        from safegrid.people.masking import mask_phone

        return mask_phone(self.phone)


class EngagementQuerySet(ScopedQuerySet):
    """An engagement belongs to its site: officers see it when they see the site (subtree, their
    sectors); the expert role sees exactly the engagements it took part in."""

    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        if grant.role == Role.EXPERT:
            # A subquery rather than a join: no duplicate rows however the grants combine.
            taken_part = ExpertEngagement.experts.through.objects.filter(expert__user_id=actor.pk)
            return Q(pk__in=taken_part.values("expertengagement_id"))
        return row_scope_q(grant, region="region_path", sector="sector_id", site="site_id")


class ExpertEngagement(TimeStampedModel):
    """Expert engagement (专家服务/专家会诊): experts of the pool inspecting one site from a start to an
    end date, at a cost, for a purpose, with a report and findings (`EngagementFinding`).
    Expert-days = experts × days. Scope keys are copied from the site."""

    site = models.ForeignKey(Site, verbose_name=_("服务场所"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), null=True, blank=True, editable=False)
    experts = models.ManyToManyField(Expert, verbose_name=_("专家"), related_name="engagements")
    purpose = models.CharField(_("服务事项"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    cost = models.DecimalField(_("费用（元）"), **MONEY, default=Decimal("0"))
    report = models.TextField(_("服务报告"), max_length=8000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = _("专家服务")
        verbose_name_plural = _("专家服务")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="engagement_dates"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="engagement_cost_not_negative"),
        ]
        indexes = [
            models.Index(
                fields=["region_path", "start_date"],
                name="engagement_path_date_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date:%Y-%m-%d} {self.site.name if self.site_id else ''} {self.purpose}"[:200]

    def get_absolute_url(self) -> str:
        return reverse("support:engagement_detail", kwargs={"pk": self.pk})

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class EngagementFinding(models.Model):
    """A problem an engagement found (专家发现问题); it may become a hazard (source 专家服务) at the
    engagement's site, linked back here. Read and written only through its engagement."""

    engagement = models.ForeignKey(
        ExpertEngagement, verbose_name=_("专家服务"), on_delete=models.CASCADE, related_name="findings"
    )
    description = models.TextField(_("问题描述"), max_length=2000)
    location = models.CharField(_("具体位置"), max_length=200, blank=True)
    hazard = models.OneToOneField(
        Hazard,
        verbose_name=_("隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert_finding",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家发现问题")
        verbose_name_plural = _("专家发现问题")
        ordering = ["engagement_id", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class ResponsibilityEvaluation(TimeStampedModel):
    """Work-safety responsibility evaluation (安全生产责任制考核) of one unit for one year: scored
    items [{item, max_score, score, note}], their total, the evaluator and the one-vote veto
    (一票否决). Scope keys are copied from the unit."""

    unit = models.ForeignKey(
        Organisation, verbose_name=_("被考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), null=True, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    items = models.JSONField(_("考核项目"), default=list)
    total_score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2, default=Decimal("0"))
    max_score = models.DecimalField(_("满分"), max_digits=7, decimal_places=2, default=Decimal("0"))
    vetoed = models.BooleanField(_("一票否决"), default=False)
    evaluator = models.CharField(_("考核单位"), max_length=100)
    note = models.TextField(_("备注"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = RegionRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任考评")
        verbose_name_plural = _("责任考评")
        ordering = ["-year", "-total_score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="evaluation_unit_year_unique",
                violation_error_message=_("该单位本年度已有考评记录。"),
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_path", "year"],
                name="evaluation_path_year_idx",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit.name if self.unit_id else ''}"

    def get_absolute_url(self) -> str:
        return reverse("support:evaluation_detail", kwargs={"pk": self.pk})


class AssessmentWeightQuerySet(ScopedQuerySet):
    """A county's weights are read in the county and below and kept at the county; not by experts."""

    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        if grant.site_id is not None or grant.role == Role.EXPERT:
            return None
        return row_scope_q(grant, region="region_path", sector=None, ancestors=not write)


class AssessmentWeight(TimeStampedModel):
    """Weight of work safety in the county's annual comprehensive assessment (安全生产在年度综合考核
    中的分值权重), one per county and year, e.g. 1.7 points in 2023 and 2 in 2024."""

    region = models.ForeignKey(Region, verbose_name=_("县（区）"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    weight = models.DecimalField(
        _("分值权重"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = AssessmentWeightQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")
        ordering = ["region_path", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="assessment_weight_unique",
                violation_error_message=_("该县（区）本年度已有考核权重。"),
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="assessment_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.weight}"


class LeadershipResponsibility(TimeStampedModel):
    """Leadership responsibility record (党政同责、一岗双责): an official of an organisation, the post,
    the portfolio, the safety responsibilities and the date the responsibility letter (安全生产责任书)
    was signed, for one year. Scope keys are copied from the organisation."""

    official_name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), null=True, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    is_first_responsible = models.BooleanField(_("第一责任人"), default=False)
    portfolio = models.CharField(_("分管工作"), max_length=300, blank=True)
    responsibilities = models.TextField(_("安全生产职责"), max_length=4000, blank=True)
    letter_signed_on = models.DateField(_("责任书签订日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = RegionRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("领导责任")
        verbose_name_plural = _("领导责任")
        ordering = ["-year", "region_path", "-is_first_responsible", "id"]
        indexes = [
            models.Index(
                fields=["region_path", "year"],
                name="leadership_path_year_idx",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official_name}（{self.post}）"

    def get_absolute_url(self) -> str:
        return reverse("support:leadership_detail", kwargs={"pk": self.pk})
