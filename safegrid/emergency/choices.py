"""Emergency plans and drills (DOMAIN.md §5): plan types, review, filing, revision triggers, drill
forms and places, and the site kinds the review and drill-frequency rules name."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from safegrid.orgs.choices import OrganisationKind
from safegrid.sites.choices import SiteKind, SiteSize


class PlanKind(models.TextChoices):
    """生产安全事故应急预案管理办法 第六条."""

    COMPREHENSIVE = "comprehensive", _("综合应急预案")
    SPECIAL = "special", _("专项应急预案")
    ON_SITE = "on_site", _("现场处置方案")


class ReviewMethod(models.TextChoices):
    """第二十一条: expert review with minutes for the listed unit categories, validation otherwise."""

    REVIEW = "review", _("评审")
    VALIDATION = "validation", _("论证")


class FilingStatus(models.TextChoices):
    """Derived from the filing deadline (20 working days after issue), the filing date and today."""

    ON_TIME = "on_time", _("按时备案")
    LATE = "late", _("逾期备案")
    DUE = "due", _("待备案")
    OVERDUE = "overdue", _("逾期未备案")


class RevisionTrigger(models.TextChoices):
    """第三十六条 and 应急条例 第六条: why a plan is revised."""

    LAWS = "laws", _("依据的法律法规、标准或上位预案发生重大变化")
    COMMAND = "command", _("应急指挥机构及其职责发生调整")
    RISKS = "risks", _("面临的安全风险发生重大变化")
    RESOURCES = "resources", _("重要应急资源发生重大变化")
    DRILL = "drill", _("在应急演练和事故应急救援中发现重大问题")
    OTHER = "other", _("其他原因")


class EvaluationConclusion(models.TextChoices):
    KEEP = "keep", _("内容适当，继续执行")
    REVISE = "revise", _("需要修订")


class PlaceKind(models.TextChoices):
    HOSPITAL = "hospital", _("医院")
    SCHOOL = "school", _("学校")
    ENTERPRISE = "enterprise", _("企业")
    MALL = "mall", _("商场")
    ROAD = "road", _("重点路段")
    HOTEL = "hotel", _("宾馆饭店")
    SCENIC = "scenic", _("旅游景区")
    OTHER = "other", _("其他")


class DrillKind(models.TextChoices):
    """AQ/T 9007-2019: scope of the drill."""

    COMPREHENSIVE = "comprehensive", _("综合演练")
    SINGLE = "single", _("单项演练")


class DrillMode(models.TextChoices):
    LIVE = "live", _("实战演练")
    TABLETOP = "tabletop", _("桌面演练")


class ComplianceRule(models.TextChoices):
    """DOMAIN.md §5.3: who must drill how often."""

    PLAN_YEAR = "plan_year", _("综合/专项预案每年至少演练一次")
    ON_SITE_HALF = "on_site_half", _("现场处置方案每半年至少演练一次")
    HIGH_RISK_HALF = "high_risk_half", _("高危行业和人员密集场所每半年至少演练一次")
    GOVERNMENT_TWO_YEARS = "government_two_years", _("县级政府部门和乡镇每两年至少演练一次")


class PeriodStatus(models.TextChoices):
    MET = "met", _("已演练")
    MISSED = "missed", _("未演练（已逾期）")
    OPEN = "open", _("本期尚未演练")
    FUTURE = "future", _("未到期")


# 第二十一条: units whose plans need an expert review (评审) with minutes. Metal smelting and
# "chemical users above the threshold" have no site kind of their own; such units are medium or
# larger in practice, and `REVIEW_SIZES` catches them.
REVIEW_SITE_KINDS = frozenset(
    {
        SiteKind.MINE,
        SiteKind.TAILINGS_POND,
        SiteKind.CONSTRUCTION,
        SiteKind.HAZCHEM,
        SiteKind.FIREWORKS,
        SiteKind.GAS_STATION,  # traders and storers of flammables
        SiteKind.GAS,  # storers and distributors of flammable gas
    }
)
REVIEW_SIZES = frozenset({SiteSize.LARGE, SiteSize.MEDIUM})

# 应急条例 第八条: units that drill at least once per half-year. No site kind stands for
# entertainment venues or metal smelting; urban rail does not exist in a county.
HIGH_RISK_SITE_KINDS = frozenset(
    {
        SiteKind.MINE,
        SiteKind.TAILINGS_POND,
        SiteKind.HAZCHEM,
        SiteKind.FIREWORKS,
        SiteKind.GAS_STATION,
        SiteKind.GAS,
        SiteKind.CONSTRUCTION,
        SiteKind.HOTEL,
        SiteKind.MALL,
        SiteKind.TOURISM,
    }
)

# The county government's side (its safety office and departments) and the townships: ≥ 1 drill
# in every two years.
GOVERNMENT_KINDS = frozenset(
    {OrganisationKind.COUNTY_OFFICE, OrganisationKind.DEPARTMENT, OrganisationKind.TOWNSHIP_GOVERNMENT}
)

FILING_WORKDAYS = 20  # 第二十六条
EVALUATION_YEARS = 3  # 第三十五条
