"""Risk levels, assessment methods, accident types and control levels (DOMAIN.md §2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    """The four levels of 双重预防机制, most severe first; each has its colour on the map."""

    MAJOR = "major", _("重大风险")
    SIGNIFICANT = "significant", _("较大风险")
    GENERAL = "general", _("一般风险")
    LOW = "low", _("低风险")


# Colour of each level on the four-colour map (红橙黄蓝).
LEVEL_COLOUR: dict[str, str] = {
    RiskLevel.MAJOR: "red",
    RiskLevel.SIGNIFICANT: "orange",
    RiskLevel.GENERAL: "yellow",
    RiskLevel.LOW: "blue",
}
# Severity rank: higher is worse; "worst" of several levels is the one with the highest rank.
LEVEL_RANK: dict[str, int] = {
    RiskLevel.MAJOR: 4,
    RiskLevel.SIGNIFICANT: 3,
    RiskLevel.GENERAL: 2,
    RiskLevel.LOW: 1,
}


def worst_level(levels) -> str | None:
    """The most severe of `levels` (None when there are none)."""
    levels = [level for level in levels if level]
    return max(levels, key=LEVEL_RANK.__getitem__) if levels else None


class AssessmentMethod(models.TextChoices):
    LEC = "lec", _("作业条件危险性分析法（LEC）")
    LS = "ls", _("风险矩阵分析法（LS）")


class GradingMethod(models.TextChoices):
    """How an enterprise-level grading (企业整体风险等级) was obtained."""

    HAZCHEM_DIAGNOSIS = "hazchem_diagnosis", _("危险化学品生产储存企业安全风险评估诊断分级（百分制）")
    OTHER = "other", _("其他评估方法")


class AccidentType(models.TextChoices):
    """GB 6441《企业职工伤亡事故分类》: the 20 accident categories."""

    OBJECT_STRIKE = "object_strike", _("物体打击")
    VEHICLE = "vehicle", _("车辆伤害")
    MACHINERY = "machinery", _("机械伤害")
    LIFTING = "lifting", _("起重伤害")
    ELECTROCUTION = "electrocution", _("触电")
    DROWNING = "drowning", _("淹溺")
    SCALD = "scald", _("灼烫")
    FIRE = "fire", _("火灾")
    FALL = "fall", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    ROOF_FALL = "roof_fall", _("冒顶片帮")
    WATER_INRUSH = "water_inrush", _("透水")
    BLASTING = "blasting", _("放炮")
    EXPLOSIVE = "explosive", _("火药爆炸")
    GAS_EXPLOSION = "gas_explosion", _("瓦斯爆炸")
    BOILER_EXPLOSION = "boiler_explosion", _("锅炉爆炸")
    VESSEL_EXPLOSION = "vessel_explosion", _("容器爆炸")
    OTHER_EXPLOSION = "other_explosion", _("其他爆炸")
    POISONING = "poisoning", _("中毒和窒息")
    OTHER_INJURY = "other_injury", _("其他伤害")


class ControlLevel(models.TextChoices):
    """The highest tier that controls a risk point (分级管控), from the company down to the post."""

    COMPANY = "company", _("公司级")
    WORKSHOP = "workshop", _("车间级")
    TEAM = "team", _("班组级")
    POST = "post", _("岗位级")


CONTROL_RANK: dict[str, int] = {
    ControlLevel.COMPANY: 4,
    ControlLevel.WORKSHOP: 3,
    ControlLevel.TEAM: 2,
    ControlLevel.POST: 1,
}
# DOMAIN.md §2.2: 红/橙 are controlled from the company down, 黄 from the workshop, 蓝 from the team.
MIN_CONTROL_LEVEL: dict[str, str] = {
    RiskLevel.MAJOR: ControlLevel.COMPANY,
    RiskLevel.SIGNIFICANT: ControlLevel.COMPANY,
    RiskLevel.GENERAL: ControlLevel.WORKSHOP,
    RiskLevel.LOW: ControlLevel.TEAM,
}
