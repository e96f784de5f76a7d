"""Writes for emergency plans and drills. Each service takes the acting user, runs in one
transaction, validates (`full_clean`, Chinese messages), copies the scope keys from the owner
(organisation or site, exactly one), re-checks inside the transaction that the row lies in the
actor's MANAGE_EMERGENCY scope (NotInScope → 404, nothing written) and writes exactly one audit
record. A problem turned into a hazard is recorded by the hazard service ("hazard.report"), which
is that write's one audit record, as for people's uncertified-operator hazards."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record, snapshot
from safegrid.core.dates import add_years
from safegrid.core.exceptions import ApplicationError, NotInScope
from safegrid.core.services import model_update
from safegrid.core.workdays import add_workdays
from safegrid.orgs.models import Organisation
from safegrid.sites.models import Site

from .choices import (
    EVALUATION_YEARS,
    FILING_WORKDAYS,
    DrillKind,
    DrillMode,
    EvaluationConclusion,
    PlaceKind,
    PlanKind,
    ReviewMethod,
    RevisionTrigger,
)
from .models import (
    DrillPlanEntry,
    DrillProblem,
    DrillRecord,
    EmergencyPlan,
    PlanEvaluation,
    PlanVersion,
    RevisionTask,
)


def _today() -> datetime.date:
    return timezone.localdate()


def _strip(value: Any) -> str:
    return (value or "").strip()


def _not_future(field: str, day: datetime.date | None, label: str) -> None:
    if day is not None and day > _today():
        raise ValidationError({field: _("%(label)s不能晚于今天。") % {"label": label}})


def filing_due_for(issued_on: datetime.date) -> datetime.date:
    """20 working days after issue (第二十六条), on the holiday calendar; UnknownCalendarYear (a
    Chinese refusal) when the count runs into a year whose holidays nobody has entered."""
    return add_workdays(issued_on, FILING_WORKDAYS)


def place(row, *, organisation: Organisation | None, site: Site | None) -> None:
    """Copy the scope keys from the owner, exactly as people does: a site gives its grid's path, its
    sector and itself; an organisation its region's path and its sector (site NULL)."""
    if (organisation is None) == (site is None):
        raise ValidationError(_("请选择一个责任单位：组织机构或企业（场所），二者只能选其一。"))
    row.organisation, row.site = organisation, site
    if site is not None:
        row.region_id, row.region_path, row.sector_id = site.grid_id, site.region_path, site.sector_id
    else:
        row.region_id, row.region_path = organisation.region_id, organisation.region_path
        row.sector_id = organisation.sector_id


def _check_owner(actor, *, organisation: Organisation | None, site: Site | None) -> None:
    """The owner must exist for the actor (read rule); whether the row may be written there is
    checked once the keys are copied (`_writable`)."""
    if organisation is not None and not (
        Organisation.objects.visible_to(actor, Cap.MANAGE_EMERGENCY, write=False)
        .filter(pk=organisation.pk)
        .exists()
    ):
        raise NotInScope(_("未找到。"))
    if (
        site is not None
        and not Site.objects.visible_to(actor, Cap.MANAGE_EMERGENCY).filter(pk=site.pk).exists()
    ):
        raise NotInScope(_("未找到。"))


def _writable(model: type[models.Model], pk, actor):
    row = model.objects.visible_to(actor, Cap.MANAGE_EMERGENCY).filter(pk=pk).first()
    if row is None:
        raise NotInScope(_("未找到。"))
    return row


def _locked(model: type[models.Model], pk, actor):
    row = model.objects.visible_to(actor, Cap.MANAGE_EMERGENCY).select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotInScope(_("未找到。"))
    return row


def _visible_plan(actor, plan: EmergencyPlan | None) -> None:
    if (
        plan is not None
        and not EmergencyPlan.objects.visible_to(actor, Cap.VIEW_EMERGENCY).filter(pk=plan.pk).exists()
    ):
        raise ValidationError({"plan": _("演练的预案不在您的职责范围内。")})


def _choice(field: str, value: str, choices: type[models.TextChoices], label: str) -> None:
    if value not in choices.values:
        raise ValidationError({field: _("%(label)s无效。") % {"label": label}})


# ---- plans ------------------------------------------------------------------------------------

PLAN_FIELDS = ["kind", "title", "document_number", "issued_on", "organisation", "site", "note"]
PLAN_EDITABLE = ["kind", "title", "document_number", "note"]


@transaction.atomic
def emergency_plan_create(
    *,
    actor,
    kind: str,
    title: str,
    issued_on: datetime.date,
    organisation: Organisation | None = None,
    site: Site | None = None,
    document_number: str = "",
    note: str = "",
) -> EmergencyPlan:
    """Register a plan as issued (version 1) by an organisation or a site in the actor's scope.
    The filing deadline is 20 working days after `issued_on` (holiday calendar; a year nobody has
    entered is refused in Chinese) and the next evaluation is due 3 years after issue. One audit
    record ("emergency_plan.create"); NotInScope outside the actor's MANAGE_EMERGENCY scope."""
    _check_owner(actor, organisation=organisation, site=site)
    _choice("kind", kind, PlanKind, _("预案类型"))
    _not_future("issued_on", issued_on, _("发布日期"))
    plan = EmergencyPlan(
        kind=kind,
        title=_strip(title),
        document_number=_strip(document_number),
        issued_on=issued_on,
        note=_strip(note),
        created_by=actor,
    )
    place(plan, organisation=organisation, site=site)
    if issued_on is None:
        raise ValidationError({"issued_on": _("请填写发布日期。")})
    plan.filing_due = filing_due_for(issued_on)
    plan.next_evaluation_due = add_years(issued_on, EVALUATION_YEARS)
    plan.full_clean()
    plan.save()
    _writable(EmergencyPlan, plan.pk, actor)
    version = PlanVersion(
        plan=plan,
        version=1,
        issued_on=issued_on,
        title=plan.title,
        filing_due=plan.filing_due,
        created_by=actor,
    )
    version.full_clean(validate_constraints=False)  # a new plan has no versions yet
    version.save()
    audit_record(
        actor=actor,
        action="emergency_plan.create",
        obj=plan,
        changes={k: [None, v] for k, v in snapshot(plan, PLAN_FIELDS).items()},
    )
    return plan


@transaction.atomic
def emergency_plan_update(*, actor, plan: EmergencyPlan, data: dict[str, Any]) -> EmergencyPlan:
    """Correct a plan's type, name, document number or note (owner, dates and version change only
    through their own steps). One audit record ("emergency_plan.update") when something changed."""
    row = _locked(EmergencyPlan, plan.pk, actor)
    cleaned = {k: (_strip(v) if k != "kind" else v) for k, v in data.items() if k in PLAN_EDITABLE}
    if "kind" in cleaned:
        _choice("kind", cleaned["kind"], PlanKind, _("预案类型"))
    if "title" in cleaned and not cleaned["title"]:
        raise ValidationError({"title": _("请填写预案名称。")})
    changes = model_update(instance=row, fields=PLAN_EDITABLE, data=cleaned)
    if changes:
        audit_record(actor=actor, action="emergency_plan.update", obj=row, changes=changes)
    return row


@transaction.atomic
def emergency_plan_review(
    *, actor, plan: EmergencyPlan, method: str, reviewed_on: datetime.date, note: str = ""
) -> EmergencyPlan:
    """Record the review (评审, expert review with minutes) or validation (论证) of the current
    version. Units of the 第二十一条 categories must have an expert review, with its minutes in
    `note`. One audit record ("emergency_plan.review")."""
    row = _locked(EmergencyPlan, plan.pk, actor)
    _choice("method", method, ReviewMethod, _("评审方式"))
    if row.review_required and method != ReviewMethod.REVIEW:
        raise ValidationError({"method": _("该单位属于应当组织专家评审的单位，请选择“评审”并填写评审纪要。")})
    note = _strip(note)
    if method == ReviewMethod.REVIEW and not note:
        raise ValidationError({"note": _("专家评审应有书面纪要，请填写评审意见。")})
    if reviewed_on is None:
        raise ValidationError({"reviewed_on": _("请填写评审（论证）日期。")})
    _not_future("reviewed_on", reviewed_on, _("评审（论证）日期"))
    changes = model_update(
        instance=row,
        fields=["review_method", "reviewed_on", "review_note"],
        data={"review_method": method, "reviewed_on": reviewed_on, "review_note": note},
    )
    audit_record(actor=actor, action="emergency_plan.review", obj=row, changes=changes)
    return row


@transaction.atomic
def emergency_plan_file(
    *, actor, plan: EmergencyPlan, filed_on: datetime.date, filed_with: str
) -> EmergencyPlan:
    """Record the filing (备案) of the current version with the emergency-management department.
    On time when `filed_on` is on or before the deadline (20 working days after issue), late
    otherwise. One audit record ("emergency_plan.file")."""
    row = _locked(EmergencyPlan, plan.pk, actor)
    filed_with = _strip(filed_with)
    if not filed_with:
        raise ValidationError({"filed_with": _("请填写备案部门。")})
    if filed_on is None:
        raise ValidationError({"filed_on": _("请填写备案日期。")})
    if filed_on < row.issued_on:
        raise ValidationError({"filed_on": _("备案日期不能早于预案发布日期。")})
    _not_future("filed_on", filed_on, _("备案日期"))
    changes = model_update(
        instance=row, fields=["filed_on", "filed_with"], data={"filed_on": filed_on, "filed_with": filed_with}
    )
    changes["filing_status"] = [None, row.filing_status(_today())]
    audit_record(actor=actor, action="emergency_plan.file", obj=row, changes=changes)
    return row


@transaction.atomic
def emergency_plan_evaluate(
    *, actor, plan: EmergencyPlan, evaluated_on: datetime.date, conclusion: str, note: str = ""
) -> PlanEvaluation:
    """Record a periodic evaluation (第三十五条); the next one falls due 3 years later. One audit
    record ("emergency_plan.evaluate")."""
    row = _locked(EmergencyPlan, plan.pk, actor)
    _choice("conclusion", conclusion, EvaluationConclusion, _("评估结论"))
    if evaluated_on is None:
        raise ValidationError({"evaluated_on": _("请填写评估日期。")})
    if evaluated_on < row.issued_on:
        raise ValidationError({"evaluated_on": _("评估日期不能早于预案发布日期。")})
    _not_future("evaluated_on", evaluated_on, _("评估日期"))
    evaluation = PlanEvaluation(
        plan=row, evaluated_on=evaluated_on, conclusion=conclusion, note=_strip(note), created_by=actor
    )
    evaluation.full_clean()
    evaluation.save()
    last = max(evaluated_on, row.last_evaluated_on or evaluated_on)
    changes = model_update(
        instance=row,
        fields=["last_evaluated_on", "next_evaluation_due"],
        data={"last_evaluated_on": last, "next_evaluation_due": add_years(last, EVALUATION_YEARS)},
    )
    changes["conclusion"] = [None, conclusion]
    audit_record(actor=actor, action="emergency_plan.evaluate", obj=row, changes=changes)
    return evaluation


@transaction.atomic
def emergency_plan_revise(
    *,
    actor,
    plan: EmergencyPlan,
    issued_on: datetime.date,
    triggers: Sequence[str],
    reason: str = "",
    title: str = "",
    document_number: str | None = None,
) -> EmergencyPlan:
    """Issue a revised version (第三十六条): the version number goes up, the superseded version keeps
    its review and filing in its `PlanVersion` row, the new version must be reviewed and filed again
    (new deadline from the new issue date) and every open revision task is closed by it, its trigger
    joining the version's triggers. One audit record ("emergency_plan.revise")."""
    row = _locked(EmergencyPlan, plan.pk, actor)
    open_tasks = list(row.revision_tasks.select_for_update().filter(resolved_on__isnull=True))
    triggers = list(dict.fromkeys([*triggers, *(t.trigger for t in open_tasks)]))
    if not triggers:
        raise ValidationError({"triggers": _("请选择至少一项修订原因。")})
    if any(t not in RevisionTrigger.values for t in triggers):
        raise ValidationError({"triggers": _("修订原因无效。")})
    if issued_on is None:
        raise ValidationError({"issued_on": _("请填写修订后预案的发布日期。")})
    if issued_on < row.issued_on:
        raise ValidationError({"issued_on": _("修订后预案的发布日期不能早于当前版本的发布日期。")})
    _not_future("issued_on", issued_on, _("发布日期"))
    reason = _strip(reason)
    if RevisionTrigger.OTHER in triggers and not reason:
        raise ValidationError({"reason": _("修订原因为“其他”时请填写修订说明。")})
    filing_due = filing_due_for(issued_on)
    current = row.versions.select_for_update().filter(version=row.version).first()
    if current is not None:
        current.review_method, current.reviewed_on = row.review_method, row.reviewed_on
        current.filed_on, current.filed_with = row.filed_on, row.filed_with
        current.superseded_on = issued_on
        current.save(
            update_fields=["review_method", "reviewed_on", "filed_on", "filed_with", "superseded_on"]
        )
    old_version = row.version
    row.version = old_version + 1
    row.issued_on = issued_on
    row.title = _strip(title) or row.title
    if document_number is not None:
        row.document_number = _strip(document_number)
    row.review_method, row.reviewed_on, row.review_note = "", None, ""
    row.filed_on, row.filed_with, row.filing_due = None, "", filing_due
    row.next_evaluation_due = add_years(issued_on, EVALUATION_YEARS)
    row.full_clean()
    row.save()
    version = PlanVersion(
        plan=row,
        version=row.version,
        issued_on=issued_on,
        title=row.title,
        triggers=triggers,
        reason=reason,
        filing_due=filing_due,
        created_by=actor,
    )
    version.full_clean()
    version.save()
    for task in open_tasks:
        task.resolved_version, task.resolved_on = row.version, issued_on
        task.save(update_fields=["resolved_version", "resolved_on"])
    audit_record(
        actor=actor,
        action="emergency_plan.revise",
        obj=row,
        changes={
            "version": [old_version, row.version],
            "issued_on": [None, str(issued_on)],
            "triggers": [None, triggers],
            "closed_tasks": [None, [t.pk for t in open_tasks]],
        },
    )
    return row


# ---- drill plan ---------------------------------------------------------------------------------

ENTRY_FIELDS = [
    "year",
    "month",
    "planned_on",
    "place_kind",
    "place",
    "theme",
    "organisation",
    "site",
    "plan",
    "note",
]
ENTRY_EDITABLE = ["year", "month", "planned_on", "place_kind", "place", "theme", "plan", "note"]


def _entry_when(data: dict[str, Any]) -> None:
    planned_on = data.get("planned_on")
    if planned_on is not None:
        data["year"], data["month"] = planned_on.year, planned_on.month
    if data.get("year") is None or data.get("month") is None:
        raise ValidationError({"month": _("请填写计划日期，或年度和计划月份。")})


@transaction.atomic
def drill_plan_entry_create(
    *,
    actor,
    place_kind: str,
    place: str,
    theme: str,
    year: int | None = None,
    month: int | None = None,
    planned_on: datetime.date | None = None,
    organisation: Organisation | None = None,
    site: Site | None = None,
    plan: EmergencyPlan | None = None,
    note: str = "",
) -> DrillPlanEntry:
    """Add a drill to the year's plan: a date (or a year and month), the kind of place and the place,
    the theme, the responsible unit (organisation or site) and the plan it will exercise. One audit
    record ("drill_plan.create")."""
    _check_owner(actor, organisation=organisation, site=site)
    _visible_plan(actor, plan)
    _choice("place_kind", place_kind, PlaceKind, _("演练场所类型"))
    when = {"year": year, "month": month, "planned_on": planned_on}
    _entry_when(when)
    entry = DrillPlanEntry(
        year=when["year"],
        month=when["month"],
        planned_on=planned_on,
        place_kind=place_kind,
        place=_strip(place) or (site.name if site is not None else ""),
        theme=_strip(theme),
        plan=plan,
        note=_strip(note),
        created_by=actor,
    )
    _place_for(entry, organisation=organisation, site=site)
    entry.full_clean()
    entry.save()
    _writable(DrillPlanEntry, entry.pk, actor)
    audit_record(
        actor=actor,
        action="drill_plan.create",
        obj=entry,
        changes={k: [None, v] for k, v in snapshot(entry, ENTRY_FIELDS).items()},
    )
    return entry


def _place_for(row, *, organisation, site) -> None:
    place(row, organisation=organisation, site=site)


@transaction.atomic
def drill_plan_entry_update(*, actor, entry: DrillPlanEntry, data: dict[str, Any]) -> DrillPlanEntry:
    """Edit an entry of the drill plan (the responsible unit stays). One audit record
    ("drill_plan.update") when something changed."""
    row = _locked(DrillPlanEntry, entry.pk, actor)
    data = {k: v for k, v in data.items() if k in ENTRY_EDITABLE}
    for key in ("place", "theme", "note"):
        if key in data:
            data[key] = _strip(data[key])
    if "place_kind" in data:
        _choice("place_kind", data["place_kind"], PlaceKind, _("演练场所类型"))
    if "plan" in data:
        _visible_plan(actor, data["plan"])
    if {"year", "month", "planned_on"} & set(data):
        when = {
            "year": data.get("year", row.year),
            "month": data.get("month", row.month),
            "planned_on": data.get("planned_on", row.planned_on),
        }
        _entry_when(when)
        data.update(when)
    changes = model_update(instance=row, fields=ENTRY_EDITABLE, data=data)
    if changes:
        audit_record(actor=actor, action="drill_plan.update", obj=row, changes=changes)
    return row


# ---- drill records ------------------------------------------------------------------------------

DRILL_FIELDS = [
    "title",
    "held_on",
    "kind",
    "mode",
    "place_kind",
    "place",
    "organisation",
    "site",
    "plan",
    "plan_entry",
    "participants",
    "submitted_on",
]
DRILL_EDITABLE = [
    "title",
    "held_on",
    "kind",
    "mode",
    "place_kind",
    "place",
    "plan",
    "participants",
    "participating_units",
    "scenario",
    "debrief",
    "written_evaluation",
    "summary",
    "submitted_on",
]


def _problem_lines(problems: Iterable[str]) -> list[str]:
    lines = [_strip(p) for p in problems]
    lines = [p for p in lines if p]
    if any(len(p) > 1000 for p in lines):
        raise ValidationError({"problems": _("每条问题描述不能超过 1000 字。")})
    return lines


def _check_drill_dates(held_on, submitted_on) -> None:
    if held_on is None:
        raise ValidationError({"held_on": _("请填写演练日期。")})
    _not_future("held_on", held_on, _("演练日期"))
    if submitted_on is not None:
        if submitted_on < held_on:
            raise ValidationError({"submitted_on": _("报送日期不能早于演练日期。")})
        _not_future("submitted_on", submitted_on, _("报送日期"))


@transaction.atomic
def drill_record_create(
    *,
    actor,
    title: str,
    held_on: datetime.date,
    kind: str,
    mode: str,
    place_kind: str,
    place: str,
    participants: int,
    organisation: Organisation | None = None,
    site: Site | None = None,
    plan: EmergencyPlan | None = None,
    plan_entry: DrillPlanEntry | None = None,
    participating_units: str = "",
    scenario: str = "",
    debrief: str = "",
    written_evaluation: str = "",
    summary: str = "",
    submitted_on: datetime.date | None = None,
    problems: Sequence[str] = (),
) -> DrillRecord:
    """Record a drill held by an organisation or a site: form (综合/单项 × 实战/桌面), place, plan
    exercised, participants and units, scenario, evaluation (现场点评, 书面评估), summary, the date it
    was submitted to the department and the problems found (one `DrillProblem` each). Linked to an
    entry of the drill plan the actor keeps, which then counts as held. One audit record
    ("drill.record")."""
    _check_owner(actor, organisation=organisation, site=site)
    _visible_plan(actor, plan)
    _choice("kind", kind, DrillKind, _("演练规模"))
    _choice("mode", mode, DrillMode, _("演练形式"))
    _choice("place_kind", place_kind, PlaceKind, _("演练场所类型"))
    _check_drill_dates(held_on, submitted_on)
    lines = _problem_lines(problems)
    if plan_entry is not None:
        entry = (
            DrillPlanEntry.objects.visible_to(actor, Cap.MANAGE_EMERGENCY)
            .select_for_update()
            .filter(pk=plan_entry.pk)
            .first()
        )
        if entry is None:
            raise ValidationError({"plan_entry": _("对应的演练计划不在您的职责范围内。")})
        if DrillRecord.objects.filter(plan_entry=entry).exists():
            raise ValidationError({"plan_entry": _("该演练计划已登记演练记录。")})
        plan = plan or entry.plan
    drill = DrillRecord(
        title=_strip(title),
        held_on=held_on,
        kind=kind,
        mode=mode,
        place_kind=place_kind,
        place=_strip(place) or (site.name if site is not None else ""),
        plan=plan,
        plan_entry=plan_entry,
        participants=participants,
        participating_units=_strip(participating_units),
        scenario=_strip(scenario),
        debrief=_strip(debrief),
        written_evaluation=_strip(written_evaluation),
        summary=_strip(summary),
        submitted_on=submitted_on,
        created_by=actor,
    )
    _place_for(drill, organisation=organisation, site=site)
    drill.full_clean()
    drill.save()
    _writable(DrillRecord, drill.pk, actor)
    DrillProblem.objects.bulk_create([DrillProblem(drill=drill, description=line) for line in lines])
    audit_record(
        actor=actor,
        action="drill.record",
        obj=drill,
        changes={
            **{k: [None, v] for k, v in snapshot(drill, DRILL_FIELDS).items()},
            "problems": [None, len(lines)],
        },
    )
    return drill


@transaction.atomic
def drill_record_update(
    *, actor, drill: DrillRecord, data: dict[str, Any], new_problems: Sequence[str] = ()
) -> DrillRecord:
    """Correct a drill record (the organiser stays) and add newly found problems. One audit record
    ("drill.update") when something changed."""
    row = _locked(DrillRecord, drill.pk, actor)
    data = {k: v for k, v in data.items() if k in DRILL_EDITABLE}
    for key in (
        "title",
        "place",
        "participating_units",
        "scenario",
        "debrief",
        "written_evaluation",
        "summary",
    ):
        if key in data:
            data[key] = _strip(data[key])
    for key, choices, label in (
        ("kind", DrillKind, _("演练规模")),
        ("mode", DrillMode, _("演练形式")),
        ("place_kind", PlaceKind, _("演练场所类型")),
    ):
        if key in data:
            _choice(key, data[key], choices, label)
    if "plan" in data:
        _visible_plan(actor, data["plan"])
    _check_drill_dates(data.get("held_on", row.held_on), data.get("submitted_on", row.submitted_on))
    lines = _problem_lines(new_problems)
    changes = model_update(instance=row, fields=DRILL_EDITABLE, data=data)
    if lines:
        DrillProblem.objects.bulk_create([DrillProblem(drill=row, description=line) for line in lines])
        changes["problems_added"] = [None, len(lines)]
    if changes:
        audit_record(actor=actor, action="drill.update", obj=row, changes=changes)
    return row


def _locked_problem(actor, problem: DrillProblem) -> tuple[DrillRecord, DrillProblem]:
    drill = _locked(DrillRecord, problem.drill_id, actor)
    row = DrillProblem.objects.select_for_update().filter(pk=problem.pk, drill=drill).first()
    if row is None:
        raise NotInScope(_("未找到。"))
    return drill, row


@transaction.atomic
def drill_problem_to_hazard(
    *,
    actor,
    problem: DrillProblem,
    category: str,
    grade: str = "general",
    site: Site | None = None,
    description: str = "",
):
    """Report a problem a drill revealed as a hazard (source 应急演练) through `hazard_report`, at the
    drill's site (a site-owned drill) or at a site inside the organiser's area (an organisation's
    drill must name it). The hazard lands in that site's scope (its region path and sector) and its
    "hazard.report" record is this write's one audit record. Refused when the problem already has
    a hazard."""
    from safegrid.hazards.choices import HazardSource
    from safegrid.hazards.services import hazard_report

    drill, row = _locked_problem(actor, problem)
    if row.hazard_id is not None:
        raise ApplicationError(
            _("该问题已生成隐患（%(number)s），请勿重复上报。") % {"number": row.hazard.number}
        )
    if drill.site_id is not None:
        if site is not None and site.pk != drill.site_id:
            raise ValidationError({"site": _("企业演练发现的问题只能在该企业上报隐患。")})
        site = drill.site
    elif site is None:
        raise ValidationError({"site": _("请选择隐患所在的场所。")})
    elif not site.region_path.startswith(drill.region_path):
        raise ValidationError({"site": _("隐患所在场所应在演练组织单位的辖区内。")})
    with translation.override(settings.LANGUAGE_CODE):  # stored in the county's language
        text = _strip(description) or _("应急演练“%(title)s”（%(day)s）发现的问题：%(problem)s") % {
            "title": drill.title,
            "day": f"{drill.held_on:%Y-%m-%d}",
            "problem": row.description,
        }
    hazard = hazard_report(
        actor=actor, site=site, description=text, category=category, grade=grade, source=HazardSource.DRILL
    )
    row.hazard = hazard
    row.save(update_fields=["hazard"])
    return hazard


@transaction.atomic
def drill_problem_to_revision(*, actor, problem: DrillProblem, description: str = "") -> RevisionTask:
    """Open a revision task on the plan the drill exercised (trigger: drills reveal major problems),
    closed by the plan's next version. The actor must keep that plan. One audit record
    ("emergency_plan.revision_task")."""
    drill, row = _locked_problem(actor, problem)
    if hasattr(row, "revision_task"):
        raise ApplicationError(_("该问题已登记为预案修订任务。"))
    if drill.plan_id is None:
        raise ApplicationError(_("该演练未关联预案，无法登记预案修订任务。"))
    plan = EmergencyPlan.objects.visible_to(actor, Cap.MANAGE_EMERGENCY).filter(pk=drill.plan_id).first()
    if plan is None:
        raise ApplicationError(_("您无权为该演练所演练的预案登记修订任务，请报预案编制单位。"))
    task = RevisionTask(
        plan=plan,
        trigger=RevisionTrigger.DRILL,
        description=_strip(description) or row.description,
        problem=row,
        created_on=_today(),
        created_by=actor,
    )
    task.full_clean()
    task.save()
    audit_record(
        actor=actor,
        action="emergency_plan.revision_task",
        obj=plan,
        changes={"task": [None, task.pk], "problem": [None, row.pk], "trigger": [None, task.trigger]},
    )
    return task
