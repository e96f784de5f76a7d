from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    DAILY_PATROL = "daily_patrol", _("日常巡查")
    KEY_INSPECTION = "key_inspection", _("重点检查")
    SPECIAL_CAMPAIGN = "special_campaign", _("专项行动")
    JOINT = "joint", _("联合检查")
    SELF_INSPECTION = "self_inspection", _("企业自查")
    EXPERT_SERVICE = "expert_service", _("专家服务")


class ItemResult(models.TextChoices):
    OK = "ok", _("符合")
    ISSUE = "issue", _("存在问题")
    NOT_APPLICABLE = "na", _("不适用")


class InspectionResult(models.TextChoices):
    NO_HAZARD = "no_hazard", _("未发现隐患")
    HAZARDS_FOUND = "hazards_found", _("发现隐患")
