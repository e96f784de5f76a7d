"""zh-hans input formats with ISO first: Django renders a date input's value in the first input format,
and <input type="date"> accepts only an ISO value (2026-06-01).
The other Chinese forms stay accepted when typed. Everything not named here comes from Django's locale."""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%n月%j日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%n月%j日 %H:%M",
]
