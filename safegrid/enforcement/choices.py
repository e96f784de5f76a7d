"""Enforcement document types and their number codes (DOMAIN.md §4), document states, penalty types."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safegrid.orgs.choices import OrganisationKind


class DocumentType(models.TextChoices):
    INSPECTION_RECORD = "inspection_record", _("现场检查记录")
    ON_SITE_MEASURES = "on_site_measures", _("现场处理措施决定书")
    RECTIFICATION_ORDER = "rectification_order", _("责令限期整改指令书")
    RECHECK_OPINION = "recheck_opinion", _("整改复查意见书")
    COMPULSORY_MEASURES = "compulsory_measures", _("强制措施决定书")
    PENALTY_NOTICE = "penalty_notice", _("行政处罚告知书")
    HEARING_NOTICE = "hearing_notice", _("听证告知书")
    PENALTY_DECISION = "penalty_decision", _("行政处罚决定书")
    CASE_TRANSFER = "case_transfer", _("案件移送书")


# The code in the document number: （崇）应急责改〔2024〕12号. A numbering rule may override any of them
# for its issuing body (NumberingRule.code_overrides).
DOC_CODES: dict[str, str] = {
    DocumentType.INSPECTION_RECORD: "检记",
    DocumentType.ON_SITE_MEASURES: "现决",
    DocumentType.RECTIFICATION_ORDER: "责改",
    DocumentType.RECHECK_OPINION: "复查",
    DocumentType.COMPULSORY_MEASURES: "强措",
    DocumentType.PENALTY_NOTICE: "罚告",
    DocumentType.HEARING_NOTICE: "听告",
    DocumentType.PENALTY_DECISION: "罚",
    DocumentType.CASE_TRANSFER: "移",
}
# Codes not confirmed by a national catalogue (DOMAIN.md §8 item 6): check with the county's
# enforcement office before production and override in the numbering rule where they differ.
UNCONFIRMED_CODES = frozenset(
    {DocumentType.COMPULSORY_MEASURES, DocumentType.HEARING_NOTICE, DocumentType.CASE_TRANSFER}
)
# Types that cannot be issued without a deadline (责令限期整改: rectify by a date).
DEADLINE_REQUIRED = frozenset({DocumentType.RECTIFICATION_ORDER})


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已签发")


class PenaltyType(models.TextChoices):
    """Kinds of administrative penalty (行政处罚法 2021 第九条) that safety regulators impose;
    detention (拘留) is for the police and is not listed."""

    WARNING = "warning", _("警告")
    CIRCULATED_CRITICISM = "circulated_criticism", _("通报批评")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得")
    CONFISCATION_OF_PROPERTY = "confiscation_of_property", _("没收非法财物")
    LICENCE_SUSPENSION = "licence_suspension", _("暂扣许可证件")
    QUALIFICATION_DOWNGRADE = "qualification_downgrade", _("降低资质等级")
    LICENCE_REVOCATION = "licence_revocation", _("吊销许可证件")
    PRODUCTION_SUSPENSION = "production_suspension", _("责令停产停业")
    CLOSURE = "closure", _("责令关闭")
    PRACTICE_BAN = "practice_ban", _("限制从业")


# Penalties expressed as a sum of money (元); every other type has no amount.
MONETARY_PENALTIES = frozenset({PenaltyType.FINE, PenaltyType.CONFISCATION})


class PenaltyStatus(models.TextChoices):
    RECORDED = "recorded", _("已登记")


# Bodies that are not enforcement authorities and never issue documents.
NON_ISSUING_KINDS = frozenset(
    {OrganisationKind.GRID_UNIT, OrganisationKind.ENTERPRISE, OrganisationKind.EXPERT_BODY}
)
