"""The audited writes of dispatch (meetings, agenda items and decisions, action items), for
test_audit_contract (shape of base.Write). A decision on a hazard item is recorded by the hazard
service ("hazard.assign"): that record is the one audit record of the write."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from safegrid.dispatch.models import ActionItem, AgendaItem, Meeting
from safegrid.dispatch.tests.world import seed_dispatch
from safegrid.hazards.models import Hazard

from .base import Write

DAY = datetime.date(2026, 6, 18)


def _later(days: int = 30) -> str:
    return str(timezone.localdate() + datetime.timedelta(days=days))


def _tomorrow() -> str:
    return str(timezone.localdate() + datetime.timedelta(days=1))


def _d(w):
    return seed_dispatch(w)


def meeting_form(w, **over):
    data = {
        "body": "county_office",
        "region": w.county.pk,
        "sector": "",
        "kind": "dispatch",
        "held_on": str(DAY),
        "title": "",
        "place": "县应急管理局会议室",
        "chair": "县安委办主任",
        "attendees": "各乡镇分管负责人",
        "attendee_count": "18",
        "agenda": "",
        "minutes": "",
    }
    data.update(over)
    return data


def edit_form(w, **over):
    data = {
        "kind": "dispatch",
        "held_on": "2026-04-10",
        "title": "崇义县安委办四月调度会（更正）",
        "place": "县政府三楼会议室",
        "chair": "县安委办主任",
        "attendees": "",
        "attendee_count": "22",
        "agenda": "",
        "minutes": "会议通报了隐患排查治理情况。",
    }
    data.update(over)
    return data


def decision(w, item_key, org_attr, **over):
    data = {
        "agenda_item": _d(w).agenda[item_key].pk,
        "decision": "由责任单位限期整改，县安委办跟踪督办",
        "responsible_org": getattr(w, org_attr).pk,
        "responsible_person": "王主任",
        "deadline": _later(),
    }
    data.update(over)
    return data


def decision_form(w, item_key, org_attr, **over):
    data = decision(w, item_key, org_attr, **over)
    data.pop("agenda_item")
    data.setdefault("grade", "")
    return data


WRITES = [
    # ---- pages ----
    Write(
        "meeting create page",
        "office",
        "page",
        lambda w: reverse("dispatch:meeting_create"),
        lambda w: meeting_form(w),
        lambda w: meeting_form(w, held_on=_tomorrow()),
        "meeting.create",
        Meeting,
    ),
    Write(
        "meeting create page by a sector officer",
        "sector_mining",
        "page",
        lambda w: reverse("dispatch:meeting_create"),
        lambda w: meeting_form(w, body="sector_committee", sector=w.mining.pk, kind="special"),
        lambda w: meeting_form(w),  # the county office's meeting: not the sector officer's to record
        "meeting.create",
        Meeting,
    ),
    Write(
        "meeting edit page",
        "office",
        "page",
        lambda w: reverse("dispatch:meeting_edit", args=[_d(w).meetings["office"].pk]),
        lambda w: edit_form(w),
        lambda w: edit_form(w, title=""),
        "meeting.update",
        Meeting,
    ),
    Write(
        "agenda item add page",
        "office",
        "page",
        lambda w: reverse("dispatch:agenda_item_add", args=[_d(w).meetings["office"].pk]),
        lambda w: {"title": "部署汛期安全防范工作", "hazard": ""},
        lambda w: {"title": "", "hazard": _d(w).hazards["l2_mining"].pk},  # a sector-level hazard
        "meeting.agenda_item_add",
        AgendaItem,
    ),
    Write(
        "agenda hazard decide page (office)",
        "office",
        "page",
        lambda w: reverse("dispatch:agenda_item_decide", args=[_d(w).agenda["office_l3"].pk]),
        lambda w: decision_form(w, "office_l3", "org_t1"),
        lambda w: decision_form(w, "office_l3", "org_t1", deadline="2001-01-01"),
        "hazard.assign",
        Hazard,
    ),
    Write(
        "agenda hazard decide page (leader)",
        "leader",
        "page",
        lambda w: reverse("dispatch:agenda_item_decide", args=[_d(w).agenda["committee_l4"].pk]),
        lambda w: decision_form(w, "committee_l4", "org_t2"),
        lambda w: decision_form(w, "committee_l4", "org_t2", responsible_person=""),
        "hazard.assign",
        Hazard,
    ),
    Write(
        "agenda plain decide page",
        "office",
        "page",
        lambda w: reverse("dispatch:agenda_item_decide", args=[_d(w).agenda["office_plain"].pk]),
        lambda w: {
            "decision": "六月开展安全生产月活动",
            "responsible_org": w.org_office.pk,
            "deadline": "2026-06-30",
        },
        lambda w: {"decision": "", "responsible_org": w.org_office.pk},
        "meeting.agenda_item_decide",
        AgendaItem,
    ),
    Write(
        "action item create page",
        "office",
        "page",
        lambda w: _d(w) and reverse("dispatch:action_item_create"),
        lambda w: {
            "meeting": _d(w).meetings["office"].pk,
            "resolution": "各乡镇开展燃气安全排查",
            "owner": w.org_t1.pk,
            "deadline": _later(),
        },
        lambda w: {
            "meeting": _d(w).meetings["office"].pk,
            "resolution": "各乡镇开展燃气安全排查",
            "owner": w.org_t1.pk,
            "deadline": "2026-01-01",  # before the meeting
        },
        "action_item.create",
        ActionItem,
    ),
    Write(
        "action item complete page",
        "office",
        "page",
        lambda w: reverse("dispatch:action_item_complete", args=[_d(w).actions["office_overdue"].pk]),
        lambda w: {"done_on": str(timezone.localdate()), "note": "已完成验收"},
        lambda w: {"done_on": str(timezone.localdate()), "note": ""},
        "action_item.complete",
        ActionItem,
    ),
    # ---- API ----
    Write(
        "meeting create api",
        "leader",
        "api",
        lambda w: reverse("api:meeting-list"),
        lambda w: {"body": "county_committee", "region": w.county.pk, "kind": "plenary", "held_on": str(DAY)},
        lambda w: {
            "body": "county_committee",
            "region": w.county_b.pk,
            "kind": "plenary",
            "held_on": str(DAY),
        },
        "meeting.create",
        Meeting,
    ),
    Write(
        "meeting patch api",
        "sector_mining",
        "api",
        lambda w: reverse("api:meeting-detail", args=[_d(w).meetings["mining"].pk]),
        lambda w: {"minutes": "会议研究了尾矿库汛期安全。"},
        lambda w: {"held_on": _tomorrow()},
        "meeting.update",
        Meeting,
        "patch",
    ),
    Write(
        "meeting agenda item api",
        "sector_mining",
        "api",
        lambda w: reverse("api:meeting-agenda-items", args=[_d(w).meetings["mining"].pk]),
        lambda w: {"title": "部署尾矿库汛前检查"},
        lambda w: {"hazard": _d(w).hazards["l3_mining"].pk},  # the office's level, not the committee's
        "meeting.agenda_item_add",
        AgendaItem,
    ),
    Write(
        "meeting decide api",
        "sector_mining",
        "api",
        lambda w: reverse("api:meeting-decide", args=[_d(w).meetings["mining"].pk]),
        lambda w: decision(w, "mining_l2", "org_mining_committee"),
        lambda w: decision(w, "mining_l2", "org_mining_committee", deadline="2001-01-01"),
        "hazard.assign",
        Hazard,
    ),
    Write(
        "meeting action item api",
        "office",
        "api",
        lambda w: reverse("api:meeting-action-items", args=[_d(w).meetings["office"].pk]),
        lambda w: {"resolution": "开展有限空间作业专项检查", "owner": w.org_t2.pk, "deadline": _later()},
        lambda w: {"resolution": "开展有限空间作业专项检查", "owner": w.org_b.pk, "deadline": _later()},
        "action_item.create",
        ActionItem,
    ),
    Write(
        "action item complete api",
        "office",
        "api",
        lambda w: reverse("api:action-item-complete", args=[_d(w).actions["office_overdue"].pk]),
        lambda w: {"note": "已完成验收"},
        lambda w: {"note": ""},
        "action_item.complete",
        ActionItem,
    ),
]
