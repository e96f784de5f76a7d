"""Retention of the personal numbers of people who left (SECURITY.md D6; 个人信息保护法 第十九条,
第四十七条: personal information is kept no longer than its purpose needs, then deleted).

A person **left** when all of these hold:

- `Person.is_active` is False (不在岗);
- no posting of theirs is open (`Posting.ended_on` is null);
- their **leaving day** is before the cut-off. The model records no date of deactivation, so the
  leaving day is the latest of the `ended_on` of their postings and the local date of
  `Person.updated_at` (the last change of the person's row: the edit that set them inactive, or
  any later one). A person without postings is judged by `updated_at` alone. Any edit of the person
  restarts the count, which errs on the side of keeping.

The cut-off is `today - SAFEGRID_PERSON_RETENTION_DAYS` (default 1095, three years): a person who
left on day D is kept up to and including D + retention days and purged from the day after. The
purge itself (`services.person_purge_expired`) leaves `updated_at` alone, so the leaving day it
judged by stays as it was.

"The leaving day is before the cut-off" needs no aggregate: it is "no posting ended on or after the
cut-off, and `updated_at` is before the cut-off day's first instant", so the purge is one UPDATE.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import Person, Posting

DEFAULT_RETENTION_DAYS = 1095
# Less than a year would erase the numbers of people who may well come back or be asked about
# (certificates, accidents); the system check refuses it.
MINIMUM_RETENTION_DAYS = 365


def retention_days() -> int:
    return getattr(settings, "SAFEGRID_PERSON_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def cutoff(today: datetime.date | None = None) -> datetime.date:
    """The first day a person must have left on to keep their numbers."""
    return (today or timezone.localdate()) - datetime.timedelta(days=retention_days())


def past_retention(day: datetime.date) -> QuerySet[Person]:
    """Every person (unscoped: a system job) who left before `day` (the cut-off) and still holds
    personal numbers or has not been marked purged. Already-purged rows do not match, so a second
    run finds nothing."""
    start_of_day = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    open_or_recent = Posting.objects.filter(person=OuterRef("pk")).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )
    return (
        Person.objects.filter(is_active=False, updated_at__lt=start_of_day)
        .filter(~Exists(open_or_recent))
        .filter(Q(personal_data_purged_on__isnull=True) | ~Q(id_number="") | ~Q(phone=""))
    )
