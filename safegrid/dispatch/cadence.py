"""Meeting cadence (会议频次): how a number of meetings a year becomes calendar periods.

The county committee meets at least once a quarter and the office at least once a month (DESIGN.md
§3); a sector committee meets `Sector.meetings_per_year` times. A cadence of n meetings a year is
checked over calendar-aligned periods, each needing at least one meeting:

- n = 12 → months, 6 → two-month periods, 4 → quarters, 3 → four-month periods, 2 → half-years,
  1 → the year;
- any other n from 1 to 11 is rounded *up* to the next of those, so that the periods together still
  ask for at least n meetings: 5 → two-month periods (6 a year), 7–11 → months (12 a year);
- n > 12 → months, each needing ceil(n / 12) meetings (24 → two a month);
- n = 0 → no requirement (no periods).

Periods are calendar dates in the county's time zone (Asia/Shanghai): a meeting on 31 March counts
for the first quarter, one on 1 April for the second.
"""

from __future__ import annotations

import calendar
import datetime
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import PeriodStatus

PERIOD_MONTHS = (1, 2, 3, 4, 6, 12)  # calendar-aligned period lengths that divide the year


@dataclass(frozen=True)
class Period:
    index: int  # 1-based within the year
    start: datetime.date
    end: datetime.date  # inclusive
    months: int
    required: int

    @property
    def label(self) -> str:
        if self.months == 12:
            return _("全年")
        if self.months == 6:
            return _("上半年") if self.index == 1 else _("下半年")
        if self.months == 3:
            return [_("第一季度"), _("第二季度"), _("第三季度"), _("第四季度")][self.index - 1]
        if self.months == 1:
            return _("%(m)s月") % {"m": self.start.month}
        return _("%(a)s—%(b)s月") % {"a": self.start.month, "b": self.end.month}


def period_shape(meetings_per_year: int) -> tuple[int, int] | None:
    """(months per period, meetings required in each) for a yearly cadence; None: no requirement."""
    if meetings_per_year <= 0:
        return None
    if meetings_per_year >= 12:
        return 1, math.ceil(meetings_per_year / 12)
    months = max(m for m in PERIOD_MONTHS if 12 // m >= meetings_per_year)
    return months, 1


def periods(meetings_per_year: int, year: int) -> list[Period]:
    shape = period_shape(meetings_per_year)
    if shape is None:
        return []
    months, required = shape
    result = []
    for index, first_month in enumerate(range(1, 13, months), start=1):
        last_month = first_month + months - 1
        result.append(
            Period(
                index=index,
                start=datetime.date(year, first_month, 1),
                end=datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]),
                months=months,
                required=required,
            )
        )
    return result


def period_status(period: Period, held: int, today: datetime.date) -> str:
    """Met as soon as enough meetings were held; missed once the period is over without them; in
    progress while it runs; future before it starts."""
    if held >= period.required:
        return PeriodStatus.MET
    if period.end < today:
        return PeriodStatus.MISSED
    if period.start <= today:
        return PeriodStatus.IN_PROGRESS
    return PeriodStatus.FUTURE
