"""Writes for dispatch (调度): meetings, their agenda items and decisions, and action items (督办).

Each service takes the acting user, runs in one transaction, validates (`full_clean`), checks the
capability and scope by re-selecting through `visible_to(actor, MANAGE_MEETING)` (NotInScope → 404)
and leaves exactly one audit record. A decision on an agenda item that carries a hazard is applied
through `hazards.services.hazard_assign`, whose timeline event and audit record ("hazard.assign")
are the record of that decision: the agenda item keeps a link to the event and writes no audit
record of its own."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record
from safegrid.core.exceptions import CapabilityDenied, NotInScope, TransitionNotAllowed
from safegrid.core.services import model_update
from safegrid.hazards import policies as hazard_policies
from safegrid.hazards.choices import HazardAction, HazardGrade, HazardStatus
from safegrid.hazards.models import Hazard
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Organisation, Region, Sector

from . import selectors
from .choices import BODY_LEVEL, ActionStatus, MeetingBody, MeetingKind
from .models import ActionItem, AgendaItem, Meeting


def _strip(value: Any) -> str:
    return (value or "").strip()


def _date_label(day: datetime.date) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def default_meeting_title(*, body: str, sector: Sector | None, kind: str, held_on: datetime.date) -> str:
    """“2026年3月28日县安委会全体会议”, “… 矿山安全生产委员会调度会” — stored, so always in the county's
    language whatever language the page is shown in."""
    with translation.override(settings.LANGUAGE_CODE):
        if body == MeetingBody.SECTOR_COMMITTEE and sector is not None:
            who = sector.committee_name or f"{sector.name}{MeetingBody.SECTOR_COMMITTEE.label}"
        else:
            who = str(MeetingBody(body).label)
        return f"{_date_label(held_on)}{who}{MeetingKind(kind).label}"[:100]


def _locked_meeting(actor, meeting: Meeting) -> Meeting:
    # Lock the meeting row only: PostgreSQL refuses FOR UPDATE on the nullable side (sector) of the join.
    locked = (
        Meeting.objects.visible_to(actor, Cap.MANAGE_MEETING)
        .select_for_update(of=("self",))
        .select_related("sector", "region")
        .filter(pk=meeting.pk)
        .first()
    )
    if locked is None:
        raise NotInScope(_("未找到。"))
    return locked


def _check_held_on(held_on: datetime.date | None) -> datetime.date:
    if held_on is None:
        raise ValidationError({"held_on": _("请填写会议日期。")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("会议日期不能晚于今天。")})
    return held_on


# ---- meetings ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor,
    body: str,
    held_on: datetime.date,
    kind: str,
    region: Region | None = None,
    sector: Sector | None = None,
    title: str = "",
    place: str = "",
    chair: str = "",
    attendees: str = "",
    attendee_count: int = 0,
    agenda: str = "",
    minutes: str = "",
) -> Meeting:
    """Record a meeting of the county committee, the county office or a sector committee, held in a
    county (a sector committee's county is its sector's) on `held_on` (not in the future). A sector
    officer records only its own committees' meetings. The title defaults to date, body and kind.
    One audit record ("meeting.create"). NotInScope for a county or sector outside the actor's
    scope; ValidationError (Chinese) otherwise."""
    if body not in MeetingBody.values:
        raise ValidationError({"body": _("会议主体无效。")})
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("会议类型无效。")})
    if body == MeetingBody.SECTOR_COMMITTEE:
        if sector is None:
            raise ValidationError({"sector": _("行业领域安委会的会议须选择行业领域。")})
        if not Sector.objects.visible_to(actor, Cap.MANAGE_MEETING).filter(pk=sector.pk).exists():
            raise NotInScope(_("未找到。"))
        if region is not None and sector.region_id != region.pk:
            raise ValidationError({"sector": _("行业领域应为所选县（区）的行业领域。")})
        region = sector.region
    elif sector is not None:
        raise ValidationError({"sector": _("只有行业领域安委会的会议才选择行业领域。")})
    if region is None:
        raise ValidationError({"region": _("请选择县（区）。")})
    if not Region.objects.visible_to(actor, Cap.MANAGE_MEETING).filter(pk=region.pk).exists():
        raise NotInScope(_("未找到。"))
    if region.kind != RegionKind.COUNTY:
        raise ValidationError({"region": _("调度会议由县（区）召开，请选择县级区划。")})
    _check_held_on(held_on)
    meeting = Meeting(
        body=body,
        sector=sector,
        region=region,
        region_path=region.path,
        title=_strip(title) or default_meeting_title(body=body, sector=sector, kind=kind, held_on=held_on),
        kind=kind,
        held_on=held_on,
        place=_strip(place),
        chair=_strip(chair),
        attendees=_strip(attendees),
        attendee_count=attendee_count or 0,
        agenda=_strip(agenda),
        minutes=_strip(minutes),
        created_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    if not Meeting.objects.visible_to(actor, Cap.MANAGE_MEETING).filter(pk=meeting.pk).exists():
        # A sector officer may not record the county committee's or office's meetings.
        raise ValidationError({"body": _("您只能登记您所负责行业领域安委会的会议。")})
    audit_record(
        actor=actor,
        action="meeting.create",
        obj=meeting,
        changes={
            "body": [None, body],
            "sector": [None, sector.pk if sector else None],
            "region": [None, region.pk],
            "held_on": [None, str(held_on)],
        },
    )
    return meeting


MEETING_EDITABLE = [
    "title",
    "kind",
    "held_on",
    "place",
    "chair",
    "attendees",
    "attendee_count",
    "agenda",
    "minutes",
]


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    """Correct a meeting's record (body, county and sector are fixed). One audit record
    ("meeting.update") when something changed; NotInScope outside the actor's writing scope."""
    locked = _locked_meeting(actor, meeting)
    cleaned = {k: v for k, v in data.items() if k in MEETING_EDITABLE}
    for key in ("title", "place", "chair", "attendees", "agenda", "minutes"):
        if key in cleaned:
            cleaned[key] = _strip(cleaned[key])
    if "title" in cleaned and not cleaned["title"]:
        raise ValidationError({"title": _("请填写会议名称。")})
    if "kind" in cleaned and cleaned["kind"] not in MeetingKind.values:
        raise ValidationError({"kind": _("会议类型无效。")})
    if "held_on" in cleaned:
        _check_held_on(cleaned["held_on"])
        first_action = locked.action_items.order_by("deadline").values_list("deadline", flat=True).first()
        if first_action is not None and cleaned["held_on"] > first_action:
            raise ValidationError({"held_on": _("会议日期不能晚于其督办事项的办理期限。")})
    changes = model_update(instance=locked, fields=MEETING_EDITABLE, data=cleaned)
    if changes:
        audit_record(actor=actor, action="meeting.update", obj=locked, changes=changes)
    return locked


# ---- agenda items -----------------------------------------------------------------------------


def check_agenda_hazard(*, actor, meeting: Meeting, hazard: Hazard) -> None:
    """A hazard may go on a meeting's agenda when it is open, in the meeting's county, handled at
    the body's level (county committee 4, office 3, sector committee 2 of its own sector) and
    visible to the actor. ValidationError (Chinese) otherwise."""
    if not Hazard.objects.visible_to(actor, Cap.VIEW_HAZARD).filter(pk=hazard.pk).exists():
        raise ValidationError({"hazard": _("隐患不存在或不在您的职责范围内。")})
    if not hazard.region_path.startswith(meeting.region_path):
        raise ValidationError({"hazard": _("该隐患不在本次会议所在的县（区）。")})
    if hazard.status == HazardStatus.CLOSED:
        raise ValidationError({"hazard": _("该隐患已销号，不能列入会议议题。")})
    level = BODY_LEVEL[meeting.body]
    if hazard.level != level:
        raise ValidationError(
            {
                "hazard": _("%(body)s的会议只研究由“%(level)s”处置的隐患，该隐患当前由“%(current)s”处置。")
                % {
                    "body": meeting.get_body_display(),
                    "level": Hazard(level=level).get_level_display(),
                    "current": hazard.get_level_display(),
                }
            }
        )
    if meeting.body == MeetingBody.SECTOR_COMMITTEE and hazard.sector_id != meeting.sector_id:
        raise ValidationError({"hazard": _("行业领域安委会的会议只研究本行业领域的隐患。")})


@transaction.atomic
def agenda_item_add(*, actor, meeting: Meeting, title: str = "", hazard: Hazard | None = None) -> AgendaItem:
    """Add an item to a meeting's agenda, optionally an escalated hazard at the body's handling level
    (see `check_agenda_hazard`; the title then defaults to the hazard's number and description).
    One audit record ("meeting.agenda_item_add")."""
    locked = _locked_meeting(actor, meeting)
    if hazard is not None:
        check_agenda_hazard(actor=actor, meeting=locked, hazard=hazard)
    title = _strip(title)
    if not title and hazard is not None:
        title = f"{hazard.number} {hazard.description}"[:200]
    if not title:
        raise ValidationError({"title": _("请填写议题。")})
    last = locked.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0
    item = AgendaItem(meeting=locked, order=last + 1, title=title, hazard=hazard)
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="meeting.agenda_item_add",
        obj=item,
        changes={"meeting": [None, locked.pk], "hazard": [None, hazard.pk if hazard else None]},
    )
    return item


_DECIDER = {
    MeetingBody.COUNTY_COMMITTEE: gettext_lazy("县安委会会议对隐患的决定须由县安委会领导录入。"),
    MeetingBody.COUNTY_OFFICE: gettext_lazy("县安委办会议对隐患的决定须由县安委办工作人员录入。"),
    MeetingBody.SECTOR_COMMITTEE: gettext_lazy(
        "行业领域安委会会议对隐患的决定须由本行业领域的监管人员录入。"
    ),
}


def _check_responsible_org(*, actor, meeting: Meeting, org: Organisation | None, field: str) -> Organisation:
    if org is None:
        raise ValidationError({field: _("请选择责任单位。")})
    visible = Organisation.objects.visible_to(actor, Cap.MANAGE_MEETING, write=False).filter(pk=org.pk)
    if not visible.exists() or not org.region_path.startswith(meeting.region_path):
        raise ValidationError({field: _("责任单位应为本县（区）的单位。")})
    return org


@transaction.atomic
def agenda_item_decide(
    *,
    actor,
    item: AgendaItem,
    decision: str = "",
    responsible_org: Organisation | None = None,
    responsible_person: str = "",
    deadline: datetime.date | None = None,
    grade: str | None = None,
) -> AgendaItem:
    """Record the meeting's decision on an agenda item.

    On a hazard item the decision (responsible unit, person, deadline; grade, default the hazard's)
    is applied to the hazard with `hazard_assign`, by an actor the hazard policies let handle the
    hazard's level (the county leader for the committee, the office for the office, the sector's
    officer for its committee): the hazard gets its "assign" timeline event, noting the meeting, and
    its "hazard.assign" audit record, which is the only audit record of this write; the item keeps
    the event. On any other item one audit record ("meeting.agenda_item_decide").
    Refusals (Chinese): TransitionNotAllowed when already decided or the hazard cannot be assigned
    now, CapabilityDenied when the actor may not decide at that level, ValidationError for bad input.
    Nothing is written on any refusal."""
    locked = _locked_meeting(actor, item.meeting)
    row = AgendaItem.objects.select_for_update().filter(pk=item.pk, meeting=locked).first()
    if row is None:
        raise NotInScope(_("未找到。"))
    if row.decided:
        raise TransitionNotAllowed(_("该议题已作出决定。"))
    decision = _strip(decision)
    responsible_person = _strip(responsible_person)
    if row.hazard_id is None:
        if not decision:
            raise ValidationError({"decision": _("请填写会议决定。")})
        data: dict[str, Any] = {"decision": decision, "responsible_person": responsible_person}
        if responsible_org is not None:
            data["responsible_org"] = _check_responsible_org(
                actor=actor, meeting=locked, org=responsible_org, field="responsible_org"
            )
        if deadline is not None:
            if deadline < locked.held_on:
                raise ValidationError({"deadline": _("完成期限不能早于会议日期。")})
            data["deadline"] = deadline
        _mark_decided(row, actor=actor, data=data)
        audit_record(
            actor=actor,
            action="meeting.agenda_item_decide",
            obj=row,
            changes={k: [None, v.pk if hasattr(v, "pk") else str(v)] for k, v in data.items() if v},
        )
        return row

    hazard = Hazard.objects.select_for_update().get(pk=row.hazard_id)
    level = BODY_LEVEL[locked.body]
    if hazard.level != level:
        raise TransitionNotAllowed(
            _("该隐患当前由“%(current)s”处置，已不属于本次会议的决定范围。")
            % {"current": hazard.get_level_display()}
        )
    if not hazard_policies.state_allows(hazard, HazardAction.ASSIGN):
        raise TransitionNotAllowed(
            _("隐患当前状态为“%(status)s”，不能按会议决定交办。") % {"status": hazard.get_status_display()}
        )
    if not hazard_policies.handles_level(actor, hazard):
        raise CapabilityDenied(str(_DECIDER[locked.body]))
    org = _check_responsible_org(actor=actor, meeting=locked, org=responsible_org, field="responsible_org")
    if not responsible_person:
        raise ValidationError({"responsible_person": _("请填写责任人。")})
    grade = grade or hazard.grade
    if grade not in HazardGrade.values:
        raise ValidationError({"grade": _("隐患等级无效。")})
    from safegrid.hazards.services import hazard_assign

    with translation.override(settings.LANGUAGE_CODE):  # the timeline note is stored
        note = _("%(meeting)s决定：%(decision)s") % {
            "meeting": locked.title,
            "decision": decision or _("交办"),
        }
    assigned = hazard_assign(
        actor=actor,
        hazard=hazard,
        grade=grade,
        responsible_org=org,
        responsible_person=responsible_person,
        deadline=deadline,
        note=note[:2000],
    )
    _mark_decided(
        row,
        actor=actor,
        data={
            "decision": decision,
            "responsible_org": org,
            "responsible_person": responsible_person,
            "deadline": assigned.deadline,
            "hazard_event": assigned._event,
        },
    )
    return row


def _mark_decided(row: AgendaItem, *, actor, data: dict[str, Any]) -> None:
    for key, value in data.items():
        setattr(row, key, value)
    row.decided = True
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.full_clean(validate_constraints=False)
    fields = [row._meta.get_field(k).attname for k in data] + ["decided", "decided_by", "decided_at"]
    row.save(update_fields=fields)


# ---- action items -----------------------------------------------------------------------------


@transaction.atomic
def action_item_create(
    *,
    actor,
    meeting: Meeting,
    resolution: str,
    owner: Organisation,
    deadline: datetime.date,
) -> ActionItem:
    """Turn a resolution of a meeting into an action item (督办事项) of an owner organisation of the
    meeting's county, due by `deadline` (not before the meeting). Scope keys are the meeting's.
    One audit record ("action_item.create")."""
    locked = _locked_meeting(actor, meeting)
    resolution = _strip(resolution)
    if not resolution:
        raise ValidationError({"resolution": _("请填写决议事项。")})
    owner = _check_responsible_org(actor=actor, meeting=locked, org=owner, field="owner")
    if deadline is None:
        raise ValidationError({"deadline": _("请填写办理期限。")})
    if deadline < locked.held_on:
        raise ValidationError({"deadline": _("办理期限不能早于会议日期。")})
    item = ActionItem(
        meeting=locked,
        region_path=locked.region_path,
        sector_id=locked.sector_id,
        resolution=resolution,
        owner=owner,
        deadline=deadline,
        created_by=actor,
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="action_item.create",
        obj=item,
        changes={"meeting": [None, locked.pk], "owner": [None, owner.pk], "deadline": [None, str(deadline)]},
    )
    return item


@transaction.atomic
def action_item_complete(
    *, actor, item: ActionItem, note: str, done_on: datetime.date | None = None
) -> ActionItem:
    """Report an action item done (办结) on `done_on` (default today; not in the future, not before
    the meeting) with what was done. One audit record ("action_item.complete");
    TransitionNotAllowed when it is already done."""
    selectors.action_item_for_completion(actor=actor, pk=item.pk)  # managers and the owner's staff
    row = (
        ActionItem.objects.visible_to(actor, Cap.VIEW_DISPATCH)
        .select_for_update(of=("self",))
        .select_related("meeting")
        .filter(pk=item.pk)
        .first()
    )
    if row is None:
        raise NotInScope(_("未找到。"))
    if row.status != ActionStatus.OPEN:
        raise TransitionNotAllowed(_("该督办事项已办结。"))
    note = _strip(note)
    if not note:
        raise ValidationError({"note": _("请填写办理情况。")})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("办结日期不能晚于今天。")})
    if done_on < row.meeting.held_on:
        raise ValidationError({"done_on": _("办结日期不能早于会议日期。")})
    overdue = row.is_overdue(done_on)
    row.status = ActionStatus.DONE
    row.done_on = done_on
    row.done_note = note
    row.full_clean()
    row.save(update_fields=["status", "done_on", "done_note", "updated_at"])
    audit_record(
        actor=actor,
        action="action_item.complete",
        obj=row,
        changes={
            "status": [ActionStatus.OPEN, ActionStatus.DONE],
            "done_on": [None, str(done_on)],
            "late": [None, overdue],
        },
    )
    return row
