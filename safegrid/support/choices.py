"""Choices of the support pillar (基础保障, DESIGN.md §3 pillar 7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from safegrid.orgs.choices import RegionKind


class FundPurpose(models.TextChoices):
    """What a work-safety fund allocation (安全生产专项资金) is for; the bulletin totals by purpose."""

    PUBLICITY = "publicity", _("宣传")
    TRAINING = "training", _("培训")
    DRILLS = "drills", _("演练")
    EXPERTS = "experts", _("专家服务")
    EQUIPMENT = "equipment", _("装备")
    OTHER = "other", _("其他")


# Funds, evaluations and leadership records belong to the county or one of its townships.
SUPPORT_REGION_KINDS = (RegionKind.COUNTY, RegionKind.TOWNSHIP)
