"""Excel (.xlsx) import, the generic half: templates, reading an upload safely, checking cells, the
all-or-nothing run of a service per row, and the error report. Each app's `importing.py` declares
its columns, checks its rows and names the service; everything else is here.

A file is imported whole or not at all. Every row is checked first (required cells, choices,
lengths, numbers, dates, names resolving to objects the actor may use, duplicates); then, in one
transaction, each row that passed goes through the app's service, each in its own savepoint, so
the service's own rules — the write scope above all — apply exactly as in the forms, and its
refusals become row errors too. If any row failed at either stage the transaction is rolled back:
nothing is written, no `on_commit` callback (notification, job) runs, and the caller gets every
error with its row and column, in Chinese.

The workbook is a data format: its headers and choice labels are the Chinese ones whatever the
user's language; messages about it follow the user's language. Long digit runs (ID numbers,
phones) never appear unmasked in a message (`redact`).
"""

from __future__ import annotations

import datetime
import functools
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from . import masking
from .exceptions import ApplicationError, NotInScope, RowsRefused

MiB = 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSTRUCTIONS_SHEET = "说明"
_ZIP_MAGIC = b"PK\x03\x04"
# The language in which the workbook's choice labels are written.
WORKBOOK_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class Limits:
    """How much one upload may hold. Each row goes through its service (about ten queries with
    `full_clean`): 2,000 rows take some 10 seconds, inside the time a web request may take; larger
    files are imported in parts. `max_sheet_rows` counts blank rows too (a sheet formatted down to
    row 1,048,576 is not read to the end)."""

    max_file_bytes: int = 5 * MiB
    max_rows: int = 2000
    max_sheet_rows: int = 20_000
    max_columns: int = 60

    @property
    def template_rows(self) -> int:
        """The last row that carries the template's dropdowns and text formats."""
        return self.max_rows + 1

    @property
    def max_megabytes(self) -> int:
        return self.max_file_bytes // MiB


# ---- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: the sheet row (None for the file as a whole), the column header ("" for the row
    as a whole) and a Chinese message with personal numbers masked."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    # The file was refused only for its size (bytes or rows): a background job may take it.
    oversized: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class Refused(Exception):
    """The file cannot be read as an import at all (one file-level error). `oversized`: refused
    only for being larger than the limits allow."""

    def __init__(self, message: str, *, oversized: bool = False):
        super().__init__(message)
        self.message = message
        self.oversized = oversized


def job_limits() -> Limits:
    """The limits of an import run as a background job (SAFEGRID_IMPORT_JOB_MAX_ROWS rows,
    SAFEGRID_IMPORT_JOB_MAX_MB megabytes): no web request waits for it."""
    rows = int(getattr(settings, "SAFEGRID_IMPORT_JOB_MAX_ROWS", 50_000))
    megabytes = int(getattr(settings, "SAFEGRID_IMPORT_JOB_MAX_MB", 50))
    return Limits(max_file_bytes=megabytes * MiB, max_rows=rows, max_sheet_rows=2 * rows + 1000)


# ---- masking -------------------------------------------------------------------------------------

# A value echoed back in a message may be an ID number or a phone typed into the wrong column: every
# run of 7+ digits is masked (`safegrid.core.masking.redact`).
redact = masking.redact


# ---- columns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str  # as written in row 1, without the required mark "*"
    required: bool = False
    max_length: int | None = None
    choices: type[models.TextChoices] | None = None
    is_date: bool = False
    is_text: bool = False  # long numbers: the template formats the column as text
    width: int = 14
    # Explanation for the instructions sheet.
    help: Any = ""


def labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Chinese label → stored value."""
    return dict(_labels(choices))


@functools.cache
def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    # Once per choices class: a row reader asks for every cell of a choice column.
    with translation.override(WORKBOOK_LANGUAGE):
        return {str(label): value for value, label in choices.choices}


def column_help(column: Column) -> str:
    parts = []
    if column.help:
        parts.append(str(column.help))
    if column.choices is not None:
        parts.append(_("可选：%(options)s。") % {"options": "、".join(labels(column.choices))})
    if column.max_length:
        parts.append(_("不超过 %(limit)d 个字。") % {"limit": column.max_length})
    return "".join(parts)


# ---- templates -----------------------------------------------------------------------------------


def general_notes(limits: Limits) -> list[str]:
    return [
        _("第一行为表头，请勿修改列名；从第二行起每行填写一条记录，空行将被忽略。"),
        _("表头带 * 的列为必填项；下拉列只能选择所列选项。"),
        _(
            "整个文件全部通过校验才会导入；只要有一行有误，就一条也不导入，"
            "并列出每个错误所在的行、列和原因（可下载错误报告）。"
        ),
        _("每个文件不超过 %(rows)d 行数据、%(size)d MB。")
        % {"rows": limits.max_rows, "size": limits.max_megabytes},
    ]


def build_template(
    sheet_title: str, columns: Iterable[Column], notes: list[str], *, template_rows: int
) -> bytes:
    """The data sheet (header row, dropdowns, text- and date-formatted columns) and an
    instructions sheet (说明): the notes, then one line per column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = list(columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    header_font = Font(bold=True)
    required_font = Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header + ("*" if column.required else ""))
        cell.font = required_font if column.required else header_font
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[letter].width = column.width
        cells = f"{letter}2:{letter}{template_rows}"
        if column.is_text:
            sheet.column_dimensions[letter].number_format = "@"
        if column.is_date:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if column.choices is not None:
            options = ",".join(labels(column.choices))
            validation = DataValidation(
                type="list",
                formula1=f'"{options}"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=_("无效的选项"),
                error=_("请从下拉列表中选择。"),
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    notes_sheet = workbook.create_sheet(INSTRUCTIONS_SHEET)
    notes_sheet.column_dimensions["A"].width = 24
    notes_sheet.column_dimensions["B"].width = 10
    notes_sheet.column_dimensions["C"].width = 90
    notes_sheet.append([_("填写说明")])
    notes_sheet["A1"].font = header_font
    for number, note in enumerate(notes, start=1):
        notes_sheet.append([f"{number}.", None, note])
    notes_sheet.append([])
    notes_sheet.append([_("列"), _("是否必填"), _("填写要求")])
    for cell in notes_sheet[notes_sheet.max_row]:
        cell.font = header_font
    for column in columns:
        notes_sheet.append([column.header, _("必填") if column.required else _("选填"), column_help(column)])
    for row in notes_sheet.iter_rows(min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    return _save(workbook)


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- error report --------------------------------------------------------------------------------


def error_report(errors: Iterable[RowError]) -> bytes:
    """The errors as a workbook (行号, 列, 错误说明), for the user to correct the file against."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("错误报告")
    sheet.append([_("行号"), _("列"), _("错误说明")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for error in errors:
        sheet.append([error.row, error.column, error.message])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # text that looks like a formula stays text
                cell.data_type = "s"
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 80
    sheet.freeze_panes = "A2"
    return _save(workbook)


# ---- reading -------------------------------------------------------------------------------------


def too_large_message(limits: Limits) -> str:
    return _("文件超过 %(size)d MB 上限，请分批导入。") % {"size": limits.max_megabytes}


def _not_xlsx() -> str:
    return _("无法读取文件：请上传用导入模板填写的 Excel 文件（.xlsx）。")


def read_bytes(file, limits: Limits) -> bytes:
    """The upload's bytes (an uploaded file, bytes or a path), reading at most one byte more than
    the limit. Raises Refused."""
    if file is None:
        raise Refused(_("请选择要上传的文件。"))
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif isinstance(file, str | os.PathLike):
        with open(file, "rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    else:
        declared = getattr(file, "size", None)
        if declared is not None and declared > limits.max_file_bytes:
            raise Refused(too_large_message(limits), oversized=True)
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        raise Refused(too_large_message(limits), oversized=True)
    if not data:
        raise Refused(_("不能上传空文件。"))
    return data


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def _header(value) -> str:
    return cell_text(value).rstrip("*＊").strip()


def read_sheet(
    file, sheet_title: str, columns: Sequence[Column], limits: Limits
) -> list[tuple[int, dict[str, Any]]]:
    """(sheet row number, {header: raw value}) of every non-blank data row of the sheet named
    `sheet_title` (else the first sheet). Raises Refused for a file that is not an .xlsx, is too
    large, lacks a required column, repeats a column, holds too many rows or none."""
    from openpyxl import load_workbook

    data = read_bytes(file, limits)
    # openpyxl reads the zip through defusedxml (installed), so entity expansion is refused; the
    # magic check turns away other formats before the zip reader sees them.
    if not data.startswith(_ZIP_MAGIC):
        raise Refused(_not_xlsx())
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise Refused(_not_xlsx()) from exc
    try:
        sheet = workbook[sheet_title] if sheet_title in workbook.sheetnames else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=limits.max_columns)
        header = [_header(v) for v in next(rows, ())]
        known = {c.header for c in columns}
        missing = [c.header for c in columns if c.required and c.header not in header]
        if missing:
            raise Refused(
                _("第 1 行缺少必填列：%(columns)s。请使用导入模板。") % {"columns": "、".join(missing)}
            )
        doubled = sorted({h for h in header if h in known and header.count(h) > 1})
        if doubled:
            raise Refused(_("第 1 行有重复的列：%(columns)s。") % {"columns": "、".join(doubled)})
        index = {h: i for i, h in enumerate(header) if h in known}
        result: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            if number > limits.max_sheet_rows:
                raise Refused(
                    _("工作表行数过多（含空行超过 %(rows)d 行）。") % {"rows": limits.max_sheet_rows},
                    oversized=True,
                )
            cells = {h: values[i] if i < len(values) else None for h, i in index.items()}
            if all(cell_text(v) == "" for v in cells.values()):
                continue
            if len(result) >= limits.max_rows:
                raise Refused(
                    _("数据超过 %(rows)d 行上限，请分批导入。") % {"rows": limits.max_rows}, oversized=True
                )
            result.append((number, cells))
    except Refused:
        raise
    except Exception as exc:  # a damaged sheet is found only while it is read
        raise Refused(_not_xlsx()) from exc
    finally:
        workbook.close()
    if not result:
        raise Refused(_("没有可导入的数据行。"))
    return result


# ---- checking one row ----------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?$")
_DATETIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*秒?)?$"
)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class Row:
    """The cells of one data row and the errors found in it. Each reader reports a bad cell once
    (in `bad_columns`) and returns an empty value for it, so that later checks can skip it."""

    def __init__(self, number: int, cells: dict[str, Any], columns: Sequence[Column], errors: list):
        self.number = number
        self.cells = cells
        self.columns = {c.header: c for c in columns}
        self._errors = errors
        # Columns already reported, so that a bad cell is not reported again as missing.
        self.bad_columns: set[str] = set()

    @property
    def bad(self) -> bool:
        return bool(self.bad_columns)

    def error(self, column: str, message: str) -> None:
        self._errors.append(RowError(self.number, column, redact(message)))
        self.bad_columns.add(column)

    def text(self, header: str) -> str:
        column = self.columns[header]
        value = cell_text(self.cells.get(header))
        if column.required and not value:
            self.error(header, _("不能为空。"))
        elif column.max_length and len(value) > column.max_length:
            self.error(header, _("不能超过 %(limit)d 个字。") % {"limit": column.max_length})
            return ""
        return value

    def choice(self, header: str) -> str:
        value = self.text(header)
        if not value:
            return ""
        options = labels(self.columns[header].choices)
        if value not in options:
            self.error(header, _("应为以下之一：%(options)s。") % {"options": "、".join(options)})
            return ""
        return options[value]

    def date(self, header: str, *, not_after: datetime.date | None = None) -> datetime.date | None:
        column = self.columns[header]
        value = self.cells.get(header)
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        elif cell_text(value) == "":
            if column.required:
                self.error(header, _("不能为空。"))
            return None
        else:
            match = _DATE.match(cell_text(value)) if isinstance(value, str) else None
            try:
                day = datetime.date(*(int(part) for part in match.groups())) if match else None
            except ValueError:
                day = None
            if day is None:
                self.error(header, _("日期无效，格式应为 YYYY-MM-DD。"))
                return None
        if not_after is not None and day > not_after:
            self.error(header, _("不能晚于今天。"))
            return None
        return day

    def moment(self, header: str, *, not_after: datetime.datetime | None = None) -> datetime.datetime | None:
        """A date, or a date and time ("2026-03-01 08:30"), in the current time zone; a bare date
        means its midnight. Naive values are made aware here (never stored naive)."""
        from django.utils import timezone

        column = self.columns[header]
        value = self.cells.get(header)
        if isinstance(value, datetime.datetime):
            moment = value
        elif isinstance(value, datetime.date):
            moment = datetime.datetime.combine(value, datetime.time())
        elif cell_text(value) == "":
            if column.required:
                self.error(header, _("不能为空。"))
            return None
        else:
            match = _DATETIME.match(cell_text(value)) if isinstance(value, str) else None
            try:
                moment = datetime.datetime(*(int(part or 0) for part in match.groups())) if match else None
            except ValueError:
                moment = None
            if moment is None:
                self.error(header, _("时间无效，格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM。"))
                return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if not_after is not None and moment > not_after:
            self.error(header, _("不能晚于当前时间。"))
            return None
        return moment

    def decimal(
        self, header: str, *, places: int, minimum: Decimal | int, maximum: Decimal | int
    ) -> Decimal | None:
        """A number within [minimum, maximum], rounded to `places` decimals."""
        column = self.columns[header]
        text = cell_text(self.cells.get(header))
        if not text:
            if column.required:
                self.error(header, _("不能为空。"))
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.error(header, _("应为数字。"))
            return None
        if not minimum <= number <= maximum:
            self.error(header, _("应在 %(min)s 到 %(max)s 之间。") % {"min": minimum, "max": maximum})
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def integer(self, header: str, *, minimum: int = 0, maximum: int = 10**9) -> int | None:
        column = self.columns[header]
        value = self.cells.get(header)
        text = cell_text(value)
        if not text:
            if column.required:
                self.error(header, _("不能为空。"))
            return None
        try:
            exact = Decimal(text)
        except InvalidOperation:
            exact = None
        if exact is None or not exact.is_finite() or exact != exact.to_integral_value():
            self.error(header, _("应为整数。"))
            return None
        number = int(exact)
        if not minimum <= number <= maximum:
            self.error(header, _("应在 %(min)d 到 %(max)d 之间。") % {"min": minimum, "max": maximum})
            return None
        return number

    def phone(self, header: str) -> str:
        """An 11-digit mobile or a landline with its area code; spaces are dropped."""
        value = re.sub(r"\s", "", self.text(header))
        if not value:
            return ""
        if not (_MOBILE.match(value) or _LANDLINE.match(value)):
            self.error(header, _("电话号码应为11位手机号或带区号的固定电话。"))
            return ""
        return value


class Lookup:
    """Objects named in the file, resolved once per distinct value among those visible to the actor
    (missing and out of scope give the same message). `not_found` and `ambiguous` are messages
    with a `%(value)s` placeholder."""

    def __init__(self, queryset_for: Callable[[str], models.QuerySet], not_found: str, ambiguous: str):
        self.queryset_for = queryset_for
        self.not_found = not_found
        self.ambiguous = ambiguous
        self.cache: dict[str, tuple[Any, str]] = {}

    def get(self, row: Row, header: str, value: str):
        if not value:
            return None
        if value not in self.cache:
            found = list(self.queryset_for(value)[:2])
            if not found:
                self.cache[value] = (None, self.not_found % {"value": value})
            elif len(found) > 1:
                self.cache[value] = (None, self.ambiguous % {"value": value})
            else:
                self.cache[value] = (found[0], "")
        obj, message = self.cache[value]
        if obj is None:
            row.error(header, message)
        return obj


def by_code_or_name(queryset: models.QuerySet, value: str, code_field: str) -> models.QuerySet:
    """Code wins over name: an object named like another's code is still found by its code."""
    by_code = queryset.filter(**{code_field: value.upper()})
    return by_code if by_code.exists() else queryset.filter(name=value)


class FirstRow:
    """Duplicates within the file: the first row that used each key."""

    def __init__(self):
        self.rows: dict[Any, int] = {}

    def repeats(self, key, number: int) -> int | None:
        """The earlier row with this key, or None (and the key is remembered for this row)."""
        if key in self.rows:
            return self.rows[key]
        self.rows[key] = number
        return None


# ---- the import ----------------------------------------------------------------------------------


@dataclass
class CheckedRow:
    """A row that passed the checks: its sheet row number and the service's keyword arguments."""

    row: int
    kwargs: dict[str, Any]


def service_errors(row: int | None, exc: Exception, field_columns: dict[str, str]) -> list[RowError]:
    """A service's refusal as row errors: field errors go to their column (via `field_columns`),
    the rest to the row as a whole."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [
                RowError(row, "" if key == NON_FIELD_ERRORS else field_columns.get(key, ""), redact(message))
                for key, messages in exc.message_dict.items()
                for message in messages
            ]
        return [RowError(row, "", redact(message)) for message in exc.messages]
    if isinstance(exc, NotInScope):
        return [RowError(row, "", _("该行数据不在您的管理范围内，或所引用的对象不存在。"))]
    if isinstance(exc, ApplicationError):
        return [RowError(row, "", redact(exc.message))]
    # IntegrityError: a concurrent write took a unique value after the check.
    return [RowError(row, "", _("与已登记的数据冲突（可能刚被他人录入），请核对后重新导入。"))]


def sort_errors(errors: list[RowError], columns: Sequence[Column]) -> list[RowError]:
    order = {c.header: i for i, c in enumerate(columns)}
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, -1)))


def run_import(
    *,
    actor,
    file,
    sheet_title: str,
    columns: Sequence[Column],
    check: Callable[[Any, list[tuple[int, dict[str, Any]]], list[RowError]], list],
    field_columns: dict[str, str],
    limits: Limits,
    create: Callable[[Any], Any] | None = None,
    create_many: Callable[[list, Callable[[int, int], None] | None], Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read the sheet, `check(actor, rows, errors)` every row (returning the rows that passed, each
    with a `row` attribute), then write them in one transaction, either

    - `create(item)` for each, each in its own savepoint (a service per row), or
    - `create_many(items, progress)` for all of them at once (a bulk service: all or nothing, one
      audit record), which raises RowsRefused naming the refused items by their index;

    Any error at either stage rolls everything back. `progress(done, total)` is told the rows
    written so far (a background job shows it)."""
    if (create is None) == (create_many is None):
        raise TypeError("run_import needs exactly one of create and create_many")
    try:
        rows = read_sheet(file, sheet_title, columns, limits)
    except Refused as refused:
        return ImportResult(errors=[RowError(None, "", refused.message)], oversized=refused.oversized)
    errors: list[RowError] = []
    created = 0
    # One transaction: the checked rows go through the services even when other rows failed the
    # checks, so that the report also names the refusals only the services can make (the write
    # scope of each row); it is rolled back unless every row passed both. Callbacks a service
    # registers with `on_commit` are discarded with a rolled-back savepoint or transaction.
    with transaction.atomic():
        checked = check(actor, rows, errors)
        del rows
        if create_many is not None:
            created = _create_many(create_many, checked, field_columns, errors, progress)
        else:
            created = _create_each(create, checked, field_columns, errors, progress)
        if errors:
            transaction.set_rollback(True)
    if errors:
        return ImportResult(errors=sort_errors(errors, columns))
    return ImportResult(created=created)


def _create_each(create, checked: list, field_columns, errors: list[RowError], progress) -> int:
    created = 0
    total = len(checked)
    for done, item in enumerate(checked, start=1):
        try:
            with transaction.atomic():
                create(item)
        except (ValidationError, ApplicationError, IntegrityError) as exc:
            errors.extend(service_errors(item.row, exc, field_columns))
        else:
            created += 1
        if progress is not None and (done % 100 == 0 or done == total):
            progress(done, total)
    return created


def _create_many(create_many, checked: list, field_columns, errors: list[RowError], progress) -> int:
    if not checked:
        return 0
    try:
        with transaction.atomic():
            create_many(checked, progress)
    except RowsRefused as refused:
        for index, exc in refused.refusals:
            errors.extend(service_errors(checked[index].row, exc, field_columns))
        return 0
    except (ValidationError, ApplicationError, IntegrityError) as exc:
        # A refusal of the rows as a whole, not of one of them.
        errors.extend(service_errors(None, exc, field_columns))
        return 0
    return len(checked)


__all__ = [
    "INSTRUCTIONS_SHEET",
    "XLSX_CONTENT_TYPE",
    "CheckedRow",
    "Column",
    "FirstRow",
    "ImportResult",
    "Limits",
    "Lookup",
    "MiB",
    "Refused",
    "Row",
    "RowError",
    "build_template",
    "by_code_or_name",
    "cell_text",
    "column_help",
    "error_report",
    "general_notes",
    "job_limits",
    "labels",
    "read_bytes",
    "read_sheet",
    "redact",
    "run_import",
    "service_errors",
    "sort_errors",
    "too_large_message",
]
