"""Working-day calendar for deadlines (整改期限的工作日计算), DESIGN.md §5.

Whether a date is a working day is decided, first rule that applies:

1. a `HolidayOverride` row for that date (entered by the system administrator) wins;
2. the `chinesecalendar` package, for the years it carries the State Council's arrangement;
3. for any other year with a complete `CalendarYear` row, Monday–Friday are working days;
4. otherwise `UnknownCalendarYear` is raised: a deadline is never computed from a guess.

Each public function builds a fresh `WorkdayCalendar`, which reads each year's overrides at most
once for the duration of that call. Nothing is cached across calls, so an override saved in the
admin takes effect on the next computation. Code that computes many deadlines in one go (the
overdue sweep) may build one `WorkdayCalendar` and reuse it for that one job.
"""

from __future__ import annotations

import datetime
import operator

import chinese_calendar

from .exceptions import ApplicationError
from .models import CalendarYear, HolidayOverride

ONE_DAY = datetime.timedelta(days=1)


class UnknownCalendarYear(ApplicationError):
    """A working-day computation needs a year whose holiday arrangement nobody has entered."""

    code = "unknown_calendar_year"

    def __init__(self, year: int):
        super().__init__(
            f"尚无 {year} 年的法定节假日安排，请系统管理员先在“节假日调整”中录入该年安排，"
            f"并在“节假日安排年度”中将 {year} 年标记为已完整录入。",
            extra={"year": year},
        )
        self.year = year


def _check_date(value: datetime.date) -> None:
    # A datetime is a date subclass; accepting one would silently drop its time and time zone.
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(f"需要 datetime.date，得到 {type(value).__name__}")


class _Year:
    """What one calendar year looks like, loaded lazily by `WorkdayCalendar`."""

    def __init__(self, year: int):
        self.year = year
        self.overrides: dict[datetime.date, bool] = dict(
            HolidayOverride.objects.filter(
                date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
            ).values_list("date", "is_workday")
        )
        try:
            chinese_calendar.is_workday(datetime.date(year, 1, 1))
        except NotImplementedError:
            self.in_package = False
        else:
            self.in_package = True
        self._entered: bool | None = None

    def entered_by_office(self) -> bool:
        if self._entered is None:
            self._entered = CalendarYear.objects.filter(year=self.year, complete=True).exists()
        return self._entered


class WorkdayCalendar:
    """One lookup session. Build one per operation; do not keep it beyond that operation, or it
    will not see overrides the administrator saves in the meantime."""

    def __init__(self) -> None:
        self._years: dict[int, _Year] = {}

    def _year(self, year: int) -> _Year:
        data = self._years.get(year)
        if data is None:
            data = self._years[year] = _Year(year)
        return data

    def is_workday(self, day: datetime.date) -> bool:
        _check_date(day)
        year = self._year(day.year)
        override = year.overrides.get(day)
        if override is not None:
            return override
        if year.in_package:
            return chinese_calendar.is_workday(day)
        if year.entered_by_office():
            return day.weekday() < 5
        raise UnknownCalendarYear(day.year)

    def add_workdays(self, start: datetime.date, n: int) -> datetime.date:
        _check_date(start)
        remaining = operator.index(n)
        if remaining < 0:
            raise ValueError("工作日数不能为负数。")
        day = start
        while remaining:
            day += ONE_DAY
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, a: datetime.date, b: datetime.date) -> int:
        _check_date(a)
        _check_date(b)
        if b < a:
            return -self.workdays_between(b, a)
        count = 0
        day = a
        while day < b:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count


def is_workday(d: datetime.date) -> bool:
    """Whether `d` is a working day under the rules in this module's docstring.

    Raises `UnknownCalendarYear` when `d`'s year has neither package data, an override for `d`,
    nor a complete `CalendarYear` row.
    """
    return WorkdayCalendar().is_workday(d)


def add_workdays(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` (`start` itself is not counted; n = 0 gives `start`).

    A deadline of "5 working days from assignment on D" is `add_workdays(D, 5)`. Raises
    `ValueError` for negative n and `UnknownCalendarYear` when the count runs into a year nobody
    has entered.
    """
    return WorkdayCalendar().add_workdays(start, n)


def workdays_between(a: datetime.date, b: datetime.date) -> int:
    """The number of working days d with a < d ≤ b; negative (the same count) when b < a.

    The inverse of `add_workdays`: `workdays_between(a, add_workdays(a, n)) == n`. Used for
    "overdue by N working days".
    """
    return WorkdayCalendar().workdays_between(a, b)


def add_calendar_days(start: datetime.date, n: int) -> datetime.date:
    """`start` plus n natural days, for rules that count calendar days (自然日). Needs no calendar
    data. Raises `ValueError` for negative n, like `add_workdays`."""
    _check_date(start)
    days = operator.index(n)
    if days < 0:
        raise ValueError("天数不能为负数。")
    return start + datetime.timedelta(days=days)
