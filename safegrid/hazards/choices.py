"""Hazard states, grades, handling levels and the transition table (DESIGN.md §5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardStatus(models.TextChoices):
    REPORTED = "reported", _("已上报")
    ASSIGNED = "assigned", _("已交办")
    RECTIFYING = "rectifying", _("整改中")
    VERIFYING = "verifying", _("待复查")
    CLOSED = "closed", _("已销号")


OPEN_STATUSES = (
    HazardStatus.REPORTED,
    HazardStatus.ASSIGNED,
    HazardStatus.RECTIFYING,
    HazardStatus.VERIFYING,
)
# Statuses in which the responsible unit owes work by a deadline (overdue is derived from these).
DEADLINE_STATUSES = (HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)


class HazardGrade(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class HazardCategory(models.TextChoices):
    """16号令 第三条: the three forms a hazard takes."""

    THING = "thing", _("物的不安全状态")
    BEHAVIOUR = "behaviour", _("人的不安全行为")
    MANAGEMENT = "management", _("管理上的缺陷")


class HazardSource(models.TextChoices):
    PATROL = "patrol", _("网格巡查")
    INSPECTION = "inspection", _("部门检查")
    SELF_INSPECTION = "self_inspection", _("企业自查")
    EXPERT = "expert", _("专家服务")
    TIP_OFF = "tip_off", _("群众举报")
    DRILL = "drill", _("应急演练")  # a problem an emergency drill revealed (emergency app)


class HandlingLevel(models.IntegerChoices):
    """处置层级: what a level cannot solve goes to the next one."""

    TERRITORIAL = 1, _("属地（网格/乡镇）")
    SECTOR = 2, _("行业领域安委会")
    COUNTY_OFFICE = 3, _("县安委办")
    COUNTY_COMMITTEE = 4, _("县安委会")


class HazardAction(models.TextChoices):
    REPORT = "report", _("上报")
    RECTIFY_ON_SPOT = "rectify_on_spot", _("立即整改")
    ASSIGN = "assign", _("交办")
    START = "start", _("开始整改")
    SUBMIT = "submit", _("报告整改完成")
    VERIFY_PASS = "verify_pass", _("复查通过并销号")
    VERIFY_FAIL = "verify_fail", _("复查不通过")
    ESCALATE = "escalate", _("提级处置")
    EXTEND = "extend", _("延长期限")
    SWEEP_ESCALATE = "sweep_escalate", _("逾期自动提级")
    SUPERVISION_NOTICE = "supervision_notice", _("督办通知")


# action → (statuses it may start from, status it leads to; None = unchanged).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    HazardAction.ASSIGN: (frozenset({HazardStatus.REPORTED}), HazardStatus.ASSIGNED),
    HazardAction.START: (frozenset({HazardStatus.ASSIGNED}), HazardStatus.RECTIFYING),
    HazardAction.SUBMIT: (frozenset({HazardStatus.RECTIFYING}), HazardStatus.VERIFYING),
    HazardAction.VERIFY_PASS: (frozenset({HazardStatus.VERIFYING}), HazardStatus.CLOSED),
    HazardAction.VERIFY_FAIL: (frozenset({HazardStatus.VERIFYING}), HazardStatus.RECTIFYING),
    HazardAction.ESCALATE: (
        frozenset({HazardStatus.REPORTED, HazardStatus.ASSIGNED, HazardStatus.RECTIFYING}),
        HazardStatus.REPORTED,
    ),
    HazardAction.EXTEND: (frozenset({HazardStatus.ASSIGNED, HazardStatus.RECTIFYING}), None),
}

# Who acts: "level" = an officer whose role handles the hazard's current level in scope;
# "unit" = the responsible unit (the site's enterprise staff) or, for it, the level's officer.
ACTOR_KIND: dict[str, str] = {
    HazardAction.ASSIGN: "level",
    HazardAction.START: "unit",
    HazardAction.SUBMIT: "unit",
    HazardAction.VERIFY_PASS: "verifier",
    HazardAction.VERIFY_FAIL: "verifier",
    HazardAction.ESCALATE: "level",
    HazardAction.EXTEND: "level",
}
