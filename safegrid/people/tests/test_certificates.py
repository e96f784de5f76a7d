"""Date rules of special-operation certificates against DOMAIN.md §6 (30号令 第二十一、二十二条).

The expected dates are computed here by plain calendar arithmetic, independently of
`certificates.add_years`: the same day N years later, or the last day of February when the issue
date is 29 February and the target year is common. The status is then checked at every boundary:
the day before, of and after each window opening (due − 60 days) and each due date."""

from __future__ import annotations

import calendar
import datetime

from hypothesis import given
from hypothesis import strategies as st

from safegrid.people import certificates, selectors
from safegrid.people.certificates import CertificateDates
from safegrid.people.choices import CertificateKind, CertificateStatus, OperationCategory
from safegrid.people.models import Certificate, Person

DAY = datetime.timedelta(days=1)
WINDOW = datetime.timedelta(days=60)
QUALIFYING = {CertificateStatus.VALID, CertificateStatus.REVIEW_DUE, CertificateStatus.EXPIRY_DUE}


def years_later(day: datetime.date, years: int) -> datetime.date:
    year = day.year + years
    return datetime.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


issue_dates = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2090, 12, 31))
leap_days = st.sampled_from([y for y in range(1992, 2090, 4) if calendar.isleap(y)]).map(
    lambda y: datetime.date(y, 2, 29)
)
year_ends = st.builds(
    lambda year, offset: datetime.date(year, 12, 20) + datetime.timedelta(days=offset),
    st.integers(1990, 2090),
    st.integers(0, 25),  # 20 December … 14 January
)
any_issue = st.one_of(issue_dates, leap_days, year_ends)


def dates_for(
    issue: datetime.date, *, extended: bool = False, reviewed: bool = False, revoked: bool = False
) -> CertificateDates:
    """A certificate built from the dates the rules require (not from the module's own functions)."""
    review = None if extended else years_later(issue, 3)
    return CertificateDates(
        issue_date=issue,
        expiry_date=years_later(issue, 6),
        review_due_date=review,
        reviewed_on=(review - datetime.timedelta(days=10)) if (review and reviewed) else None,
        revoked=revoked,
    )


# ---- dates ---------------------------------------------------------------------------------------


@given(any_issue)
def test_expiry_is_six_years_after_issue(issue):
    assert certificates.expiry_date(issue) == years_later(issue, 6)


@given(any_issue)
def test_first_review_is_three_years_after_issue(issue):
    assert certificates.review_due_date(issue, extended=False) == years_later(issue, 3)


@given(any_issue)
def test_an_extended_certificate_has_no_three_year_review(issue):
    assert certificates.review_due_date(issue, extended=True) is None


@given(leap_days)
def test_a_29_february_issue_falls_due_on_28_february(issue):
    assert certificates.expiry_date(issue) == datetime.date(issue.year + 6, 2, 28)
    assert certificates.review_due_date(issue, extended=False) == datetime.date(issue.year + 3, 2, 28)


def test_29_february_is_kept_when_the_target_year_is_leap():
    # A leap year + 3 or + 6 is always common; + 12 (e.g. a continuous start on 29 Feb) is leap.
    assert certificates.add_years(datetime.date(2012, 2, 29), 12) == datetime.date(2024, 2, 29)


@given(year_ends)
def test_year_end_issue_keeps_its_day_and_month(issue):
    assert (certificates.expiry_date(issue).month, certificates.expiry_date(issue).day) == (
        issue.month,
        issue.day,
    )
    assert certificates.expiry_date(issue).year == issue.year + 6


@given(any_issue, st.integers(0, 20))
def test_add_years_is_the_same_day_years_later(day, years):
    assert certificates.add_years(day, years) == years_later(day, years)


@given(issue_dates)
def test_the_reminder_window_opens_sixty_days_before_the_date(due):
    assert certificates.reminder_opens(due) == due - WINDOW
    assert certificates.in_reminder_window(due, due - WINDOW) is True
    assert certificates.in_reminder_window(due, due) is True
    assert certificates.in_reminder_window(due, due - WINDOW - DAY) is False
    assert certificates.in_reminder_window(due, due + DAY) is False


# ---- status at the boundaries --------------------------------------------------------------------


@given(any_issue)
def test_status_around_a_pending_review(issue):
    review = years_later(issue, 3)
    cert = dates_for(issue)
    assert cert.status(review - WINDOW - DAY) == CertificateStatus.VALID
    assert cert.status(review - WINDOW) == CertificateStatus.REVIEW_DUE
    assert cert.status(review - WINDOW + DAY) == CertificateStatus.REVIEW_DUE
    assert cert.status(review - DAY) == CertificateStatus.REVIEW_DUE
    assert cert.status(review) == CertificateStatus.REVIEW_DUE
    assert cert.status(review + DAY) == CertificateStatus.REVIEW_OVERDUE


@given(any_issue)
def test_an_unreviewed_certificate_stays_overdue_until_it_expires(issue):
    expiry = years_later(issue, 6)
    cert = dates_for(issue)
    assert cert.status(expiry - WINDOW) == CertificateStatus.REVIEW_OVERDUE
    assert cert.status(expiry) == CertificateStatus.REVIEW_OVERDUE
    assert cert.status(expiry + DAY) == CertificateStatus.EXPIRED


@given(any_issue, st.booleans())
def test_status_around_the_expiry_once_reviewed_or_extended(issue, extended):
    expiry = years_later(issue, 6)
    cert = dates_for(issue, extended=extended, reviewed=not extended)
    assert cert.status(expiry - WINDOW - DAY) == CertificateStatus.VALID
    assert cert.status(expiry - WINDOW) == CertificateStatus.EXPIRY_DUE
    assert cert.status(expiry - WINDOW + DAY) == CertificateStatus.EXPIRY_DUE
    assert cert.status(expiry - DAY) == CertificateStatus.EXPIRY_DUE
    assert cert.status(expiry) == CertificateStatus.EXPIRY_DUE
    assert cert.status(expiry + DAY) == CertificateStatus.EXPIRED


@given(any_issue)
def test_a_reviewed_certificate_is_valid_after_its_review_date(issue):
    review = years_later(issue, 3)
    cert = dates_for(issue, reviewed=True)
    assert cert.status(review) == CertificateStatus.VALID
    assert cert.status(review + DAY) == CertificateStatus.VALID


@given(any_issue)
def test_an_extended_certificate_has_no_review_window(issue):
    review = years_later(issue, 3)
    cert = dates_for(issue, extended=True)
    assert {cert.status(review - WINDOW), cert.status(review), cert.status(review + DAY)} == {
        CertificateStatus.VALID
    }


@given(any_issue, st.integers(-400, 7 * 366), st.booleans(), st.booleans())
def test_a_revoked_certificate_is_revoked_on_every_day(issue, offset, extended, reviewed):
    cert = dates_for(issue, extended=extended, reviewed=reviewed, revoked=True)
    assert cert.status(issue + datetime.timedelta(days=offset)) == CertificateStatus.REVOKED


@given(any_issue, st.integers(0, 6 * 366 + 120), st.booleans(), st.booleans(), st.booleans())
def test_qualifies_exactly_when_valid_or_in_a_reminder_window(issue, offset, extended, reviewed, revoked):
    cert = dates_for(issue, extended=extended, reviewed=reviewed, revoked=revoked)
    today = issue + datetime.timedelta(days=offset)
    assert cert.qualifies(today) is (cert.status(today) in QUALIFYING)


@given(any_issue, st.integers(1, 3 * 366), st.booleans())
def test_a_certificate_does_not_qualify_before_its_issue_date(issue, days_before, extended):
    cert = dates_for(issue, extended=extended)
    assert cert.qualifies(issue - datetime.timedelta(days=days_before)) is False
    assert cert.qualifies(issue) is True


@given(any_issue, st.integers(0, 6 * 366 + 120), st.booleans(), st.booleans())
def test_status_matches_the_rules_on_any_day(issue, offset, extended, reviewed):
    """The whole rule, day by day: expired after the expiry; overdue after an unreviewed review date;
    in the window the 60 days up to the next date; valid otherwise."""
    cert = dates_for(issue, extended=extended, reviewed=reviewed)
    today = issue + datetime.timedelta(days=offset)
    expiry = years_later(issue, 6)
    review = None if extended or reviewed else years_later(issue, 3)
    if today > expiry:
        expected = CertificateStatus.EXPIRED
    elif review is not None and today > review:
        expected = CertificateStatus.REVIEW_OVERDUE
    elif review is not None and (review - today).days <= 60:
        expected = CertificateStatus.REVIEW_DUE
    elif review is None and (expiry - today).days <= 60:
        expected = CertificateStatus.EXPIRY_DUE
    else:
        expected = CertificateStatus.VALID
    assert cert.status(today) == expected


# ---- extending the review period (延长复审周期) -------------------------------------------------------


@given(any_issue)
def test_extension_is_allowed_exactly_at_ten_continuous_years(since):
    ten = years_later(since, 10)
    assert certificates.may_extend_review(continuous_since=since, on=ten, violations=0) is True
    assert certificates.may_extend_review(continuous_since=since, on=ten + DAY, violations=0) is True
    assert certificates.may_extend_review(continuous_since=since, on=ten - DAY, violations=0) is False


@given(any_issue, st.integers(0, 30 * 366), st.integers(1, 50))
def test_extension_is_never_allowed_with_violations(since, offset, violations):
    on = since + datetime.timedelta(days=offset)
    assert certificates.may_extend_review(continuous_since=since, on=on, violations=violations) is False


# ---- the same status in SQL ----------------------------------------------------------------------


def _person(world) -> Person:
    return Person.objects.create(
        name="周师傅",
        source="enterprise",
        employment="full_time",
        site=world.site11_mine,
        region=world.g11,
        region_path=world.site11_mine.region_path,
        sector_id=world.site11_mine.sector_id,
        created_by=world.users["office"],
    )


def _certificates(world) -> list[Certificate]:
    person = _person(world)
    issues = [
        datetime.date(2020, 2, 29),
        datetime.date(2019, 12, 31),
        datetime.date(2020, 1, 1),
        datetime.date(2021, 3, 1),
        datetime.date(2022, 6, 15),
    ]
    variants = [
        {},
        {"review_extended": True},
        {"reviewed": True},
        {"revoked": True},
    ]
    made = []
    serial = 0
    for issue in issues:
        for variant in variants:
            serial += 1
            extended = variant.get("review_extended", False)
            review = None if extended else years_later(issue, 3)
            made.append(
                Certificate.objects.create(
                    person=person,
                    region_path=person.region_path,
                    sector_id=person.sector_id,
                    site_id=person.site_id,
                    kind=CertificateKind.SPECIAL_OPERATION,
                    category=OperationCategory.ELECTRICAL,
                    number=f"T{serial:04d}",
                    issue_date=issue,
                    expiry_date=years_later(issue, 6),
                    review_due_date=review,
                    reviewed_on=(review - WINDOW + DAY) if review and variant.get("reviewed") else None,
                    review_extended=extended,
                    revoked=variant.get("revoked", False),
                    created_by=world.users["office"],
                )
            )
    # Another kind: the expiry printed on it, no review.
    made.append(
        Certificate.objects.create(
            person=person,
            region_path=person.region_path,
            sector_id=person.sector_id,
            site_id=person.site_id,
            kind=CertificateKind.SPECIAL_EQUIPMENT,
            number="E0001",
            issue_date=datetime.date(2021, 5, 1),
            expiry_date=datetime.date(2025, 4, 30),
            created_by=world.users["office"],
        )
    )
    return made


def _boundary_days(certs: list[Certificate]) -> list[datetime.date]:
    days = set()
    for cert in certs:
        for due in (cert.review_due_date, cert.expiry_date):
            if due is None:
                continue
            for edge in (due - WINDOW, due):
                days |= {edge - DAY, edge, edge + DAY}
    return sorted(days)


def test_sql_status_equals_the_python_status_on_every_boundary(world):
    certs = _certificates(world)
    days = _boundary_days(certs)
    # and a few ordinary days in between
    days += [datetime.date(2019, 6, 1), datetime.date(2024, 7, 1), datetime.date(2030, 1, 1)]
    office = world.users["office"]
    mismatches = []
    seen = set()
    for today in days:
        sql = dict(selectors.certificate_list(actor=office, today=today).values_list("pk", "status"))
        python = {c.pk: c.status_on(today) for c in certs}
        seen |= set(python.values())
        if sql != python:
            mismatches.append((today, {pk: (sql.get(pk), s) for pk, s in python.items() if sql.get(pk) != s}))
    assert mismatches == []
    assert seen == set(CertificateStatus.values)  # every status was exercised
