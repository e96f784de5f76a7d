"""Navigation: the seven pillars of the county's bulletin (DESIGN.md §3), shown by capability."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from safegrid.accounts.roles import ADMIN_ROLES

from .scope import grants_for

# (title, icon, [(label, url name, capability)]); url name None = planned, shown disabled.
PILLARS = [
    (
        pgettext_lazy("navigation", "排查整改"),
        "bi-search",
        [
            (pgettext_lazy("navigation", "场所"), "sites:site_list", "sites.view_site"),
            (
                pgettext_lazy("navigation", "检查记录"),
                "inspections:inspection_list",
                "inspections.view_inspection",
            ),
            (pgettext_lazy("navigation", "隐患排查治理"), "hazards:hazard_list", "hazards.view_hazard"),
            (
                pgettext_lazy("navigation", "执法文书"),
                "enforcement:document_list",
                "enforcement.view_document",
            ),
            (
                pgettext_lazy("navigation", "行政处罚"),
                "enforcement:penalty_list",
                "enforcement.view_document",
            ),
        ],
    ),
    (
        pgettext_lazy("navigation", "风险管控"),
        "bi-exclamation-triangle",
        [
            (pgettext_lazy("navigation", "风险点清单"), "risks:risk_point_list", "risks.view_riskpoint"),
            (pgettext_lazy("navigation", "四色风险图"), "reports:risk_map", "risks.view_riskpoint"),
            (pgettext_lazy("navigation", "统计分析"), "reports:dashboard", "hazards.view_hazard"),
        ],
    ),
    (
        pgettext_lazy("navigation", "队伍建设"),
        "bi-people",
        [
            (pgettext_lazy("navigation", "人员"), "people:person_list", "people.view_person"),
            (pgettext_lazy("navigation", "安全队伍"), "people:team_list", "people.view_person"),
            (pgettext_lazy("navigation", "岗位任职"), "people:posting_list", "people.view_person"),
            (pgettext_lazy("navigation", "培训"), "people:training_list", "people.view_person"),
            (pgettext_lazy("navigation", "持证管理"), "people:certificate_list", "people.view_person"),
            (pgettext_lazy("navigation", "评先评优"), "people:commendation_list", "people.view_person"),
        ],
    ),
    (
        pgettext_lazy("navigation", "调度机制"),
        "bi-calendar-check",
        [
            (pgettext_lazy("navigation", "会议调度"), "dispatch:meeting_list", "dispatch.view_meeting"),
            (pgettext_lazy("navigation", "督办事项"), "dispatch:action_item_list", "dispatch.view_meeting"),
            (pgettext_lazy("navigation", "会议频次"), "dispatch:compliance", "dispatch.view_meeting"),
        ],
    ),
    (
        pgettext_lazy("navigation", "明晰职责"),
        "bi-diagram-3",
        [
            (pgettext_lazy("navigation", "区划与网格"), "orgs:region_list", "orgs.view_region"),
            (pgettext_lazy("navigation", "行业领域"), "orgs:sector_list", "orgs.view_sector"),
            (pgettext_lazy("navigation", "组织机构"), "orgs:organisation_list", "orgs.view_organisation"),
            (pgettext_lazy("navigation", "网格职责"), "orgs:gridduty_list", "orgs.view_gridduty"),
        ],
    ),
    (
        pgettext_lazy("navigation", "宣传培训"),
        "bi-megaphone",
        [
            (pgettext_lazy("navigation", "宣传活动"), "publicity:activity_list", "publicity.view_activity"),
            (pgettext_lazy("navigation", "年度宣传计划"), "publicity:plan_list", "publicity.view_activity"),
        ],
    ),
    (
        pgettext_lazy("navigation", "实战演练"),
        "bi-life-preserver",
        [
            (pgettext_lazy("navigation", "应急预案"), "emergency:plan_list", "emergency.view_plan"),
            (pgettext_lazy("navigation", "演练计划"), "emergency:drill_plan_list", "emergency.view_plan"),
            (pgettext_lazy("navigation", "演练记录"), "emergency:drill_list", "emergency.view_plan"),
            (pgettext_lazy("navigation", "演练频次"), "emergency:compliance", "emergency.view_plan"),
        ],
    ),
    (
        pgettext_lazy("navigation", "基础保障"),
        "bi-cash-coin",
        [
            (pgettext_lazy("navigation", "资金保障"), "support:fund_list", "support.view_support"),
            (pgettext_lazy("navigation", "专家库"), "support:expert_list", "support.view_support"),
            (pgettext_lazy("navigation", "专家服务"), "support:engagement_list", "support.view_support"),
            (pgettext_lazy("navigation", "责任考评"), "support:evaluation_list", "support.view_support"),
            (pgettext_lazy("navigation", "领导责任"), "support:leadership_list", "support.view_support"),
        ],
    ),
    (
        pgettext_lazy("navigation", "系统管理"),
        "bi-gear",
        [
            (pgettext_lazy("navigation", "用户"), "accounts:user_list", "accounts.view_user"),
            (pgettext_lazy("navigation", "登录锁定"), "accounts:lockout_list", "accounts.manage_user"),
            (pgettext_lazy("navigation", "审计日志"), "core:audit_list", "core.view_audit"),
            (pgettext_lazy("navigation", "后台配置"), "admin:index", "core.use_admin"),
        ],
    ),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    business = bool(user.roles - ADMIN_ROLES)
    sections = []
    for title, icon, items in PILLARS:
        entries = []
        for label, url_name, capability in items:
            if url_name is None:
                entries.append({"label": label, "url": None})
            elif grants_for(user, capability):
                entries.append({"label": label, "url": reverse(url_name)})
        planned_only = bool(entries) and all(e["url"] is None for e in entries)
        if any(e["url"] for e in entries) or (planned_only and business):
            sections.append({"title": title, "icon": icon, "items": entries})
    return {"nav_sections": sections}
