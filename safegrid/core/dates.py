"""Calendar arithmetic shared by the modules (certificate validity, plan evaluations …)."""

from __future__ import annotations

import datetime


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (or earlier); 29 February → 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)
