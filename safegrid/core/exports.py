"""Excel export of list pages: the rows of a scoped, filtered queryset written to an .xlsx.

A list view declares `export_columns`, a list of (header, accessor) pairs, where the accessor is an
attribute path ("site.name", "get_status_display"; bound methods at the end are called) or a
callable taking the row. The workbook is written in openpyxl's write-only mode into a temporary file
and streamed back, iterating the queryset in chunks, so memory stays flat however long the list is;
lists above SAFEGRID_EXPORT_INLINE_ROWS are offered as a background job (safegrid.jobs), and lists
above SAFEGRID_EXPORT_MAX_ROWS are refused with a message. Every export leaves one audit record
(SECURITY.md: export is an audited event). Exports are limited per user (SAFEGRID_EXPORT_RATE) by
ExportRateLimitMiddleware, for every export route at once (SECURITY.md F5).
"""

from __future__ import annotations

import datetime
import decimal
import functools
import inspect
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import ratelimit
from .audit import audit_record

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_MAX_ROWS = 1_000_000
DEFAULT_INLINE_ROWS = 20_000
CHUNK_SIZE = 2000

Accessor = str | Callable[[Any], Any]
ExportColumn = tuple[Any, Accessor]

# The first column of every export: the row's id, so that a workbook can be matched with the page.
ID_COLUMN: ExportColumn = (gettext_lazy("编号"), "pk")

# A cell starting with one of these is a formula to Excel (or to a spreadsheet importing it as CSV);
# such values are written as text with Excel's quote prefix, so they stay text even when edited.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Control characters that XML 1.0 (and so .xlsx) cannot hold.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# Characters Excel does not allow in a sheet name.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# A path step naming Django's display method of a choice field.
DISPLAY_METHOD = re.compile(r"get_(\w+)_display")


class ExportTooLarge(Exception):
    """The filtered list has more rows than one synchronous export may write."""

    def __init__(self, count: int, limit: int):
        self.count = count
        self.limit = limit
        super().__init__(
            _("当前列表共 %(count)s 条，超过导出上限 %(limit)s 条。请先用筛选条件缩小范围后再导出。")
            % {"count": count, "limit": limit}
        )
        self.message = self.args[0]


def max_rows() -> int:
    """Rows one export may hold at all (a background job writes those above `inline_rows`)."""
    return int(getattr(settings, "SAFEGRID_EXPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def inline_rows() -> int:
    """Rows one request writes while the user waits; a longer list is exported by a job."""
    return int(getattr(settings, "SAFEGRID_EXPORT_INLINE_ROWS", DEFAULT_INLINE_ROWS))


def getter(accessor: Accessor) -> Callable[[Any], Any]:
    """A function giving one column's value for a row. A callable accessor is that function; a
    dotted path is followed attribute by attribute (None stops it) and a method at any step is
    called. `get_FOO_display` is answered from the field's choices, read once per export (Django's
    own method rebuilds its choices dict on every call, the costliest step of a large export)."""
    if callable(accessor):
        return accessor
    names = accessor.split(".")
    labels: dict[tuple[type, str], tuple[str, dict] | None] = {}

    def get(row: Any) -> Any:
        value = row
        for name in names:
            if value is None:
                return None
            if isinstance(value, Model) and (match := DISPLAY_METHOD.fullmatch(name)):
                key = (type(value), name)
                if key not in labels:
                    labels[key] = _choice_labels(type(value), match.group(1))
                if labels[key] is not None:
                    attname, choices = labels[key]
                    raw = getattr(value, attname)
                    value = choices.get(raw, raw)
                    continue
            value = getattr(value, name)
            # Methods, and Django's get_FOO_display (a partial); not managers, callable too.
            if inspect.ismethod(value) or isinstance(value, functools.partial):
                value = value()
        return value

    return get


def _choice_labels(model: type[Model], field_name: str) -> tuple[str, dict] | None:
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "flatchoices", None):
        return None
    return field.attname, {key: str(label) for key, label in field.flatchoices}


def resolve(row: Any, accessor: Accessor) -> Any:
    """One column's value for one row (see `getter`)."""
    return getter(accessor)(row)


def cell_converter(sheet) -> Callable[[Any], Any]:
    """A function turning a value into what the write-only sheet stores: yes/no for booleans,
    local wall-clock time for aware datetimes (Excel has no time zones), lists joined, texts
    cleaned of XML-illegal characters. openpyxl makes every text starting with "=" a formula:
    formula-like texts become text cells with Excel's quote prefix (its leading apostrophe), so
    they stay text even when edited."""
    from openpyxl.cell import WriteOnlyCell

    yes, no, separator = _("是"), _("否"), _("；")

    def convert(value: Any) -> Any:
        if value is None or isinstance(value, int | float | decimal.Decimal | datetime.date):
            if isinstance(value, bool):
                return yes if value else no
            if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                return timezone.localtime(value).replace(tzinfo=None)
            return value
        if isinstance(value, list | tuple | set | frozenset):
            value = separator.join(str(v) for v in value)
        text = ILLEGAL_CHARACTERS.sub("", str(value))
        if not text.startswith(FORMULA_PREFIXES):
            return text
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    return convert


def sheet_title(title: str) -> str:
    cleaned = SHEET_NAME_FORBIDDEN.sub(" ", title).strip("' ") or "Sheet1"
    return cleaned[:31]


def write_xlsx(target, *, rows: Iterable[Any], columns: Sequence[ExportColumn], title: str) -> int:
    """Write `rows` (any iterable, consumed once) to `target` (a path or binary file object) as a
    one-sheet workbook with a header row of the columns' headers. Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    headers = [str(header) for header, _accessor in columns]
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, 2 * len(header) + 4))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.data_type = "s"
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    convert = cell_converter(sheet)
    getters = [getter(accessor) for _header, accessor in columns]
    count = 0
    for row in rows:
        sheet.append([convert(get(row)) for get in getters])
        count += 1
    workbook.save(target)
    return count


def export_filename(title: str, day: datetime.date | None = None) -> str:
    day = day or timezone.localdate()
    name = re.sub(r'[\\/:*?"<>|\r\n]+', " ", title).strip() or "export"
    return f"{name}-{day.isoformat()}.xlsx"


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback name and the real (Chinese) name in RFC 5987
    form, which every current browser prefers."""
    fallback = re.sub(r'["\\]', "", filename.encode("ascii", "ignore").decode())
    if fallback != filename:  # the title was not ASCII: keep what is left (the date)
        fallback = f"export-{fallback.strip(' -')}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@transaction.atomic
def list_export_audit(*, actor, title: str, count: int, filters: Sequence[str]) -> None:
    """One audit record for an export: which list, how many rows, which filters (their names only;
    the values may hold personal data typed into the search box)."""
    described = f"{title}（{count}）"
    if filters:
        described += " " + ",".join(sorted(filters))
    audit_record(actor=actor, action="list.export", object_type="export", object_repr=described[:200])


def xlsx_response(
    *,
    actor,
    queryset: QuerySet,
    columns: Sequence[ExportColumn],
    title: str,
    filters: Sequence[str] = (),
    limit: int | None = None,
) -> FileResponse:
    """Every row of `queryset`, in its order, as an .xlsx download. Raises ExportTooLarge above
    `limit` (default SAFEGRID_EXPORT_MAX_ROWS) rows. The queryset must already be scoped to the
    actor; it is read in chunks (prefetches run per chunk), so the query count does not depend on
    the number of rows beyond one batch per CHUNK_SIZE rows."""
    limit = max_rows() if limit is None else limit
    count = queryset.count()
    if count > limit:
        raise ExportTooLarge(count, limit)
    title = str(title)
    # A nameless temporary file, handed to FileResponse, which closes it (and the OS removes it)
    # when the response is done; so no context manager here.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        written = write_xlsx(
            target, rows=queryset.iterator(chunk_size=CHUNK_SIZE), columns=columns, title=title
        )
        list_export_audit(actor=actor, title=title, count=written, filters=filters)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    response = FileResponse(target, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(export_filename(title))
    response["Cache-Control"] = "no-store"
    return response


# Export routes other than the lists' `?format=xlsx` (URL names, namespace included): the risk
# matrix workbook and the statistical bulletin (a Word file generated over the whole scope).
EXPORT_VIEW_NAMES = frozenset({"reports:risk_matrix_export", "reports:bulletin"})


def is_export_request(request) -> bool:
    """Every way data leaves as a file: a list's Excel export (GET `?format=xlsx` writes it now, a
    POST starts it as a background job), and the routes in EXPORT_VIEW_NAMES or named `*_export`.
    Downloading a finished job's file is not counted again (its export was)."""
    if request.GET.get("format") == "xlsx":
        return True
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    return view_name in EXPORT_VIEW_NAMES or view_name.endswith("_export")


def export_rate() -> str:
    return str(getattr(settings, "SAFEGRID_EXPORT_RATE", ""))


class ExportRateLimitMiddleware:
    """SECURITY.md F5: at most SAFEGRID_EXPORT_RATE exports per user (default 10 a minute), over all
    export routes together; above it 429 with a Chinese message and Retry-After. Applied here, at
    one place, so that no export route can miss it. Anonymous requests are left to the views (they
    send the visitor to the sign-in page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not is_export_request(request):
            return None
        rate = export_rate()
        retry_after = ratelimit.hit("export", str(user.pk), rate)
        if retry_after is None:
            return None
        return ratelimit.too_many_requests(
            request,
            title=_("导出过于频繁"),
            message=_("导出过于频繁：每位用户%(rate)s，请 %(seconds)d 秒后再试。")
            % {"rate": ratelimit.describe(rate), "seconds": retry_after},
            retry_after=retry_after,
        )
