"""Date rules of special-operation certificates (特种作业操作证), 30号令 第二十一、二十二条 (DOMAIN.md §6).

- valid for 6 years from the issue date; the holder renews (延期复审) at 6 years;
- reviewed (复审) every 3 years: the first review falls due 3 years after issue;
- a holder with 10+ continuous years in the trade and no violations may have reviews extended to
  every 6 years (no 3-year review; the next date is the expiry);
- the holder applies within 60 days before the date, so reminders open 60 days ahead.

A certificate is valid through its expiry date and through its review date; the day after, it is
expired or overdue for review and no longer qualifies its holder for the post. A date that does not
exist in the target year (29 February) falls back to 28 February.

Pure functions: the models, services, selectors and the reminder job all use these.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from safegrid.core.dates import add_years

from .choices import CertificateStatus

VALIDITY_YEARS = 6
REVIEW_YEARS = 3
EXTENDED_REVIEW_YEARS = 6
CLEAN_YEARS_FOR_EXTENSION = 10
REMINDER_DAYS = 60


def expiry_date(issue_date: datetime.date) -> datetime.date:
    return add_years(issue_date, VALIDITY_YEARS)


def review_due_date(issue_date: datetime.date, *, extended: bool) -> datetime.date | None:
    """The 3-year review date; None when reviews are extended to every 6 years (the expiry then
    is the next date)."""
    if extended:
        return None
    return add_years(issue_date, REVIEW_YEARS)


def may_extend_review(*, continuous_since: datetime.date, on: datetime.date, violations: int) -> bool:
    """10+ continuous years in the trade by `on`, and no verified violations."""
    return violations == 0 and add_years(continuous_since, CLEAN_YEARS_FOR_EXTENSION) <= on


def reminder_opens(due: datetime.date) -> datetime.date:
    """First day of the application window before a review or expiry date."""
    return due - datetime.timedelta(days=REMINDER_DAYS)


def in_reminder_window(due: datetime.date, today: datetime.date) -> bool:
    return reminder_opens(due) <= today <= due


@dataclass(frozen=True)
class CertificateDates:
    issue_date: datetime.date
    expiry_date: datetime.date
    review_due_date: datetime.date | None
    reviewed_on: datetime.date | None = None
    revoked: bool = False

    @property
    def review_pending(self) -> bool:
        return self.review_due_date is not None and self.reviewed_on is None

    def next_due(self) -> tuple[str, datetime.date]:
        """("review" or "expiry", date) of the next thing the holder must do."""
        if self.review_pending:
            return "review", self.review_due_date  # type: ignore[return-value]
        return "expiry", self.expiry_date

    def status(self, today: datetime.date) -> str:
        if self.revoked:
            return CertificateStatus.REVOKED
        if today > self.expiry_date:
            return CertificateStatus.EXPIRED
        if self.review_pending and today > self.review_due_date:
            return CertificateStatus.REVIEW_OVERDUE
        kind, due = self.next_due()
        if in_reminder_window(due, today):
            return CertificateStatus.REVIEW_DUE if kind == "review" else CertificateStatus.EXPIRY_DUE
        return CertificateStatus.VALID

    def qualifies(self, today: datetime.date) -> bool:
        """May the holder work the post today (issued by then, and valid or within a reminder
        window)? A posting back-dated before the issue date is not covered by the certificate."""
        return self.issue_date <= today and self.status(today) in {
            CertificateStatus.VALID,
            CertificateStatus.REVIEW_DUE,
            CertificateStatus.EXPIRY_DUE,
        }
