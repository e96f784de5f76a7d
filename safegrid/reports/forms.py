"""The period of the dashboard and the statistics API: a year, a quarter, a month or two dates."""

from __future__ import annotations

import calendar
import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PERIOD_KINDS = [
    ("year", gettext_lazy("按年")),
    ("quarter", gettext_lazy("按季度")),
    ("month", gettext_lazy("按月")),
    ("custom", gettext_lazy("自定义")),
]
MAX_DAYS = 366 * 5  # a custom period spans at most five years


def period_range(
    kind: str, year: int, quarter: int = 1, month: int = 1
) -> tuple[datetime.date, datetime.date]:
    if kind == "quarter":
        first = 3 * (quarter - 1) + 1
        return datetime.date(year, first, 1), datetime.date(
            year, first + 2, calendar.monthrange(year, first + 2)[1]
        )
    if kind == "month":
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


class PeriodForm(forms.Form):
    """Unbound fields default to this year; `cleaned_data["date_from"/"date_to"]` is the period."""

    period = forms.ChoiceField(choices=PERIOD_KINDS, required=False, label=gettext_lazy("统计周期"))
    year = forms.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        label=gettext_lazy("年度"),
        error_messages={
            "invalid": gettext_lazy("年度必须是数字。"),
            "min_value": gettext_lazy("年度须在 2000—2100 之间。"),
            "max_value": gettext_lazy("年度须在 2000—2100 之间。"),
        },
    )
    quarter = forms.TypedChoiceField(
        choices=[(q, gettext_lazy("第%(q)s季度") % {"q": q}) for q in range(1, 5)],
        coerce=int,
        required=False,
        label=gettext_lazy("季度"),
    )
    month = forms.TypedChoiceField(
        choices=[(m, gettext_lazy("%(m)s月") % {"m": m}) for m in range(1, 13)],
        coerce=int,
        required=False,
        label=gettext_lazy("月份"),
    )
    date_from = forms.DateField(
        required=False, label=gettext_lazy("起始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=gettext_lazy("截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if name in ("period", "quarter", "month")
                else "form-control form-control-sm"
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("period") or "year"
        data["period"] = kind
        if kind == "custom":
            start, end = data.get("date_from"), data.get("date_to")
            if start is None or end is None:
                raise forms.ValidationError(_("自定义统计周期须填写起始日期和截止日期。"))
            if start > end:
                raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("统计周期不能超过五年。"))
            return data
        year = data.get("year") or self.today.year
        quarter = data.get("quarter") or (self.today.month - 1) // 3 + 1
        month = data.get("month") or self.today.month
        data.update(year=year, quarter=quarter, month=month)
        data["date_from"], data["date_to"] = period_range(kind, year, quarter, month)
        return data
