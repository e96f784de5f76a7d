from __future__ import annotations

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safegrid.core.models import TimeStampedModel
from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q
from safegrid.hazards.models import Hazard
from safegrid.inspections.models import Inspection
from safegrid.orgs.models import Organisation
from safegrid.sites.models import Site

from .choices import (
    DOC_CODES,
    MONETARY_PENALTIES,
    DocumentStatus,
    DocumentType,
    PenaltyStatus,
    PenaltyType,
)

DEFAULT_PATTERN = "（{county_abbr}）{dept_prefix}{doc_code}〔{year}〕{seq}号"
PATTERN_FIELDS = frozenset({"county_abbr", "dept_prefix", "doc_code", "year", "seq"})


class NumberingRule(TimeStampedModel):
    """Document numbering rule (文书编号规则) of one issuing body: the county abbreviation, the
    department prefix and the pattern that make `（崇）应急责改〔2024〕12号`. Set by the system
    administrator (admin, audited). The counters themselves are `DocumentSequence` rows."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("签发单位"), on_delete=models.PROTECT, related_name="+"
    )
    county_abbr = models.CharField(_("县（区）简称"), max_length=4, help_text=_("例如：崇"))
    dept_prefix = models.CharField(_("部门代字"), max_length=10, blank=True, help_text=_("例如：应急"))
    pattern = models.CharField(
        _("编号格式"),
        max_length=100,
        default=DEFAULT_PATTERN,
        help_text=_(
            "可用占位符：{county_abbr} {dept_prefix} {doc_code} {year} {seq}（可写 {seq:03d} 补零）。"
        ),
    )
    code_overrides = models.JSONField(
        _("文书代字调整"),
        default=dict,
        blank=True,
        help_text=_('按文书类型调整代字，例如 {"compulsory_measures": "强制"}；未列出的类型使用默认代字。'),
    )

    class Meta:
        verbose_name = _("文书编号规则")
        verbose_name_plural = _("文书编号规则")
        ordering = ["organisation_id"]
        constraints = [
            # Two bodies with the same abbreviation and prefix would hand out the same numbers.
            models.UniqueConstraint(
                fields=["county_abbr", "dept_prefix"],
                name="numbering_rule_unique_prefix",
                violation_error_message=_("已有单位使用相同的县（区）简称和部门代字，文书编号会重复。"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(organisation)s：%(example)s") % {
            "organisation": self.organisation,
            "example": self.format(DocumentType.RECTIFICATION_ORDER, 2024, 1),
        }

    def clean(self) -> None:
        super().clean()
        errors = {}
        try:
            fields = {
                name for _text, name, _spec, _conv in string.Formatter().parse(self.pattern or "") if name
            }
        except ValueError:
            fields = None
        if fields is None or not fields <= PATTERN_FIELDS:
            errors["pattern"] = _("编号格式只能使用 {county_abbr} {dept_prefix} {doc_code} {year} {seq}。")
        elif not {"doc_code", "year", "seq"} <= fields:
            errors["pattern"] = _("编号格式必须包含 {doc_code}、{year} 和 {seq}。")
        else:
            try:
                self.format(DocumentType.RECTIFICATION_ORDER, 2024, 1)
            except (ValueError, TypeError, IndexError, KeyError):
                errors["pattern"] = _("编号格式无效。")
        overrides = self.code_overrides
        if not isinstance(overrides, dict) or not all(
            key in DocumentType.values and isinstance(value, str) and 0 < len(value.strip()) <= 6
            for key, value in overrides.items()
        ):
            errors["code_overrides"] = _("文书代字调整须为“文书类型: 代字（1–6 个字）”的映射。")
        if errors:
            raise ValidationError(errors)

    def code_for(self, doc_type: str) -> str:
        override = (self.code_overrides or {}).get(doc_type)
        return override.strip() if isinstance(override, str) and override.strip() else DOC_CODES[doc_type]

    def format(self, doc_type: str, year: int, seq: int) -> str:
        return self.pattern.format(
            county_abbr=self.county_abbr,
            dept_prefix=self.dept_prefix,
            doc_code=self.code_for(doc_type),
            year=year,
            seq=seq,
        )


class DocumentSequence(models.Model):
    """Number counter (文书编号计数) per issuing body, document type and year. Advanced only by
    `document_issue` while holding the row lock, in the transaction that writes the document, so
    numbers have no gaps and no duplicates."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("签发单位"), on_delete=models.PROTECT, related_name="+"
    )
    doc_type = models.CharField(_("文书类型"), max_length=32, choices=DocumentType.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    last_value = models.PositiveIntegerField(_("已用编号"), default=0)

    class Meta:
        verbose_name = _("文书编号计数")
        verbose_name_plural = _("文书编号计数")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "doc_type", "year"], name="document_sequence_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.doc_type}/{self.year}: {self.last_value}"


class EnforcementDocumentQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        q = row_scope_q(grant, region="region_path", sector="sector_id", site="site_id")
        if grant.site_id is not None:
            # Enterprise staff see what was served on them, never the regulator's drafts.
            q &= Q(status=DocumentStatus.ISSUED)
        return q


class EnforcementDocument(TimeStampedModel):
    """Enforcement document (执法文书): 现场检查记录, 责令限期整改指令书, 行政处罚决定书 … issued by an
    enforcing body to a site, optionally tied to an inspection and to hazards.

    Drafts are edited freely; `document_issue` assigns the number (per body, type and year), stamps
    the HMAC seal and makes the row immutable (services refuse, a PostgreSQL trigger raises, the seal
    detects anything that slips past both). A mistake in an issued document is corrected by a new
    document whose `corrects` points at it. Scope keys are copied from the site."""

    number = models.CharField(
        # NULL until issued: drafts have no number, and NULLs do not collide under UNIQUE.
        _("文书编号"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    doc_type = models.CharField(_("文书类型"), max_length=32, choices=DocumentType.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT, editable=False
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("签发单位"), on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="enforcement_documents"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), editable=False)
    party = models.CharField(_("当事人（被检查单位）"), max_length=100)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("检查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement_documents",
    )
    hazards = models.ManyToManyField(
        Hazard, verbose_name=_("隐患"), blank=True, related_name="enforcement_documents"
    )
    findings = models.TextField(_("检查情况 / 违法事实"), max_length=5000, blank=True)
    requirements = models.TextField(_("处理决定 / 整改要求"), max_length=5000, blank=True)
    legal_basis = models.TextField(_("法律依据"), max_length=2000, blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("制作人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("签发日期"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    year = models.PositiveSmallIntegerField(_("编号年度"), null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(_("顺序号"), null=True, blank=True, editable=False)
    seal = models.CharField(_("防篡改校验码"), max_length=64, blank=True, editable=False)

    objects = EnforcementDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["region_path", "created_at"],
                name="enfdoc_path_created_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(fields=["site", "created_at"], name="enfdoc_site_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        status=DocumentStatus.DRAFT,
                        number__isnull=True,
                        issued_on__isnull=True,
                        sequence__isnull=True,
                    )
                    | (
                        Q(
                            status=DocumentStatus.ISSUED,
                            number__isnull=False,
                            issued_on__isnull=False,
                            issued_by__isnull=False,
                            year__isnull=False,
                            sequence__isnull=False,
                        )
                        & ~Q(seal="")
                    )
                ),
                name="enfdoc_issued_has_number_and_seal",
                violation_error_message=_("文书状态与编号、签发信息不一致。"),
            ),
            models.UniqueConstraint(
                fields=["organisation", "doc_type", "year", "sequence"],
                name="enfdoc_unique_sequence",
                violation_error_message=_("该编号已被使用。"),
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return self.number
        return gettext("%(type)s（草稿 #%(pk)s）") % {"type": self.get_doc_type_display(), "pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("enforcement:document_detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == DocumentStatus.DRAFT

    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED


class PenaltyQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return row_scope_q(grant, region="region_path", sector="sector_id", site="site_id")


class Penalty(TimeStampedModel):
    """Administrative penalty (行政处罚): what was imposed on a site (type, amount, legal basis) by
    which issued 行政处罚决定书. Recorded once, as decided; never edited. Scope keys from the site."""

    site = models.ForeignKey(Site, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="penalties")
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), editable=False)
    party = models.CharField(_("当事人"), max_length=100)
    penalty_type = models.CharField(_("处罚种类"), max_length=32, choices=PenaltyType.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    legal_basis = models.TextField(_("法律依据"), max_length=2000)
    decision = models.ForeignKey(
        EnforcementDocument,
        verbose_name=_("处罚决定书"),
        on_delete=models.PROTECT,
        related_name="penalties",
    )
    decided_on = models.DateField(_("决定日期"))
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("检查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalties",
    )
    hazards = models.ManyToManyField(Hazard, verbose_name=_("隐患"), blank=True, related_name="penalties")
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=PenaltyStatus.choices,
        default=PenaltyStatus.RECORDED,
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PenaltyQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(
                fields=["region_path", "decided_on"],
                name="penalty_path_date_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["site", "decided_on"], name="penalty_site_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="penalty_amount_not_negative",
                violation_error_message=_("金额不能为负数。"),
            ),
            models.CheckConstraint(
                # Spelled out for NULL: a CHECK that evaluates to NULL passes.
                condition=~Q(penalty_type=PenaltyType.FINE) | Q(amount__isnull=False, amount__gt=0),
                name="penalty_fine_has_amount",
                violation_error_message=_("罚款必须填写大于 0 的金额。"),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(penalty_type__in=sorted(MONETARY_PENALTIES)),
                name="penalty_amount_only_when_monetary",
                violation_error_message=_("只有罚款和没收违法所得填写金额。"),
            ),
        ]

    def __str__(self) -> str:
        text = f"{self.party} · {self.get_penalty_type_display()}"
        if self.amount is not None:
            text += " " + gettext("%(amount)s 元") % {"amount": self.amount}
        return text

    def get_absolute_url(self) -> str:
        return reverse("enforcement:penalty_detail", kwargs={"pk": self.pk})
