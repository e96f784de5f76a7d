"""The audited writes of publicity plans and activities, for test_audit_contract (same shape as its
`Write`)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from safegrid.publicity.models import Activity, PlanMonth, PublicityPlan
from safegrid.publicity.tests.world import seed_publicity

from .base import Write

# ---- audited writes (shape of test_audit_contract.Write) ----------------------------------------


DAY = datetime.date(2026, 6, 18)


def activity_form(w, **over):
    data = {
        "date": str(DAY),
        "title": "网格安全宣讲",
        "channel": "lecture",
        "organiser": w.org_g11.pk,
        "region": w.g11.pk,
        "audience_count": "30",
        "description": "讲解燃气安全常识",
    }
    data.update(over)
    return data


def _activity(w, key):
    return seed_publicity(w).activities[key]


def _plan(w, key="county"):
    return seed_publicity(w).plans[key]


PUBLICITY_WRITES = [
    # ---- pages ----
    Write(
        "publicity activity record page",
        "grid11",
        "page",
        lambda w: reverse("publicity:activity_create"),
        lambda w: activity_form(w),
        lambda w: activity_form(w, region=w.g21.pk),
        "activity.record",
        Activity,
    ),
    Write(
        "publicity activity edit page",
        "grid11",
        "page",
        lambda w: reverse("publicity:activity_edit", args=[_activity(w, "g11_visit").pk]),
        lambda w: activity_form(
            w,
            title="横水钨矿进企业宣传（更正）",
            channel="enterprise_visit",
            sites_visited=[w.site11_mine.pk],
        ),
        lambda w: activity_form(w, channel="enterprise_visit", sites_visited=[], audience_count="-1"),
        "activity.update",
        Activity,
    ),
    Write(
        "publicity plan create page",
        "office",
        "page",
        lambda w: reverse("publicity:plan_create"),
        lambda w: {"region": w.county.pk, "year": "2027", "title": "", "note": ""},
        lambda w: {"region": w.county_b.pk, "year": "2027", "title": "", "note": ""},
        "publicity_plan.create",
        PublicityPlan,
    ),
    Write(
        "publicity plan edit page",
        "office",
        "page",
        lambda w: reverse("publicity:plan_edit", args=[_plan(w).pk]),
        lambda w: {"title": "2026年崇义县安全生产宣传教育工作计划", "note": "经县安委办审定"},
        lambda w: {"title": "", "note": ""},
        "publicity_plan.update",
        PublicityPlan,
    ),
    Write(
        "publicity plan month edit page",
        "office",
        "page",
        lambda w: reverse("publicity:plan_month_edit", args=[_plan(w).pk, 6]),
        lambda w: {
            "theme": "安全生产月",
            "content": "安全宣传咨询日",
            "responsible_units": [w.org_office.pk, w.org_t1.pk],
            "planned_activities": "6",
        },
        lambda w: {"theme": "安全生产月", "content": "", "planned_activities": "-1"},
        "publicity_plan.month_update",
        PlanMonth,
    ),
    # ---- API ----
    Write(
        "publicity activity record api",
        "township1",
        "api",
        lambda w: reverse("api:publicity-activity-list"),
        lambda w: {
            "date": str(DAY),
            "title": "横水镇安全广播",
            "channel": "broadcast",
            "organiser": w.org_t1.pk,
            "region": w.t1.pk,
            "audience_count": 200,
        },
        lambda w: {
            "date": str(DAY),
            "title": "越权宣传",
            "channel": "broadcast",
            "organiser": w.org_t1.pk,
            "region": w.g21.pk,
        },
        "activity.record",
        Activity,
    ),
    Write(
        "publicity activity patch api",
        "township1",
        "api",
        lambda w: reverse("api:publicity-activity-detail", args=[_activity(w, "t1_broadcast").pk]),
        lambda w: {"audience_count": 350},
        lambda w: {"audience_count": -5},
        "activity.update",
        Activity,
        "patch",
    ),
    Write(
        "publicity plan create api",
        "office",
        "api",
        lambda w: reverse("api:publicity-plan-list"),
        lambda w: {"region": w.county.pk, "year": 2027},
        lambda w: {"region": w.county.pk, "year": 1999},
        "publicity_plan.create",
        PublicityPlan,
    ),
    Write(
        "publicity plan patch api",
        "office",
        "api",
        lambda w: reverse("api:publicity-plan-detail", args=[_plan(w).pk]),
        lambda w: {"note": "经县安委办审定"},
        lambda w: {"title": ""},
        "publicity_plan.update",
        PublicityPlan,
        "patch",
    ),
    Write(
        "publicity plan month api",
        "office",
        "api",
        lambda w: reverse("api:publicity-plan-month", args=[_plan(w).pk]),
        lambda w: {"month": 6, "planned_activities": 8, "responsible_units": [w.org_t1.pk]},
        lambda w: {"month": 13, "planned_activities": 8},
        "publicity_plan.month_update",
        PlanMonth,
    ),
]
