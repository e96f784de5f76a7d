"""Choices of the people module: who a person is, the posts they hold, the certificates they carry,
the trainings they attend (DESIGN.md §3 pillar 1, DOMAIN.md §3.3 and §6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class PersonSource(models.TextChoices):
    """Where a member of the "专兼结合" safety teams comes from."""

    SENT_DOWN = "sent_down", _("下沉干部")
    HIRED = "hired", _("招聘行业专业人员")
    GRID_WORKER = "grid_worker", _("社区网格员")
    ENTERPRISE = "enterprise", _("企业安全管理人员")
    EXPERT = "expert", _("专家")


class Employment(models.TextChoices):
    FULL_TIME = "full_time", _("专职")
    PART_TIME = "part_time", _("兼职")


class OperationCategory(models.TextChoices):
    """特种作业目录 (annex to 30号令): the 11 categories (DOMAIN.md §6)."""

    ELECTRICAL = "electrical", _("电工作业")
    WELDING = "welding", _("焊接与热切割作业")
    HEIGHT = "height", _("高处作业")
    REFRIGERATION = "refrigeration", _("制冷与空调作业")
    COAL_MINE = "coal_mine", _("煤矿安全作业")
    METAL_MINE = "metal_mine", _("金属非金属矿山安全作业")
    OIL_GAS = "oil_gas", _("石油天然气安全作业")
    METALLURGY = "metallurgy", _("冶金（有色）生产安全作业")
    HAZCHEM = "hazchem", _("危险化学品安全作业")
    FIREWORKS = "fireworks", _("烟花爆竹安全作业")
    OTHER = "other", _("应急管理部认定的其他作业")


class PostKind(models.TextChoices):
    """Posts (岗位) a person holds. A special operator's post requires a valid certificate of its
    category (先培训后上岗, 安全生产法 第三十条)."""

    GRID_CHIEF = "grid_chief", _("网格长")
    GRID_WORKER = "grid_worker", _("网格员")
    TOWNSHIP_SAFETY = "township_safety", _("乡镇安监员")
    SECTOR_INSPECTOR = "sector_inspector", _("行业监管员")
    PRINCIPAL = "principal", _("企业主要负责人")
    SAFETY_MANAGER = "safety_manager", _("企业安全管理人员")
    SPECIAL_OPERATOR = "special_operator", _("特种作业人员")
    OTHER = "other", _("其他岗位")


# Posts held in a grid (巡查网格): the place of the posting must be a grid.
GRID_POSTS = frozenset({PostKind.GRID_CHIEF, PostKind.GRID_WORKER})
# Posts held at a site (the enterprise's own staff).
SITE_POSTS = frozenset({PostKind.PRINCIPAL, PostKind.SAFETY_MANAGER, PostKind.SPECIAL_OPERATOR})


class CertificateKind(models.TextChoices):
    SPECIAL_OPERATION = "special_operation", _("特种作业操作证")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备作业人员证")
    SAFETY_MANAGEMENT = "safety_management", _("安全生产知识和管理能力考核合格证")
    OTHER = "other", _("其他证书")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVIEW_DUE = "review_due", _("待复审")
    EXPIRY_DUE = "expiry_due", _("即将到期")
    REVIEW_OVERDUE = "review_overdue", _("逾期未复审")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已注销")


class TeamKind(models.TextChoices):
    GRID = "grid", _("网格安全队伍")
    TOWNSHIP = "township", _("乡镇安全队伍")
    SECTOR = "sector", _("行业领域安全队伍")
    ENTERPRISE = "enterprise", _("企业安全队伍")


class TeamRole(models.TextChoices):
    LEADER = "leader", _("队长")
    MEMBER = "member", _("队员")


class TrainingKind(models.TextChoices):
    BUSINESS = "business", _("业务培训")
    IN_SERVICE = "in_service", _("在职教育")
    SHADOWING = "shadowing", _("跟班实训")
    CONTEST = "contest", _("业务评比")
    SPECIAL_OPERATION = "special_operation", _("特种作业培训")
    ENTERPRISE = "enterprise", _("企业培训")


class CommendationKind(models.TextChoices):
    AWARD = "award", _("评先评优")
    NOTICE = "notice", _("通报表扬")
