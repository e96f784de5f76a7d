"""Writes of the people module. Each service takes the actor, checks scope and capability, runs in
one transaction, validates (Chinese messages) and leaves exactly one audit record.

Scope of a write: the row's scope keys are copied from its place (site, region, organisation,
person); the row must then lie inside the actor's MANAGE_PEOPLE scope, or nothing is written
(NotInScope → 404). References (regions, sites, organisations, people) must be visible to the actor.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record, diff, snapshot
from safegrid.core.exceptions import ApplicationError, NotInScope
from safegrid.core.selectors import scoped_get
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites.models import Site

from . import certificates, retention, validators
from .choices import (
    GRID_POSTS,
    SITE_POSTS,
    CertificateKind,
    CommendationKind,
    OperationCategory,
    PostKind,
    TeamKind,
    TeamRole,
)
from .models import (
    Certificate,
    Commendation,
    Person,
    Posting,
    Team,
    TeamMembership,
    Training,
    TrainingAttendance,
)

PERSON_FIELDS = [
    "name",
    "gender",
    "source",
    "employment",
    "organisation_id",
    "site_id",
    "region_id",
    "title",
    "is_active",
    "note",
]


def _today() -> datetime.date:
    return timezone.localdate()


def _visible(queryset: models.QuerySet, obj, actor, capability=None) -> None:
    """A referenced object must be visible to the actor (otherwise it does not exist for them)."""
    if obj is not None and not queryset.visible_to(actor, capability).filter(pk=obj.pk).exists():
        raise NotInScope(_("未找到。"))


def _writable(model, obj, actor, capability: str = Cap.MANAGE_PEOPLE) -> None:
    """After the keys are copied: the row must lie in the actor's write scope (raising rolls the
    transaction back, so nothing is written)."""
    if not model.objects.visible_to(actor, capability).filter(pk=obj.pk).exists():
        raise NotInScope(_("未找到。"))


def _within(region: Region, anchor_path: str) -> bool:
    return region.path.startswith(anchor_path)


def _place_person(person: Person) -> None:
    if person.site_id is not None:
        site = person.site
        person.region = site.grid
        person.region_path = site.region_path
        person.sector_id = site.sector_id
        return
    if person.region_id is None:
        raise ValidationError({"region": _("请选择工作区划，或选择所在企业。")})
    if person.organisation_id is not None and not _within(person.region, person.organisation.region_path):
        raise ValidationError({"region": _("工作区划应在所在单位的辖区内。")})
    person.region_path = person.region.path
    person.sector_id = person.organisation.sector_id if person.organisation_id else None


def _check_person_refs(actor, *, organisation, site, region) -> None:
    _visible(Organisation.objects, organisation, actor)
    _visible(Site.objects, site, actor)
    _visible(Region.objects, region, actor)


# ---- people --------------------------------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    actor,
    name: str,
    source: str,
    employment: str,
    region: Region | None = None,
    organisation: Organisation | None = None,
    site: Site | None = None,
    gender: str = "",
    id_number: str = "",
    phone: str = "",
    title: str = "",
    note: str = "",
) -> Person:
    """Register a person working in the actor's scope: for enterprise staff the site places them;
    otherwise the work region (inside their organisation's area). ID number and phone are checked
    (GB 11643 check character; mobile or landline) and stored for masked display only."""
    _check_person_refs(actor, organisation=organisation, site=site, region=region)
    errors = {}
    try:
        id_number = validators.normalise_id_number(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    try:
        phone = validators.normalise_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    person = Person(
        name=(name or "").strip(),
        source=source,
        employment=employment,
        region=region,
        organisation=organisation,
        site=site,
        gender=gender,
        id_number=id_number,
        phone=phone,
        title=title,
        note=note,
        created_by=actor,
    )
    _place_person(person)
    person.full_clean()
    person.save()
    _writable(Person, person, actor)
    audit_record(
        actor=actor, action="people.person_create", obj=person, changes=snapshot(person, PERSON_FIELDS)
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    id_number: str | None = None,
    phone: str | None = None,
    **fields,
) -> Person:
    """Edit a person the actor manages. `id_number` / `phone` None keeps the stored value (forms
    never show it unmasked); "" clears it. The audit record names the fields changed and never the
    values of ID number or phone."""
    person = scoped_get(Person.objects.visible_to(actor, Cap.MANAGE_PEOPLE).select_for_update(), person.pk)
    allowed = {
        "name",
        "gender",
        "source",
        "employment",
        "region",
        "organisation",
        "site",
        "title",
        "is_active",
        "note",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    _check_person_refs(
        actor,
        organisation=fields.get("organisation"),
        site=fields.get("site"),
        region=fields.get("region"),
    )
    before = snapshot(person, PERSON_FIELDS)
    for key, value in fields.items():
        setattr(person, key, value.strip() if key == "name" and isinstance(value, str) else value)
    changed_private = []
    errors = {}
    if id_number is not None:
        try:
            value = validators.normalise_id_number(id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            if value != person.id_number:
                person.id_number = value
                changed_private.append("id_number")
    if phone is not None:
        try:
            value = validators.normalise_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
        else:
            if value != person.phone:
                person.phone = value
                changed_private.append("phone")
    if errors:
        raise ValidationError(errors)
    _place_person(person)
    person.full_clean()
    person.save()
    _writable(Person, person, actor)
    # Keep the scope keys of the person's certificates with the person.
    Certificate.objects.filter(person=person).update(
        region_path=person.region_path, sector_id=person.sector_id, site_id=person.site_id
    )
    changes = diff(before, snapshot(person, PERSON_FIELDS))
    for key in changed_private:
        changes[key] = ["***", "***"]
    audit_record(actor=actor, action="people.person_update", obj=person, changes=changes)
    return person


@transaction.atomic
def person_unmask(*, actor, person: Person) -> dict[str, str]:
    """The full ID number and phone of one person, for a holder of VIEW_PLAIN_PII whose scope has the
    person (NotInScope → 404 otherwise). Leaves exactly one audit record ("person.unmask"), with the
    masked values only: the trail says whose data was shown, never the data."""
    person = scoped_get(Person.objects.visible_to(actor, Cap.VIEW_PLAIN_PII), person.pk)
    audit_record(
        actor=actor,
        action="person.unmask",
        obj=person,
        changes={"id_number": person.id_number_masked, "phone": person.phone_masked},
    )
    return {"id_number": person.id_number, "phone": person.phone}


@dataclass(frozen=True)
class PurgeResult:
    count: int
    cutoff: datetime.date


PURGE_ACTION = "person.purge"


@transaction.atomic
def person_purge_expired(*, actor=None, today: datetime.date | None = None) -> PurgeResult:
    """Erase the ID number and phone (and their blind indexes) of every person who left before the
    retention cut-off (`retention`: inactive, no open posting, left more than
    SAFEGRID_PERSON_RETENTION_DAYS days ago), and mark them `personal_data_purged_on = today`.

    Unscoped: a system job (`actor` None for the nightly task and the command). One UPDATE, not a
    loop per row; the name, the posts, trainings, certificates and commendations are kept. A purged
    row no longer matches, so a second run changes nothing. Leaves exactly one "person.purge" record
    with the count and the cut-off, also when nothing was due (like "audit.purge": the trail shows
    that the job ran). A retention under the minimum (the system check refuses it too, but a worker
    does not run checks) raises ApplicationError and erases nothing."""
    days = retention.retention_days()
    if not isinstance(days, int) or days < retention.MINIMUM_RETENTION_DAYS:
        raise ApplicationError(
            _("离岗人员个人信息保存期限少于 %(minimum)s 天，拒绝删除。")
            % {"minimum": retention.MINIMUM_RETENTION_DAYS}
        )
    today = today or _today()
    day = retention.cutoff(today)
    count = retention.past_retention(day).update(
        id_number="",
        id_number_bidx="",
        phone="",
        phone_bidx="",
        personal_data_purged_on=today,
    )
    audit_record(
        actor=actor,
        action=PURGE_ACTION,
        object_type=Person._meta.label_lower,
        changes={"count": count, "cutoff": day.isoformat(), "retention_days": days},
    )
    return PurgeResult(count, day)


# ---- postings (先培训后上岗) --------------------------------------------------------------------------


def qualifying_certificate(person: Person, category: str, on: datetime.date) -> Certificate | None:
    """The person's special-operation certificate of `category` that qualifies them on `on`."""
    for cert in person.certificates.filter(
        kind=CertificateKind.SPECIAL_OPERATION, category=category
    ).order_by("-expiry_date"):
        if cert.dates.qualifies(on):
            return cert
    return None


@transaction.atomic
def posting_create(
    *,
    actor,
    person: Person,
    post: str,
    region: Region | None = None,
    site: Site | None = None,
    operation_category: str = "",
    started_on: datetime.date | None = None,
    note: str = "",
) -> Posting:
    """Assign a person to a post. Grid posts are held in a grid; enterprise posts at a site. A
    special operator's post is refused — nothing written — unless the person holds a special-
    operation certificate of that category valid on the start date and today (先培训后上岗,
    安全生产法 第三十条)."""
    person = scoped_get(Person.objects.visible_to(actor, Cap.MANAGE_PEOPLE), person.pk)
    _visible(Region.objects, region, actor)
    _visible(Site.objects, site, actor)
    started_on = started_on or _today()
    if post not in PostKind.values:
        raise ValidationError({"post": _("岗位无效。")})
    if post in SITE_POSTS:
        if site is None:
            raise ValidationError({"site": _("企业岗位应选择任职企业。")})
        if person.site_id is not None and person.site_id != site.pk:
            raise ValidationError({"site": _("该人员登记在其他企业，不能在本企业任职。")})
        region = site.grid
    elif region is None:
        region = person.region
    if post in GRID_POSTS and region.kind != RegionKind.GRID:
        raise ValidationError({"region": _("网格岗位应选择一个网格。")})
    if post == PostKind.SPECIAL_OPERATOR:
        if operation_category not in OperationCategory.values:
            raise ValidationError({"operation_category": _("特种作业人员岗位应选择作业类别。")})
        for day in sorted({started_on, max(started_on, _today())}):
            if qualifying_certificate(person, operation_category, day) is None:
                raise ApplicationError(
                    _(
                        "先培训后上岗：%(name)s 在 %(day)s 没有有效的“%(category)s”特种作业操作证，"
                        "不能安排到特种作业岗位。"
                    )
                    % {
                        "name": person.name,
                        "day": day.isoformat(),
                        "category": OperationCategory(operation_category).label,
                    }
                )
    elif operation_category:
        raise ValidationError({"operation_category": _("只有特种作业人员岗位需要作业类别。")})
    duplicate = Posting.objects.filter(
        person=person,
        post=post,
        region=region,
        site=site,
        operation_category=operation_category,
        ended_on__isnull=True,
    ).exists()
    if duplicate:
        raise ValidationError({"post": _("该人员已在此任职。")})
    posting = Posting(
        person=person,
        post=post,
        operation_category=operation_category,
        region=region,
        site=site,
        region_path=site.region_path if site else region.path,
        sector_id=site.sector_id if site else person.sector_id,
        started_on=started_on,
        note=note,
        created_by=actor,
    )
    posting.full_clean()
    posting.save()
    _writable(Posting, posting, actor)
    audit_record(
        actor=actor,
        action="people.posting_create",
        obj=posting,
        changes={
            "person": person.pk,
            "post": post,
            "operation_category": operation_category,
            "region": region.pk,
            "site": site.pk if site else None,
            "started_on": started_on.isoformat(),
        },
    )
    return posting


@transaction.atomic
def posting_end(*, actor, posting: Posting, ended_on: datetime.date | None = None) -> Posting:
    posting = scoped_get(Posting.objects.visible_to(actor, Cap.MANAGE_PEOPLE).select_for_update(), posting.pk)
    ended_on = ended_on or _today()
    if posting.ended_on is not None:
        raise ApplicationError(_("该任职已结束。"))
    if ended_on < posting.started_on:
        raise ValidationError({"ended_on": _("离岗日期不能早于上岗日期。")})
    posting.ended_on = ended_on
    posting.save(update_fields=["ended_on", "updated_at"])
    audit_record(
        actor=actor, action="people.posting_end", obj=posting, changes={"ended_on": ended_on.isoformat()}
    )
    return posting


@transaction.atomic
def uncertified_hazard_raise(*, actor, posting: Posting):
    """Turn the flag of an uncertified special operator into one major hazard at the site
    (工贸行业重大事故隐患判定标准 第三条(二): 特种作业人员未按规定经专门的安全作业培训并取得相应资格，
    上岗作业). Refused when the operator is qualified after all, when the posting is not at a site,
    or when an open hazard was already raised for it."""
    from safegrid.hazards.choices import OPEN_STATUSES, HazardCategory, HazardGrade, HazardSource
    from safegrid.hazards.services import hazard_report

    posting = scoped_get(
        Posting.objects.visible_to(actor, Cap.VIEW_PEOPLE)
        .select_for_update(of=("self",))
        .select_related("person", "site"),
        posting.pk,
    )
    today = _today()
    if posting.post != PostKind.SPECIAL_OPERATOR or posting.site_id is None or not posting.active_on(today):
        raise ApplicationError(_("只有在岗的企业特种作业人员才能生成无证作业隐患。"))
    if qualifying_certificate(posting.person, posting.operation_category, today) is not None:
        raise ApplicationError(_("该人员持有有效的特种作业操作证，无需生成隐患。"))
    if posting.hazard_id is not None and posting.hazard.status in OPEN_STATUSES:
        raise ApplicationError(
            _("已为该人员生成隐患（%(number)s），请勿重复上报。") % {"number": posting.hazard.number}
        )
    with translation.override(settings.LANGUAGE_CODE):  # stored in the county's language
        description = _(
            "特种作业人员%(name)s（%(category)s）未持有效特种作业操作证上岗作业，"
            "依据《工贸企业重大事故隐患判定标准》第三条（二）判定为重大事故隐患。"
        ) % {"name": posting.person.name, "category": posting.get_operation_category_display()}
    hazard = hazard_report(
        actor=actor,
        site=posting.site,
        category=HazardCategory.BEHAVIOUR,
        grade=HazardGrade.MAJOR,
        source=HazardSource.INSPECTION,
        description=description,
    )
    posting.hazard = hazard
    posting.save(update_fields=["hazard", "updated_at"])
    return hazard


# ---- teams ---------------------------------------------------------------------------------------

_TEAM_PLACE = {
    TeamKind.GRID: RegionKind.GRID,
    TeamKind.TOWNSHIP: RegionKind.TOWNSHIP,
}


def _place_team(team: Team) -> None:
    if team.kind == TeamKind.ENTERPRISE:
        if team.site_id is None:
            raise ValidationError({"site": _("企业安全队伍应选择所属企业。")})
        team.region = team.site.grid
        team.region_path = team.site.region_path
        team.sector_id = team.site.sector_id
        return
    team.site = None
    if team.region_id is None:
        raise ValidationError({"region": _("请选择所属区划。")})
    wanted = _TEAM_PLACE.get(team.kind)
    if wanted is not None and team.region.kind != wanted:
        raise ValidationError(
            {
                "region": _("%(kind)s应建在%(level)s。")
                % {"kind": team.get_kind_display(), "level": RegionKind(wanted).label}
            }
        )
    if team.kind == TeamKind.SECTOR and team.sector_id is None:
        raise ValidationError({"sector": _("行业领域安全队伍应选择行业领域。")})
    team.region_path = team.region.path


def _check_members(actor, people: Iterable[Person]) -> list[Person]:
    people = list(dict.fromkeys(people))
    ids = {p.pk for p in people}
    visible = set(
        Person.objects.visible_to(actor, Cap.MANAGE_PEOPLE).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if ids - visible:
        raise NotInScope(_("未找到。"))
    return people


@transaction.atomic
def team_create(
    *,
    actor,
    name: str,
    kind: str,
    region: Region | None = None,
    sector: Sector | None = None,
    site: Site | None = None,
    organisation: Organisation | None = None,
    leader: Person | None = None,
    members: Sequence[Person] = (),
    note: str = "",
) -> Team:
    """A safety team of a grid, township, sector or enterprise, with its leader and members."""
    _visible(Region.objects, region, actor)
    _visible(Sector.objects, sector, actor)
    _visible(Site.objects, site, actor)
    _visible(Organisation.objects, organisation, actor)
    people = _check_members(actor, [*([leader] if leader else []), *members])
    team = Team(
        name=(name or "").strip(),
        kind=kind,
        region=region,
        sector=sector,
        site=site,
        organisation=organisation,
        note=note,
        created_by=actor,
    )
    if team.kind in TeamKind.values:
        _place_team(team)
    if sector is not None:
        team.sector_id = sector.pk
    team.full_clean()
    team.save()
    _writable(Team, team, actor)
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(team=team, person=p, role=TeamRole.LEADER if p == leader else TeamRole.MEMBER)
            for p in people
        ]
    )
    audit_record(
        actor=actor,
        action="people.team_create",
        obj=team,
        changes={
            "name": team.name,
            "kind": kind,
            "leader": leader.pk if leader else None,
            "members": [p.pk for p in people],
        },
    )
    return team


@transaction.atomic
def team_update(
    *,
    actor,
    team: Team,
    name: str | None = None,
    organisation: Organisation | None = None,
    is_active: bool | None = None,
    note: str | None = None,
    leader: Person | None = None,
    members: Sequence[Person] | None = None,
) -> Team:
    """Rename, retire or re-staff a team. `members` (when given) is the full new list; the leader is
    always a member."""
    team = scoped_get(Team.objects.visible_to(actor, Cap.MANAGE_PEOPLE).select_for_update(), team.pk)
    _visible(Organisation.objects, organisation, actor)
    before = {
        "name": team.name,
        "is_active": team.is_active,
        "note": team.note,
        "organisation": team.organisation_id,
    }
    if name is not None:
        team.name = name.strip()
    if is_active is not None:
        team.is_active = is_active
    if note is not None:
        team.note = note
    if organisation is not None:
        team.organisation = organisation
    team.full_clean()
    team.save()
    changes = diff(
        before,
        {
            "name": team.name,
            "is_active": team.is_active,
            "note": team.note,
            "organisation": team.organisation_id,
        },
    )
    if members is not None or leader is not None:
        current = list(team.members.order_by("pk"))
        if leader is None:
            leader = next((m.person for m in team.memberships.filter(role=TeamRole.LEADER)), None)
        wanted = list(
            dict.fromkeys([*([leader] if leader else []), *(members if members is not None else current)])
        )
        _check_members(actor, [p for p in wanted if p not in current])  # newcomers must be in scope
        team.memberships.all().delete()
        TeamMembership.objects.bulk_create(
            [
                TeamMembership(team=team, person=p, role=TeamRole.LEADER if p == leader else TeamRole.MEMBER)
                for p in wanted
            ]
        )
        changes["members"] = [[p.pk for p in current], sorted(p.pk for p in wanted)]
        changes["leader"] = leader.pk if leader else None
    audit_record(actor=actor, action="people.team_update", obj=team, changes=changes)
    return team


# ---- training ------------------------------------------------------------------------------------


def _check_attendees(actor, people: Iterable[Person]) -> list[Person]:
    people = list(dict.fromkeys(people))
    ids = {p.pk for p in people}
    visible = set(
        Person.objects.visible_to(actor, Cap.VIEW_PEOPLE).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if ids - visible:
        raise NotInScope(_("未找到。"))
    return people


def _place_training(training: Training) -> None:
    if training.site_id is not None:
        training.region_path = training.site.region_path
        training.sector_id = training.site.sector_id
    else:
        training.region_path = training.organiser.region_path
        training.sector_id = training.organiser.sector_id


def _count(training: Training) -> None:
    training.attendee_count = training.attendance.count()
    training.person_times = training.attendee_count + training.outside_trainees
    training.save(update_fields=["attendee_count", "person_times", "updated_at"])


@transaction.atomic
def training_record(
    *,
    actor,
    kind: str,
    title: str,
    organiser: Organisation,
    held_on: datetime.date,
    hours: Decimal,
    attendees: Sequence[Person] = (),
    outside_trainees: int = 0,
    site: Site | None = None,
    location: str = "",
    content: str = "",
    results: str = "",
) -> Training:
    """Record a training session held by an organisation (or at an enterprise), its attendees from
    the register and the trainees counted outside it; person-times = both."""
    _visible(Organisation.objects, organiser, actor)
    _visible(Site.objects, site, actor)
    people = _check_attendees(actor, attendees)
    if held_on and held_on > _today():
        raise ValidationError({"held_on": _("培训日期不能晚于今天。")})
    training = Training(
        kind=kind,
        title=(title or "").strip(),
        organiser=organiser,
        site=site,
        held_on=held_on,
        hours=hours,
        outside_trainees=outside_trainees,
        location=location,
        content=content,
        results=results,
        created_by=actor,
    )
    _place_training(training)
    training.full_clean()
    training.save()
    _writable(Training, training, actor)
    TrainingAttendance.objects.bulk_create([TrainingAttendance(training=training, person=p) for p in people])
    _count(training)
    audit_record(
        actor=actor,
        action="people.training_record",
        obj=training,
        changes={
            "kind": kind,
            "held_on": held_on.isoformat(),
            "hours": str(hours),
            "attendees": [p.pk for p in people],
            "outside_trainees": outside_trainees,
            "person_times": training.person_times,
        },
    )
    return training


@transaction.atomic
def training_update(
    *, actor, training: Training, attendees: Sequence[Person] | None = None, **fields
) -> Training:
    """Correct a training record; `attendees` (when given) replaces the register list."""
    training = scoped_get(
        Training.objects.visible_to(actor, Cap.MANAGE_PEOPLE).select_for_update(), training.pk
    )
    allowed = {"kind", "title", "held_on", "hours", "outside_trainees", "location", "content", "results"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    names = sorted(allowed)
    before = snapshot(training, names)
    for key, value in fields.items():
        setattr(training, key, value)
    if training.held_on > _today():
        raise ValidationError({"held_on": _("培训日期不能晚于今天。")})
    training.full_clean()
    training.save()
    changes = diff(before, snapshot(training, names))
    if attendees is not None:
        people = _check_attendees(actor, attendees)
        old = sorted(training.attendance.values_list("person_id", flat=True))
        training.attendance.all().delete()
        TrainingAttendance.objects.bulk_create(
            [TrainingAttendance(training=training, person=p) for p in people]
        )
        new = sorted(p.pk for p in people)
        if old != new:
            changes["attendees"] = [old, new]
    _count(training)
    audit_record(actor=actor, action="people.training_update", obj=training, changes=changes)
    return training


# ---- certificates --------------------------------------------------------------------------------


def _certificate_dates(cert: Certificate, expiry: datetime.date | None) -> None:
    if cert.kind == CertificateKind.SPECIAL_OPERATION:
        if cert.category not in OperationCategory.values:
            raise ValidationError({"category": _("特种作业操作证应选择作业类别。")})
        cert.expiry_date = certificates.expiry_date(cert.issue_date)
        cert.review_due_date = certificates.review_due_date(cert.issue_date, extended=cert.review_extended)
        return
    if cert.category:
        raise ValidationError({"category": _("只有特种作业操作证有作业类别。")})
    if expiry is None:
        raise ValidationError({"expiry_date": _("请填写有效期至。")})
    if expiry <= cert.issue_date:
        raise ValidationError({"expiry_date": _("有效期至应晚于发证日期。")})
    cert.expiry_date = expiry
    cert.review_due_date = None


@transaction.atomic
def certificate_create(
    *,
    actor,
    person: Person,
    kind: str,
    number: str,
    issue_date: datetime.date,
    category: str = "",
    item: str = "",
    issuing_authority: str = "",
    expiry_date: datetime.date | None = None,
    continuous_since: datetime.date | None = None,
    violations: int = 0,
    note: str = "",
) -> Certificate:
    """Register a certificate of a person the actor manages. Special-operation certificates get
    their expiry (issue + 6 years) and first review date (issue + 3 years) computed; other kinds
    carry the expiry printed on them."""
    person = scoped_get(Person.objects.visible_to(actor, Cap.MANAGE_PEOPLE), person.pk)
    if issue_date and issue_date > _today():
        raise ValidationError({"issue_date": _("发证日期不能晚于今天。")})
    cert = Certificate(
        person=person,
        region_path=person.region_path,
        sector_id=person.sector_id,
        site_id=person.site_id,
        kind=kind,
        category=category,
        item=item,
        number=(number or "").strip(),
        issuing_authority=issuing_authority,
        issue_date=issue_date,
        continuous_since=continuous_since or issue_date,
        violations=violations,
        note=note,
        created_by=actor,
    )
    if kind in CertificateKind.values and issue_date:
        _certificate_dates(cert, expiry_date)
    cert.full_clean()
    cert.save()
    audit_record(
        actor=actor,
        action="people.certificate_create",
        obj=cert,
        changes=snapshot(
            cert,
            [
                "person_id",
                "kind",
                "category",
                "number_masked",
                "issue_date",
                "expiry_date",
                "review_due_date",
            ],
        ),
    )
    return cert


@transaction.atomic
def certificate_review(
    *, actor, certificate: Certificate, reviewed_on: datetime.date | None = None
) -> Certificate:
    """Record the 3-year review (复审). Accepted from 60 days before the review date up to it; after
    the date the certificate has lapsed and the holder must qualify again."""
    cert = scoped_get(
        Certificate.objects.visible_to(actor, Cap.MANAGE_PEOPLE).select_for_update(), certificate.pk
    )
    reviewed_on = reviewed_on or _today()
    if cert.revoked:
        raise ApplicationError(_("证书已注销。"))
    if not cert.dates.review_pending:
        raise ApplicationError(_("该证书当前无需复审。"))
    due = cert.review_due_date
    if reviewed_on > _today():
        raise ValidationError({"reviewed_on": _("复审日期不能晚于今天。")})
    if reviewed_on < certificates.reminder_opens(due):
        raise ValidationError(
            {
                "reviewed_on": _("复审应在 %(due)s 前60日内进行（%(opens)s 起）。")
                % {"due": due, "opens": certificates.reminder_opens(due)}
            }
        )
    if reviewed_on > due:
        raise ApplicationError(_("已超过应复审日期（%(due)s），证书已失效，应重新考核取证。") % {"due": due})
    cert.reviewed_on = reviewed_on
    cert.save(update_fields=["reviewed_on", "updated_at"])
    audit_record(
        actor=actor,
        action="people.certificate_review",
        obj=cert,
        changes={"reviewed_on": reviewed_on.isoformat()},
    )
    return cert


@transaction.atomic
def certificate_extend_review(
    *, actor, certificate: Certificate, on: datetime.date | None = None
) -> Certificate:
    """延长复审周期: with 10+ continuous years in the trade and no violations, reviews fall every 6
    years — the 3-year review is waived and the next date is the expiry."""
    cert = scoped_get(
        Certificate.objects.visible_to(actor, Cap.MANAGE_PEOPLE).select_for_update(), certificate.pk
    )
    on = on or _today()
    if on > _today():  # a future decision date would grant the extension before the 10 years
        raise ValidationError({"on": _("批准日期不能晚于今天。")})
    if cert.kind != CertificateKind.SPECIAL_OPERATION:
        raise ApplicationError(_("只有特种作业操作证可以延长复审周期。"))
    if cert.review_extended:
        raise ApplicationError(_("该证书已延长复审周期。"))
    if not certificates.may_extend_review(
        continuous_since=cert.continuous_since, on=on, violations=cert.violations
    ):
        raise ApplicationError(_("延长复审周期需连续从事本工种10年以上且无违章记录。"))
    if cert.status_on(on) not in {"valid", "review_due", "expiry_due"}:
        raise ApplicationError(_("证书已失效，不能延长复审周期。"))
    cert.review_extended = True
    cert.review_due_date = certificates.review_due_date(cert.issue_date, extended=True)
    cert.save(update_fields=["review_extended", "review_due_date", "updated_at"])
    audit_record(
        actor=actor, action="people.certificate_extend_review", obj=cert, changes={"review_extended": True}
    )
    return cert


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    cert = scoped_get(
        Certificate.objects.visible_to(actor, Cap.MANAGE_PEOPLE).select_for_update(), certificate.pk
    )
    if cert.revoked:
        raise ApplicationError(_("证书已注销。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写注销原因。")})
    cert.revoked = True
    cert.note = reason.strip()[:300]
    cert.save(update_fields=["revoked", "note", "updated_at"])
    audit_record(
        actor=actor,
        action="people.certificate_revoke",
        obj=cert,
        changes={"revoked": True, "reason": cert.note},
    )
    return cert


# ---- commendations -------------------------------------------------------------------------------


@transaction.atomic
def commendation_create(
    *,
    actor,
    kind: str,
    title: str,
    awarded_on: datetime.date,
    issuer: Organisation,
    person: Person | None = None,
    organisation: Organisation | None = None,
    recipient_site: Site | None = None,
    document_number: str = "",
    reason: str = "",
) -> Commendation:
    """评先评优 / 通报表扬 of one person or one unit, issued by an organisation the actor sees."""
    _visible(Organisation.objects, issuer, actor)
    _visible(Person.objects, person, actor, Cap.VIEW_PEOPLE)
    _visible(Organisation.objects, organisation, actor)
    _visible(Site.objects, recipient_site, actor)
    if sum(x is not None for x in (person, organisation, recipient_site)) != 1:
        raise ValidationError(_("表彰对象应为一名人员或一个单位。"))
    if kind not in CommendationKind.values:
        raise ValidationError({"kind": _("表彰类型无效。")})
    if awarded_on and awarded_on > _today():
        raise ValidationError({"awarded_on": _("表彰日期不能晚于今天。")})
    item = Commendation(
        kind=kind,
        title=(title or "").strip(),
        awarded_on=awarded_on,
        issuer=issuer,
        person=person,
        organisation=organisation,
        recipient_site=recipient_site,
        document_number=document_number,
        reason=reason,
        created_by=actor,
    )
    if person is not None:
        item.region_path, item.sector_id, item.site_id = person.region_path, person.sector_id, person.site_id
    elif organisation is not None:
        item.region_path, item.sector_id, item.site_id = (
            organisation.region_path,
            organisation.sector_id,
            None,
        )
    else:
        item.region_path, item.sector_id, item.site_id = (
            recipient_site.region_path,
            recipient_site.sector_id,
            recipient_site.pk,
        )
    item.full_clean()
    item.save()
    _writable(Commendation, item, actor, Cap.MANAGE_COMMENDATION)
    audit_record(
        actor=actor,
        action="people.commendation_create",
        obj=item,
        changes={
            "kind": kind,
            "title": item.title,
            "awarded_on": awarded_on.isoformat(),
            "recipient": str(item.recipient),
        },
    )
    return item
