"""Dispatch rows for the shared test world (conftest.build_world): meetings of county A's committee,
office, mining and fire committees and of county B's office and mining committee, with agenda items
(escalated hazards at each body's level) and action items (open, overdue, done).

Written through the model layer (fast, no audit) with the scope keys the services would copy; used
by the scope contract's registry and by this app's tests. Idempotent per world."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from safegrid.dispatch.choices import ActionStatus, MeetingBody, MeetingKind
from safegrid.dispatch.models import ActionItem, AgendaItem, Meeting
from safegrid.hazards.choices import HazardStatus
from safegrid.hazards.models import Hazard

D = datetime.date

# key, site attribute, level: open hazards escalated to a body's level (status 已上报 again).
HAZARDS = [
    ("l4_fire", "site21_hotel", 4),  # county committee (leader)
    ("l3_mining", "site12_mine", 3),  # county office
    ("l2_mining", "site11_mine", 2),  # mining committee (sector_mining)
    ("l2_fire", "site11_mall", 2),  # fire committee (no officer in the world)
    ("b_l3", "site31_mine", 3),  # county B's office
]

# key, body, county attribute, sector attribute, kind, held_on, title
MEETINGS = [
    (
        "committee",
        MeetingBody.COUNTY_COMMITTEE,
        "county",
        None,
        MeetingKind.PLENARY,
        D(2026, 3, 27),
        "崇义县安委会第一季度全体会议",
    ),
    (
        "office",
        MeetingBody.COUNTY_OFFICE,
        "county",
        None,
        MeetingKind.DISPATCH,
        D(2026, 4, 10),
        "崇义县安委办四月调度会",
    ),
    (
        "mining",
        MeetingBody.SECTOR_COMMITTEE,
        "county",
        "mining",
        MeetingKind.SPECIAL,
        D(2026, 5, 15),
        "崇义县矿山安委会专题会议",
    ),
    (
        "fire",
        MeetingBody.SECTOR_COMMITTEE,
        "county",
        "fire",
        MeetingKind.JOINT,
        D(2026, 6, 12),
        "崇义县消防安委会联席会议",
    ),
    (
        "office_b",
        MeetingBody.COUNTY_OFFICE,
        "county_b",
        None,
        MeetingKind.DISPATCH,
        D(2026, 4, 8),
        "安远县安委办四月调度会",
    ),
    (
        "mining_b",
        MeetingBody.SECTOR_COMMITTEE,
        "county_b",
        "mining_b",
        MeetingKind.SPECIAL,
        D(2026, 5, 20),
        "安远县矿山安委会专题会议",
    ),
]

# key, meeting key, hazard key or None, title
AGENDA = [
    ("committee_l4", "committee", "l4_fire", "扬眉宾馆消防隐患提请县安委会研究"),
    ("office_l3", "office", "l3_mining", "新溪钨矿隐患提请县安委办协调"),
    ("office_plain", "office", None, "部署安全生产月活动"),
    ("mining_l2", "mining", "l2_mining", "横水钨矿隐患提请矿山安委会研究"),
    ("fire_l2", "fire", "l2_fire", "横水商场隐患提请消防安委会研究"),
    ("office_b_l3", "office_b", "b_l3", "欣山钨矿隐患提请安远县安委办协调"),
]

# key, meeting key, owner attribute, deadline, done_on (None: open), resolution
ACTIONS = [
    ("committee_open", "committee", "org_office", D(2027, 3, 31), None, "全县开展安全生产大排查大整治"),
    ("office_overdue", "office", "org_t1", D(2026, 5, 10), None, "横水镇完成矿山企业复工复产验收"),
    ("office_done", "office", "org_t2", D(2026, 5, 31), D(2026, 5, 20), "扬眉镇完成宾馆消防通道清理"),
    ("mining_open", "mining", "org_mining_committee", D(2027, 6, 30), None, "矿山安委会组织尾矿库专项检查"),
    ("fire_overdue", "fire", "org_fire_committee", D(2026, 7, 31), None, "消防安委会完成商场消防设施检测"),
    ("office_b_open", "office_b", "org_b", D(2027, 4, 30), None, "安远县开展矿山安全专项整治"),
    ("mining_b_done", "mining_b", "org_b", D(2026, 6, 30), D(2026, 6, 1), "安远县完成矿山隐患整改复查"),
]


def seed_dispatch(w) -> SimpleNamespace:
    existing = getattr(w, "dispatch", None)
    if existing is not None:
        return existing
    d = SimpleNamespace(hazards={}, meetings={}, agenda={}, actions={})
    author = w.users["office"]
    for key, site_attr, level in HAZARDS:
        site = getattr(w, site_attr)
        d.hazards[key] = Hazard.objects.create(
            number=f"YH-D-{key}",
            site=site,
            region_path=site.region_path,
            sector_id=site.sector_id,
            source="patrol",
            category="thing",
            grade="general",
            description=f"{site.name}消防通道堵塞（提级至第{level}层级）",
            reported_by=author,
            status=HazardStatus.REPORTED,
            level=level,
        )
    for key, body, county_attr, sector_attr, kind, held_on, title in MEETINGS:
        county = getattr(w, county_attr)
        d.meetings[key] = Meeting.objects.create(
            body=body,
            sector=getattr(w, sector_attr) if sector_attr else None,
            region=county,
            region_path=county.path,
            title=title,
            kind=kind,
            held_on=held_on,
            place="县政府三楼会议室",
            chair="县长",
            attendees="各成员单位负责人",
            attendee_count=20,
            agenda="通报隐患排查治理情况；研究提级隐患。",
            created_by=author,
        )
    for order, (key, meeting_key, hazard_key, title) in enumerate(AGENDA, start=1):
        d.agenda[key] = AgendaItem.objects.create(
            meeting=d.meetings[meeting_key],
            order=order,
            title=title,
            hazard=d.hazards[hazard_key] if hazard_key else None,
        )
    for key, meeting_key, owner_attr, deadline, done_on, resolution in ACTIONS:
        meeting = d.meetings[meeting_key]
        d.actions[key] = ActionItem.objects.create(
            meeting=meeting,
            region_path=meeting.region_path,
            sector_id=meeting.sector_id,
            resolution=resolution,
            owner=getattr(w, owner_attr),
            deadline=deadline,
            status=ActionStatus.DONE if done_on else ActionStatus.OPEN,
            done_on=done_on,
            done_note="已完成。" if done_on else "",
            created_by=author,
        )
    w.dispatch = d
    return d
