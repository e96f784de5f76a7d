"""The audited writes of emergency plans and drills for test_audit_contract: one good and one bad
payload per page and API write. Each `url` seeds the world's plans and drills first (model layer,
no audit records). A problem turned into a hazard is audited by the hazard service
("hazard.report"), its one record."""

from __future__ import annotations

from django.urls import reverse

from safegrid.emergency.models import DrillPlanEntry, DrillRecord, EmergencyPlan, RevisionTask
from safegrid.emergency.tests.world import seed_emergency
from safegrid.hazards.models import Hazard

from .base import Write


def _url(name, group=None, key=None):
    def url(w):
        e = seed_emergency(w)
        if group is None:
            return reverse(name)
        return reverse(name, args=[getattr(e, group)[key].pk])

    return url


def _problem_url(name, key):
    def url(w):
        e = seed_emergency(w)
        problem = e.problems[key]
        return reverse(name, args=[problem.drill_id, problem.pk])

    return url


def _problem(w, key):
    return seed_emergency(w).problems[key].pk


def plan_form(w, **over):
    data = {
        "kind": "special",
        "title": "横水镇森林火灾专项应急预案",
        "document_number": "",
        "organisation": w.org_t1.pk,
        "site": "",
        "issued_on": "2026-09-01",
        "note": "",
    }
    data.update(over)
    return data


def entry_form(w, **over):
    data = {
        "year": "2026",
        "month": "12",
        "planned_on": "",
        "place_kind": "school",
        "place": "横水小学",
        "theme": "冬季校园消防疏散演练",
        "organisation": w.org_t1.pk,
        "site": "",
        "plan": "",
        "note": "",
    }
    data.update(over)
    return data


def drill_form(w, **over):
    data = {
        "title": "横水镇防汛应急演练",
        "held_on": "2026-07-10",
        "kind": "single",
        "mode": "live",
        "organisation": w.org_t1.pk,
        "site": "",
        "place_kind": "other",
        "place": "横水河堤",
        "plan": "",
        "plan_entry": "",
        "participants": "85",
        "participating_units": "横水镇人民政府、各村委会",
        "scenario": "强降雨致河水上涨",
        "debrief": "",
        "written_evaluation": "",
        "summary": "",
        "submitted_on": "",
        "problems": "转移路线指示不清",
    }
    data.update(over)
    return data


WRITES = [
    # ---- pages ----
    Write(
        "emergency plan create page",
        "township1",
        "page",
        _url("emergency:plan_create"),
        lambda w: plan_form(w),
        lambda w: plan_form(w, organisation=w.org_t2.pk),  # another township: not a choice
        "emergency_plan.create",
        EmergencyPlan,
    ),
    Write(
        "emergency plan edit page",
        "township1",
        "page",
        _url("emergency:plan_edit", "plans", "t1"),
        lambda w: {
            "kind": "comprehensive",
            "title": "横水镇生产安全事故综合应急预案",
            "note": "按新规修订名称",
        },
        lambda w: {"kind": "comprehensive", "title": "", "note": ""},
        "emergency_plan.update",
        EmergencyPlan,
    ),
    Write(
        "emergency plan review page",
        "enterprise11",
        "page",
        _url("emergency:plan_review", "plans", "site11_mine"),
        lambda w: {"method": "review", "reviewed_on": "2026-01-15", "note": "专家组评审通过，纪要存档。"},
        lambda w: {
            "method": "validation",
            "reviewed_on": "2026-01-15",
            "note": "",
        },  # a mine must be reviewed
        "emergency_plan.review",
        EmergencyPlan,
    ),
    Write(
        "emergency plan file page",
        "office",
        "page",
        _url("emergency:plan_file", "plans", "county"),
        lambda w: {"filed_on": "2026-03-20", "filed_with": "赣州市应急管理局"},
        lambda w: {"filed_on": "2026-02-01", "filed_with": "赣州市应急管理局"},  # before issue
        "emergency_plan.file",
        EmergencyPlan,
    ),
    Write(
        "emergency plan evaluate page",
        "office",
        "page",
        _url("emergency:plan_evaluate", "plans", "county"),
        lambda w: {"evaluated_on": "2026-11-02", "conclusion": "keep", "note": "内容适当"},
        lambda w: {"evaluated_on": "2026-11-02", "conclusion": "maybe", "note": ""},
        "emergency_plan.evaluate",
        EmergencyPlan,
    ),
    Write(
        "emergency plan revise page",
        "office",
        "page",
        _url("emergency:plan_revise", "plans", "county"),
        lambda w: {"issued_on": "2026-11-10", "triggers": ["command"], "reason": "机构改革", "title": ""},
        lambda w: {"issued_on": "2026-11-10", "reason": "", "title": ""},  # no trigger
        "emergency_plan.revise",
        EmergencyPlan,
    ),
    Write(
        "drill plan create page",
        "township1",
        "page",
        _url("emergency:drill_plan_create"),
        lambda w: entry_form(w),
        lambda w: entry_form(w, year="", month="", planned_on=""),  # no time
        "drill_plan.create",
        DrillPlanEntry,
    ),
    Write(
        "drill plan edit page",
        "township1",
        "page",
        _url("emergency:drill_plan_edit", "entries", "t1"),
        lambda w: {
            "year": "2026",
            "month": "11",
            "place_kind": "school",
            "place": "横水中学",
            "theme": "校园消防疏散演练",
        },
        lambda w: {"year": "2026", "month": "13", "place_kind": "school", "place": "横水中学", "theme": "x"},
        "drill_plan.update",
        DrillPlanEntry,
    ),
    Write(
        "drill create page",
        "township1",
        "page",
        _url("emergency:drill_create"),
        lambda w: drill_form(w),
        lambda w: drill_form(w, participants="0"),
        "drill.record",
        DrillRecord,
    ),
    Write(
        "drill edit page",
        "township1",
        "page",
        _url("emergency:drill_edit", "drills", "t1"),
        lambda w: {
            "title": "横水中学消防疏散演练",
            "held_on": "2026-09-10",
            "kind": "single",
            "mode": "live",
            "place_kind": "school",
            "place": "横水中学",
            "participants": "620",
            "submitted_on": "2026-09-15",
        },
        lambda w: {
            "title": "横水中学消防疏散演练",
            "held_on": "2026-09-10",
            "kind": "single",
            "mode": "live",
            "place_kind": "school",
            "place": "横水中学",
            "participants": "620",
            "submitted_on": "2026-09-01",  # before the drill
        },
        "drill.update",
        DrillRecord,
    ),
    Write(
        "drill problem to hazard page",
        "enterprise11",
        "page",
        _problem_url("emergency:problem_hazard", "site11_mine:0"),
        lambda w: {"category": "management", "grade": "general", "site": "", "description": ""},
        lambda w: {"category": "unknown", "grade": "general", "site": "", "description": ""},
        "hazard.report",
        Hazard,
    ),
    Write(
        "drill problem to revision page",
        "enterprise11",
        "page",
        _problem_url("emergency:problem_revision", "site11_mine:1"),
        lambda w: {"description": "补充应急通讯保障措施"},
        lambda w: {"description": "x" * 2001},
        "emergency_plan.revision_task",
        RevisionTask,
    ),
    # ---- API ----
    Write(
        "emergency plan create api",
        "enterprise11",
        "api",
        _url("api:emergency-plan-list"),
        lambda w: {
            "kind": "on_site",
            "title": "横水钨矿尾矿库溃坝现场处置方案",
            "site": w.site11_mine.pk,
            "issued_on": "2026-06-01",
        },
        lambda w: {
            "kind": "on_site",
            "title": "越权预案",
            "site": w.site12_mine.pk,  # another enterprise
            "issued_on": "2026-06-01",
        },
        "emergency_plan.create",
        EmergencyPlan,
    ),
    Write(
        "emergency plan patch api",
        "sector_mining",
        "api",
        _url("api:emergency-plan-detail", "plans", "mining"),
        lambda w: {"document_number": "崇安委办字〔2026〕12号"},
        lambda w: {"kind": "general"},
        "emergency_plan.update",
        EmergencyPlan,
        "patch",
    ),
    Write(
        "emergency plan file api",
        "township2",
        "api",
        _url("api:emergency-plan-file", "plans", "t2"),
        lambda w: {"filed_on": "2026-04-20", "filed_with": "崇义县应急管理局"},
        lambda w: {"filed_on": "2026-04-20", "filed_with": " "},
        "emergency_plan.file",
        EmergencyPlan,
    ),
    Write(
        "emergency plan review api",
        "township2",
        "api",
        _url("api:emergency-plan-review", "plans", "t2"),
        lambda w: {"method": "validation", "reviewed_on": "2026-03-01"},
        lambda w: {"method": "validation", "reviewed_on": "2099-03-01"},
        "emergency_plan.review",
        EmergencyPlan,
    ),
    Write(
        "emergency plan evaluate api",
        "township2",
        "api",
        _url("api:emergency-plan-evaluate", "plans", "t2"),
        lambda w: {"evaluated_on": "2026-10-01", "conclusion": "revise", "note": "机构调整"},
        lambda w: {"evaluated_on": "2026-01-01", "conclusion": "keep"},  # before issue
        "emergency_plan.evaluate",
        EmergencyPlan,
    ),
    Write(
        "emergency plan revise api",
        "township2",
        "api",
        _url("api:emergency-plan-revise", "plans", "t2"),
        lambda w: {"issued_on": "2026-10-20", "triggers": ["risks", "resources"], "reason": "新增危化企业"},
        lambda w: {"issued_on": "2026-10-20", "triggers": ["other"], "reason": ""},
        "emergency_plan.revise",
        EmergencyPlan,
    ),
    Write(
        "drill plan create api",
        "enterprise11",
        "api",
        _url("api:drill-plan-list"),
        lambda w: {
            "planned_on": "2026-12-15",
            "place_kind": "enterprise",
            "theme": "冬季井下火灾演练",
            "site": w.site11_mine.pk,
        },
        lambda w: {
            "planned_on": "2026-12-15",
            "place_kind": "enterprise",
            "theme": "越权演练",
            "site": w.site21_hotel.pk,
        },
        "drill_plan.create",
        DrillPlanEntry,
    ),
    Write(
        "drill plan patch api",
        "office",
        "api",
        _url("api:drill-plan-detail", "entries", "county"),
        lambda w: {"planned_on": "2026-06-16"},
        lambda w: {"place_kind": "moon"},
        "drill_plan.update",
        DrillPlanEntry,
        "patch",
    ),
    Write(
        "drill create api",
        "enterprise11",
        "api",
        _url("api:drill-list"),
        lambda w: {
            "title": "横水钨矿下半年透水演练",
            "held_on": "2026-10-15",
            "kind": "single",
            "mode": "tabletop",
            "place_kind": "enterprise",
            "participants": 30,
            "site": w.site11_mine.pk,
            "plan": seed_emergency(w).plans["site11_mine"].pk,
            "problems": ["排水泵启动迟缓"],
        },
        lambda w: {
            "title": "明日演练",
            "held_on": "2099-10-15",
            "kind": "single",
            "mode": "tabletop",
            "place_kind": "enterprise",
            "participants": 30,
            "site": w.site11_mine.pk,
        },
        "drill.record",
        DrillRecord,
    ),
    Write(
        "drill patch api",
        "sector_mining",
        "api",
        _url("api:drill-detail", "drills", "mining"),
        lambda w: {"summary": "演练达到预期目的", "new_problems": ["救援队集结超时"]},
        lambda w: {"participants": 0},
        "drill.update",
        DrillRecord,
        "patch",
    ),
    Write(
        "drill problem to hazard api",
        "township2",
        "api",
        _url("api:drill-problem-hazard", "drills", "site21_hotel"),
        lambda w: {"problem": _problem(w, "site21_hotel:0"), "category": "thing", "grade": "general"},
        lambda w: {"problem": _problem(w, "site11_mine:0"), "category": "thing"},  # another drill's problem
        "hazard.report",
        Hazard,
    ),
    Write(
        "drill problem to revision api",
        "township2",
        "api",
        _url("api:drill-problem-revision", "drills", "site21_hotel"),
        lambda w: {"problem": _problem(w, "site21_hotel:0")},
        lambda w: {"problem": "第一个"},
        "emergency_plan.revision_task",
        RevisionTask,
    ),
]
