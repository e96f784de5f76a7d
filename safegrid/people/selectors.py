"""Scoped reads of the people module: lists, one object, certificate status computed in SQL, the
uncertified-operator flag, and the figures the dashboards and the bulletin reuse."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from safegrid.accounts.roles import Cap
from safegrid.core.selectors import scoped_get
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites.models import Site

from . import certificates
from .choices import CertificateKind, CertificateStatus, PostKind
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


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# ---- people --------------------------------------------------------------------------------------


def person_list(*, actor, capability: str | None = Cap.VIEW_PEOPLE) -> QuerySet[Person]:
    return (
        Person.objects.visible_to(actor, capability)
        .select_related("organisation", "site", "region")
        .order_by("region_path", "name", "id")
    )


def person_get(*, actor, pk, capability: str | None = Cap.VIEW_PEOPLE) -> Person:
    return scoped_get(person_list(actor=actor, capability=capability), pk)


def person_plain_get(*, actor, pk) -> Person:
    """A person whose full ID number and phone the actor may see: the VIEW_PLAIN_PII scope (404
    outside it, like every read)."""
    return scoped_get(Person.objects.visible_to(actor, Cap.VIEW_PLAIN_PII), pk)


def can_unmask_person(*, actor, person: Person) -> bool:
    """Whether the person page offers "显示完整号码" to the actor."""
    return Person.objects.visible_to(actor, Cap.VIEW_PLAIN_PII).filter(pk=person.pk).exists()


def person_postings(*, person: Person) -> QuerySet[Posting]:
    """The postings of a person already fetched through `person_get`."""
    return person.postings.select_related("region", "site", "hazard").order_by("-started_on", "-id")


def person_certificates(*, person: Person, today: datetime.date | None = None) -> QuerySet[Certificate]:
    return with_status(person.certificates.all(), today).order_by("expiry_date", "id")


def person_trainings(*, actor, person: Person) -> QuerySet[Training]:
    """Trainings the person attended that the actor may see."""
    return training_list(actor=actor).filter(attendance__person=person)


# ---- postings ------------------------------------------------------------------------------------


def posting_list(*, actor, capability: str | None = Cap.VIEW_PEOPLE) -> QuerySet[Posting]:
    return (
        Posting.objects.visible_to(actor, capability)
        .select_related("person", "region", "site", "hazard")
        .order_by("region_path", "post", "id")
    )


def posting_get(*, actor, pk, capability: str | None = Cap.VIEW_PEOPLE) -> Posting:
    return scoped_get(posting_list(actor=actor, capability=capability), pk)


def _qualifying_certificates(today: datetime.date, person_ref, category_ref):
    return Certificate.objects.filter(
        person_id=person_ref,
        kind=CertificateKind.SPECIAL_OPERATION,
        category=category_ref,
        revoked=False,
        issue_date__lte=today,
        expiry_date__gte=today,
    ).filter(Q(review_due_date__isnull=True) | Q(reviewed_on__isnull=False) | Q(review_due_date__gte=today))


def uncertified_operators(*, actor, today: datetime.date | None = None) -> QuerySet[Posting]:
    """Special operators at work in the actor's scope today without a certificate of their category
    that qualifies them (无证上岗): the flag that can raise a major hazard."""
    today = _today(today)
    return (
        posting_list(actor=actor)
        .filter(post=PostKind.SPECIAL_OPERATOR, site__isnull=False, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .exclude(
            Exists(_qualifying_certificates(today, OuterRef("person_id"), OuterRef("operation_category")))
        )
    )


# ---- teams ---------------------------------------------------------------------------------------


def team_list(*, actor, capability: str | None = Cap.VIEW_PEOPLE) -> QuerySet[Team]:
    return (
        Team.objects.visible_to(actor, capability)
        .select_related("region", "sector", "site", "organisation")
        .annotate(member_count=Count("memberships"))
        .order_by("region_path", "name", "id")
    )


def team_get(*, actor, pk, capability: str | None = Cap.VIEW_PEOPLE) -> Team:
    return scoped_get(team_list(actor=actor, capability=capability), pk)


def team_members(*, team: Team) -> QuerySet[TeamMembership]:
    return team.memberships.select_related("person", "person__organisation").order_by("role", "person__name")


# ---- training ------------------------------------------------------------------------------------


def training_list(*, actor, capability: str | None = Cap.VIEW_PEOPLE) -> QuerySet[Training]:
    return (
        Training.objects.visible_to(actor, capability)
        .select_related("organiser", "site")
        .order_by("-held_on", "-id")
    )


def training_get(*, actor, pk, capability: str | None = Cap.VIEW_PEOPLE) -> Training:
    return scoped_get(training_list(actor=actor, capability=capability), pk)


def training_attendees(*, actor, training: Training) -> QuerySet[TrainingAttendance]:
    """The register entries of a training whose people the actor may see (a county training may
    have trainees from places outside a township officer's scope: they count, unnamed)."""
    visible = Person.objects.visible_to(actor, Cap.VIEW_PEOPLE).values("pk")
    return (
        training.attendance.filter(person_id__in=visible)
        .select_related("person")
        .order_by("person__name", "id")
    )


@dataclass(frozen=True)
class OrganiserTotals:
    organiser_id: int
    organiser_name: str
    trainings: int
    person_times: int
    hours: float


def training_person_times(
    *, actor, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> list[OrganiserTotals]:
    """Trainings and person-times (人次) per organiser over a period, most person-times first."""
    qs = training_list(actor=actor)
    if date_from:
        qs = qs.filter(held_on__gte=date_from)
    if date_to:
        qs = qs.filter(held_on__lte=date_to)
    return person_times_by_organiser(qs)


def person_times_by_organiser(qs: QuerySet[Training]) -> list[OrganiserTotals]:
    """The same totals over an already scoped (and filtered) training queryset. One query."""
    rows = (
        qs.order_by()
        .values("organiser_id", "organiser__name")
        .annotate(n=Count("id"), times=Sum("person_times"), hours=Sum("hours"))
        .order_by("-times", "organiser__name")
    )
    return [
        OrganiserTotals(
            r["organiser_id"], r["organiser__name"], r["n"], r["times"] or 0, float(r["hours"] or 0)
        )
        for r in rows
    ]


# ---- certificates --------------------------------------------------------------------------------


def status_expression(today: datetime.date) -> Case:
    """The certificate status of `certificates.CertificateDates.status`, as SQL."""
    window_end = today + datetime.timedelta(days=certificates.REMINDER_DAYS)
    pending = Q(review_due_date__isnull=False, reviewed_on__isnull=True)
    return Case(
        When(revoked=True, then=Value(CertificateStatus.REVOKED)),
        When(expiry_date__lt=today, then=Value(CertificateStatus.EXPIRED)),
        When(pending & Q(review_due_date__lt=today), then=Value(CertificateStatus.REVIEW_OVERDUE)),
        When(pending & Q(review_due_date__lte=window_end), then=Value(CertificateStatus.REVIEW_DUE)),
        When(~pending & Q(expiry_date__lte=window_end), then=Value(CertificateStatus.EXPIRY_DUE)),
        default=Value(CertificateStatus.VALID),
        output_field=CharField(),
    )


def with_status(qs: QuerySet[Certificate], today: datetime.date | None = None) -> QuerySet[Certificate]:
    return qs.annotate(status=status_expression(_today(today)))


def certificate_list(
    *, actor, capability: str | None = Cap.VIEW_PEOPLE, today: datetime.date | None = None
) -> QuerySet[Certificate]:
    return with_status(
        Certificate.objects.visible_to(actor, capability).select_related("person"), today
    ).order_by("expiry_date", "id")


def certificate_get(*, actor, pk, capability: str | None = Cap.VIEW_PEOPLE) -> Certificate:
    return scoped_get(certificate_list(actor=actor, capability=capability), pk)


def certificate_status_counts(*, actor, today: datetime.date | None = None) -> dict[str, int]:
    """Certificates in scope by status (every status present). One query."""
    rows = certificate_list(actor=actor, today=today).order_by().values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(CertificateStatus.values, 0)
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


# ---- commendations -------------------------------------------------------------------------------


def commendation_list(*, actor, capability: str | None = Cap.VIEW_PEOPLE) -> QuerySet[Commendation]:
    return (
        Commendation.objects.visible_to(actor, capability)
        .select_related("issuer", "person", "organisation", "recipient_site")
        .order_by("-awarded_on", "-id")
    )


def commendation_get(*, actor, pk, capability: str | None = Cap.VIEW_PEOPLE) -> Commendation:
    return scoped_get(commendation_list(actor=actor, capability=capability), pk)


# ---- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeopleFigures:
    people: int
    full_time: int
    part_time: int
    teams: int
    trainings: int
    person_times: int
    certificates: dict[str, int]


def people_figures(
    *, actor, date_from: datetime.date | None = None, date_to: datetime.date | None = None, today=None
) -> PeopleFigures:
    """Pillar 1 figures for a period: people and teams now, trainings and person-times held in the
    period, certificates by status today."""
    people = (
        person_list(actor=actor)
        .filter(is_active=True)
        .order_by()
        .aggregate(
            n=Count("id"),
            full=Count("id", filter=Q(employment="full_time")),
            part=Count("id", filter=Q(employment="part_time")),
        )
    )
    trainings = training_list(actor=actor)
    if date_from:
        trainings = trainings.filter(held_on__gte=date_from)
    if date_to:
        trainings = trainings.filter(held_on__lte=date_to)
    t = trainings.order_by().aggregate(n=Count("id"), times=Sum("person_times"))
    return PeopleFigures(
        people=people["n"],
        full_time=people["full"],
        part_time=people["part"],
        teams=team_list(actor=actor).filter(is_active=True).count(),
        trainings=t["n"],
        person_times=t["times"] or 0,
        certificates=certificate_status_counts(actor=actor, today=today),
    )


# ---- choices offered while writing (forms and API input) ----------------------------------------


def region_choices(*, actor) -> QuerySet[Region]:
    """Regions a person, posting or team may be placed in by the actor."""
    return Region.objects.visible_to(actor, Cap.MANAGE_PEOPLE)


def site_choices(*, actor, capability: str = Cap.MANAGE_PEOPLE) -> QuerySet[Site]:
    return Site.objects.visible_to(actor, capability).order_by("name")


def organisation_choices(*, actor) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(actor).order_by("region_path", "name")


def sector_choices(*, actor) -> QuerySet[Sector]:
    return Sector.objects.visible_to(actor)


def person_choices(*, actor, capability: str = Cap.MANAGE_PEOPLE) -> QuerySet[Person]:
    return Person.objects.visible_to(actor, capability).order_by("name", "id")
