"""Excel import of people (人员) and certificates (证书): templates, an all-or-nothing import and the
error report.

A file is imported whole or not at all. Every row is checked first (required cells, choices,
lengths, ID number and phone, names resolving to objects the actor may use, duplicates within the
file and against the register, dates); then, in one transaction, each row that passed goes through
the existing service (`person_create` / `certificate_create`), so the service's own rules — the
write scope above all — apply exactly as in the forms. Refusals there become row errors too. If any
row failed at either stage the transaction is rolled back: nothing is written, and the caller gets
every error with its row and column, in Chinese.

The workbook is a data format: its headers and choice labels are the Chinese ones whatever the
user's language; messages about it follow the user's language. ID numbers and phones never appear
unmasked in a message (`_redact`).
"""

from __future__ import annotations

import datetime
import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.exceptions import ApplicationError, NotInScope
from safegrid.orgs.models import Organisation, Region
from safegrid.sites.models import Site

from . import certificates, masking, services, validators
from .choices import CertificateKind, Employment, Gender, OperationCategory, PersonSource
from .models import Certificate, Person

MiB = 1024 * 1024
MAX_FILE_BYTES = 5 * MiB
# Each row goes through its service (about ten queries with `full_clean`): 2,000 rows take some
# 10 seconds, inside the time a web request may take; larger rosters are imported in parts.
MAX_ROWS = 2000
# Rows read at most, blank ones included (a sheet formatted down to row 1,048,576 is not read to
# the end), and columns read at most.
MAX_SHEET_ROWS = 20_000
MAX_COLUMNS = 60
# Where dropdowns and text formats are laid out in the templates.
TEMPLATE_ROWS = MAX_ROWS + 1

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PEOPLE_SHEET = "人员信息"
CERTIFICATES_SHEET = "证书信息"
INSTRUCTIONS_SHEET = "说明"
_ZIP_MAGIC = b"PK\x03\x04"
# The language in which the workbook's choice labels are written.
_WORKBOOK_LANGUAGE = "zh-hans"


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

    @property
    def ok(self) -> bool:
        return not self.errors


class _Refused(Exception):
    """The file cannot be read as an import at all (one file-level error)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Runs of 7+ digits (with an ID number's trailing X) are masked wherever they appear in a message:
# a value echoed back may be an ID number or a phone typed into the wrong column.
_LONG_NUMBER = re.compile(r"\d{7,}[Xx]?")


def _mask(match: re.Match) -> str:
    value = match.group()
    return masking.mask_id_number(value) if len(value) >= 15 else masking.mask_phone(value)


def _redact(text: str) -> str:
    return _LONG_NUMBER.sub(_mask, str(text))


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


PERSON_COLUMNS: tuple[Column, ...] = (
    Column("姓名", required=True, max_length=30, width=12),
    Column("性别", choices=Gender, width=8),
    Column(
        "身份证号",
        is_text=True,
        width=22,
        help=gettext_lazy("18位居民身份证号，最后一位可为X；请以文本格式填写。"),
    ),
    Column(
        "手机号码", is_text=True, max_length=20, width=15, help=gettext_lazy("11位手机号或带区号的固定电话。")
    ),
    Column("人员来源", required=True, choices=PersonSource, width=20),
    Column("专兼职", required=True, choices=Employment, width=10),
    Column("所在单位", max_length=100, width=24, help=gettext_lazy("组织机构名称，须在您的管理范围内。")),
    Column(
        "所在企业",
        max_length=100,
        width=26,
        help=gettext_lazy(
            "企业名称或18位统一社会信用代码，须在您的管理范围内；企业人员填写后按企业所在网格归属。"
        ),
    ),
    Column(
        "工作区划",
        max_length=60,
        width=20,
        help=gettext_lazy("区划（乡镇、网格）名称或区划代码，须在您的管理范围内；未填所在企业时必填。"),
    ),
    Column("职务", max_length=50, width=14),
    Column("备注", max_length=500, width=30),
)

CERTIFICATE_COLUMNS: tuple[Column, ...] = (
    Column(
        "身份证号",
        required=True,
        is_text=True,
        width=22,
        help=gettext_lazy("持证人的身份证号；持证人须已登记且在您的管理范围内（请先导入人员）。"),
    ),
    Column("姓名", max_length=30, width=12, help=gettext_lazy("可空；填写时须与该身份证号登记的姓名一致。")),
    Column("证书类型", required=True, choices=CertificateKind, width=30),
    Column(
        "作业类别",
        choices=OperationCategory,
        width=24,
        help=gettext_lazy("特种作业操作证必填，其他证书留空。"),
    ),
    Column("准操项目", max_length=60, width=18),
    Column("证书编号", required=True, is_text=True, max_length=40, width=22),
    Column("发证机关", max_length=80, width=20),
    Column(
        "初领/换证日期",
        required=True,
        is_date=True,
        width=15,
        help=gettext_lazy("日期，格式 YYYY-MM-DD，不能晚于今天。"),
    ),
    Column(
        "有效期至",
        is_date=True,
        width=13,
        help=gettext_lazy("非特种作业操作证必填；特种作业操作证由系统按初领/换证日期后6年计算，可留空。"),
    ),
    Column(
        "连续从事本工种起始日期",
        is_date=True,
        width=22,
        help=gettext_lazy("可空，默认为初领/换证日期；不能晚于今天。"),
    ),
    Column("备注", max_length=300, width=30),
)

# Service field → column, for refusals raised by the services.
PERSON_FIELD_COLUMNS = {
    "name": "姓名",
    "gender": "性别",
    "id_number": "身份证号",
    "phone": "手机号码",
    "source": "人员来源",
    "employment": "专兼职",
    "organisation": "所在单位",
    "site": "所在企业",
    "region": "工作区划",
    "title": "职务",
    "note": "备注",
}
CERTIFICATE_FIELD_COLUMNS = {
    "person": "身份证号",
    "kind": "证书类型",
    "category": "作业类别",
    "item": "准操项目",
    "number": "证书编号",
    "issuing_authority": "发证机关",
    "issue_date": "初领/换证日期",
    "expiry_date": "有效期至",
    "continuous_since": "连续从事本工种起始日期",
    "note": "备注",
}


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Chinese label → stored value."""
    with translation.override(_WORKBOOK_LANGUAGE):
        return {str(label): value for value, label in choices.choices}


# ---- templates -----------------------------------------------------------------------------------


def people_template() -> bytes:
    """The people workbook: the data sheet (header row, dropdowns, text-formatted number columns)
    and an instructions sheet."""
    return _template(PEOPLE_SHEET, PERSON_COLUMNS, _people_notes())


def certificates_template() -> bytes:
    return _template(CERTIFICATES_SHEET, CERTIFICATE_COLUMNS, _certificate_notes())


def _general_notes() -> list[str]:
    return [
        _("第一行为表头，请勿修改列名；从第二行起每行填写一条记录，空行将被忽略。"),
        _("表头带 * 的列为必填项；下拉列只能选择所列选项。"),
        _(
            "整个文件全部通过校验才会导入；只要有一行有误，就一条也不导入，"
            "并列出每个错误所在的行、列和原因（可下载错误报告）。"
        ),
        _("每个文件不超过 %(rows)d 行数据、%(size)d MB。")
        % {"rows": MAX_ROWS, "size": MAX_FILE_BYTES // MiB},
    ]


def _people_notes() -> list[str]:
    return [
        *_general_notes(),
        _("身份证号在系统中不能重复，同一文件中也不能重复。"),
    ]


def _certificate_notes() -> list[str]:
    return [
        *_general_notes(),
        _("持证人须已在系统中登记（可先导入人员）；同一证书类型的证书编号不能重复。"),
    ]


def _template(sheet_title: str, columns: Iterable[Column], notes: list[str]) -> bytes:
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
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS}"
        if column.is_text:
            sheet.column_dimensions[letter].number_format = "@"
        if column.is_date:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if column.choices is not None:
            options = ",".join(_labels(column.choices))
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


def column_help(column: Column) -> str:
    parts = []
    if column.help:
        parts.append(str(column.help))
    if column.choices is not None:
        parts.append(_("可选：%(options)s。") % {"options": "、".join(_labels(column.choices))})
    if column.max_length:
        parts.append(_("不超过 %(limit)d 个字。") % {"limit": column.max_length})
    return "".join(parts)


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


def _too_large() -> str:
    return _("文件超过 %(size)d MB 上限，请分批导入。") % {"size": MAX_FILE_BYTES // MiB}


def _not_xlsx() -> str:
    return _("无法读取文件：请上传用导入模板填写的 Excel 文件（.xlsx）。")


def _read_bytes(file) -> bytes:
    """The upload's bytes, reading at most one byte more than the limit."""
    if file is None:
        raise _Refused(_("请选择要上传的文件。"))
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif isinstance(file, str | os.PathLike):
        with open(file, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    else:
        declared = getattr(file, "size", None)
        if declared is not None and declared > MAX_FILE_BYTES:
            raise _Refused(_too_large())
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _Refused(_too_large())
    if not data:
        raise _Refused(_("不能上传空文件。"))
    return data


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def _header(value) -> str:
    return _text(value).rstrip("*＊").strip()


def _read_sheet(file, sheet_title: str, columns: tuple[Column, ...]) -> list[tuple[int, dict[str, Any]]]:
    """(sheet row number, {header: raw value}) of every non-blank data row. Raises _Refused."""
    from openpyxl import load_workbook

    data = _read_bytes(file)
    if not data.startswith(_ZIP_MAGIC):
        raise _Refused(_not_xlsx())
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise _Refused(_not_xlsx()) from exc
    try:
        sheet = workbook[sheet_title] if sheet_title in workbook.sheetnames else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = [_header(v) for v in next(rows, ())]
        known = {c.header for c in columns}
        missing = [c.header for c in columns if c.required and c.header not in header]
        if missing:
            raise _Refused(
                _("第 1 行缺少必填列：%(columns)s。请使用导入模板。") % {"columns": "、".join(missing)}
            )
        doubled = sorted({h for h in header if h in known and header.count(h) > 1})
        if doubled:
            raise _Refused(_("第 1 行有重复的列：%(columns)s。") % {"columns": "、".join(doubled)})
        index = {h: i for i, h in enumerate(header) if h in known}
        result: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_SHEET_ROWS:
                raise _Refused(_("工作表行数过多（含空行超过 %(rows)d 行）。") % {"rows": MAX_SHEET_ROWS})
            cells = {h: values[i] if i < len(values) else None for h, i in index.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            if len(result) >= MAX_ROWS:
                raise _Refused(_("数据超过 %(rows)d 行上限，请分批导入。") % {"rows": MAX_ROWS})
            result.append((number, cells))
    except _Refused:
        raise
    except Exception as exc:  # a damaged sheet is found only while it is read
        raise _Refused(_not_xlsx()) from exc
    finally:
        workbook.close()
    if not result:
        raise _Refused(_("没有可导入的数据行。"))
    return result


# ---- checking one row ----------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?$")


class _Row:
    """The cells of one data row and the errors found in it."""

    def __init__(self, number: int, cells: dict[str, Any], columns: tuple[Column, ...], errors: list):
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
        self._errors.append(RowError(self.number, column, _redact(message)))
        self.bad_columns.add(column)

    def text(self, header: str) -> str:
        column = self.columns[header]
        value = _text(self.cells.get(header))
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
        labels = _labels(self.columns[header].choices)
        if value not in labels:
            self.error(header, _("应为以下之一：%(options)s。") % {"options": "、".join(labels)})
            return ""
        return labels[value]

    def date(self, header: str, *, not_after: datetime.date | None = None) -> datetime.date | None:
        column = self.columns[header]
        value = self.cells.get(header)
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        elif _text(value) == "":
            if column.required:
                self.error(header, _("不能为空。"))
            return None
        else:
            match = _DATE.match(_text(value)) if isinstance(value, str) else None
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

    def id_number(self, header: str = "身份证号") -> str:
        value = self.text(header)
        if not value:
            return ""
        try:
            return validators.normalise_id_number(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.error(header, message)
            return ""


class _Lookup:
    """Objects named in the file, resolved once per distinct value among those visible to the actor
    (missing and out of scope give the same message)."""

    def __init__(self, queryset_for: Callable[[str], models.QuerySet], not_found: str, ambiguous: str):
        self.queryset_for = queryset_for
        self.not_found = not_found
        self.ambiguous = ambiguous
        self.cache: dict[str, tuple[Any, str]] = {}

    def get(self, row: _Row, header: str, value: str):
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


def _by_code_or_name(queryset: models.QuerySet, value: str, code_field: str) -> models.QuerySet:
    """Code wins over name: a region named like another's code is still found by its code."""
    by_code = queryset.filter(**{code_field: value.upper()})
    return by_code if by_code.exists() else queryset.filter(name=value)


def _today() -> datetime.date:
    return timezone.localdate()


# ---- people --------------------------------------------------------------------------------------


@dataclass
class _PersonRow:
    row: int
    kwargs: dict[str, Any]


def _check_people(actor, rows: list[tuple[int, dict[str, Any]]], errors: list[RowError]) -> list[_PersonRow]:
    organisations = _Lookup(
        lambda v: Organisation.objects.visible_to(actor).filter(name=v),
        _("未找到单位“%(value)s”（或不在您的管理范围内）。"),
        _("名称“%(value)s”对应多个单位，请联系管理员核对单位名称。"),
    )
    sites = _Lookup(
        lambda v: _by_code_or_name(Site.objects.visible_to(actor).select_related("grid"), v, "credit_code"),
        _("未找到企业“%(value)s”（或不在您的管理范围内）。"),
        _("名称“%(value)s”对应多个企业，请填写统一社会信用代码。"),
    )
    regions = _Lookup(
        lambda v: _by_code_or_name(Region.objects.visible_to(actor), v, "code"),
        _("未找到区划“%(value)s”（或不在您的管理范围内）。"),
        _("名称“%(value)s”对应多个区划，请填写区划代码。"),
    )
    checked: list[_PersonRow] = []
    first_row_of_id: dict[str, int] = {}
    for number, cells in rows:
        row = _Row(number, cells, PERSON_COLUMNS, errors)
        name = row.text("姓名")
        gender = row.choice("性别")
        id_number = row.id_number()
        phone = row.text("手机号码")
        if phone:
            try:
                phone = validators.normalise_phone(phone)
            except ValidationError as exc:
                for message in exc.messages:
                    row.error("手机号码", message)
        source = row.choice("人员来源")
        employment = row.choice("专兼职")
        organisation = organisations.get(row, "所在单位", row.text("所在单位"))
        site = sites.get(row, "所在企业", row.text("所在企业"))
        region_value = row.text("工作区划")
        region = regions.get(row, "工作区划", region_value)
        title = row.text("职务")
        note = row.text("备注")
        if not region_value and not _text(cells.get("所在企业")):
            row.error("工作区划", _("未填所在企业时，工作区划不能为空。"))
        if site is not None and region is not None and not site.region_path.startswith(region.path):
            row.error("工作区划", _("所在企业不在该工作区划内。"))
        if (
            site is None
            and region is not None
            and organisation is not None
            and not region.path.startswith(organisation.region_path)
        ):
            row.error("工作区划", _("工作区划应在所在单位的辖区内。"))
        if id_number:
            if id_number in first_row_of_id:
                row.error(
                    "身份证号", _("与第 %(row)d 行的身份证号重复。") % {"row": first_row_of_id[id_number]}
                )
            else:
                first_row_of_id[id_number] = number
        if row.bad:
            continue
        checked.append(
            _PersonRow(
                number,
                {
                    "name": name,
                    "gender": gender,
                    "id_number": id_number,
                    "phone": phone,
                    "source": source,
                    "employment": employment,
                    "organisation": organisation,
                    "site": site,
                    "region": region,
                    "title": title,
                    "note": note,
                },
            )
        )
    # Against the register: the ID number is unique among all people (the database constraint
    # says so too, with the same message), whoever's scope they are in.
    registered = set(
        Person.objects.filter(id_number__in=list(first_row_of_id)).values_list("id_number", flat=True)
    )
    taken = {first_row_of_id[value] for value in registered}
    errors.extend(RowError(number, "身份证号", _("该身份证号已登记。")) for number in sorted(taken))
    return [item for item in checked if item.row not in taken]


def import_people(*, actor, file) -> ImportResult:
    """Register every person in the workbook, or none (see the module docstring). Each person gets
    the audit record of `person_create`; nothing else is recorded."""
    return _import(
        actor=actor,
        file=file,
        sheet_title=PEOPLE_SHEET,
        columns=PERSON_COLUMNS,
        check=_check_people,
        create=lambda item: services.person_create(actor=actor, **item.kwargs),
        field_columns=PERSON_FIELD_COLUMNS,
    )


# ---- certificates --------------------------------------------------------------------------------


@dataclass
class _CertificateRow:
    row: int
    kwargs: dict[str, Any]


def _check_certificates(
    actor, rows: list[tuple[int, dict[str, Any]]], errors: list[RowError]
) -> list[_CertificateRow]:
    today = _today()
    parsed = []
    for number, cells in rows:
        row = _Row(number, cells, CERTIFICATE_COLUMNS, errors)
        values = {
            "id_number": row.id_number(),
            "name": row.text("姓名"),
            "kind": row.choice("证书类型"),
            "category": row.choice("作业类别"),
            "item": row.text("准操项目"),
            "number": row.text("证书编号"),
            "issuing_authority": row.text("发证机关"),
            "issue_date": row.date("初领/换证日期", not_after=today),
            "expiry_date": row.date("有效期至"),
            "continuous_since": row.date("连续从事本工种起始日期", not_after=today),
            "note": row.text("备注"),
        }
        parsed.append((row, values))

    ids = {v["id_number"] for _row, v in parsed if v["id_number"]}
    # Only the people the actor manages: a holder out of scope reads as not registered.
    people = {
        p.id_number: p
        for p in Person.objects.visible_to(actor, Cap.MANAGE_PEOPLE).filter(id_number__in=list(ids))
    }
    numbers = {v["number"] for _row, v in parsed if v["number"]}
    registered = set(Certificate.objects.filter(number__in=list(numbers)).values_list("kind", "number"))

    checked: list[_CertificateRow] = []
    first_row_of: dict[tuple[str, str], int] = {}
    for row, v in parsed:
        person = people.get(v["id_number"]) if v["id_number"] else None
        if v["id_number"] and person is None:
            row.error("身份证号", _("未找到该身份证号的人员（须先登记，且在您的管理范围内）。"))
        if person is not None and v["name"] and v["name"] != person.name:
            row.error("姓名", _("与该身份证号登记的姓名不一致。"))
        special = v["kind"] == CertificateKind.SPECIAL_OPERATION
        if special and not v["category"] and "作业类别" not in row.bad_columns:
            row.error("作业类别", _("特种作业操作证应填写作业类别。"))
        if v["kind"] and not special and v["category"]:
            row.error("作业类别", _("只有特种作业操作证填写作业类别。"))
        issue, expiry = v["issue_date"], v["expiry_date"]
        if v["kind"] and not special and expiry is None and "有效期至" not in row.bad_columns:
            row.error("有效期至", _("非特种作业操作证应填写有效期至。"))
        if not special and issue and expiry and expiry <= issue:
            row.error("有效期至", _("有效期至应晚于初领/换证日期。"))
        if special and issue and expiry and expiry != certificates.expiry_date(issue):
            row.error(
                "有效期至",
                _("特种作业操作证的有效期至为初领/换证日期后6年（%(date)s），可留空由系统计算。")
                % {"date": certificates.expiry_date(issue).isoformat()},
            )
        key = (v["kind"], v["number"])
        if v["kind"] and v["number"]:
            if key in first_row_of:
                row.error(
                    "证书编号",
                    _("与第 %(row)d 行的证书重复（证书类型和编号相同）。") % {"row": first_row_of[key]},
                )
            else:
                first_row_of[key] = row.number
                if key in registered:
                    row.error("证书编号", _("该证书编号已登记。"))
        if row.bad:
            continue
        checked.append(
            _CertificateRow(
                row.number,
                {
                    "person": person,
                    "kind": v["kind"],
                    "category": v["category"],
                    "item": v["item"],
                    "number": v["number"],
                    "issuing_authority": v["issuing_authority"],
                    "issue_date": issue,
                    "expiry_date": None if special else expiry,
                    "continuous_since": v["continuous_since"],
                    "note": v["note"],
                },
            )
        )
    return checked


def import_certificates(*, actor, file) -> ImportResult:
    """Register every certificate in the workbook, or none. Holders are found by ID number among
    the people the actor manages. Each certificate gets the audit record of `certificate_create`."""
    return _import(
        actor=actor,
        file=file,
        sheet_title=CERTIFICATES_SHEET,
        columns=CERTIFICATE_COLUMNS,
        check=_check_certificates,
        create=lambda item: services.certificate_create(actor=actor, **item.kwargs),
        field_columns=CERTIFICATE_FIELD_COLUMNS,
    )


# ---- the import ----------------------------------------------------------------------------------


def _service_errors(row: int, exc: Exception, field_columns: dict[str, str]) -> list[RowError]:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [
                RowError(row, "" if key == NON_FIELD_ERRORS else field_columns.get(key, ""), _redact(message))
                for key, messages in exc.message_dict.items()
                for message in messages
            ]
        return [RowError(row, "", _redact(message)) for message in exc.messages]
    if isinstance(exc, NotInScope):
        return [RowError(row, "", _("该行数据不在您的管理范围内，或所引用的对象不存在。"))]
    if isinstance(exc, ApplicationError):
        return [RowError(row, "", _redact(exc.message))]
    # IntegrityError: a concurrent write took the ID number or certificate number after the check.
    return [RowError(row, "", _("与已登记的数据冲突（可能刚被他人录入），请核对后重新导入。"))]


def _sorted(errors: list[RowError], columns: tuple[Column, ...]) -> list[RowError]:
    order = {c.header: i for i, c in enumerate(columns)}
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, -1)))


def _import(*, actor, file, sheet_title, columns, check, create, field_columns) -> ImportResult:
    try:
        rows = _read_sheet(file, sheet_title, columns)
    except _Refused as refused:
        return ImportResult(errors=[RowError(None, "", refused.message)])
    errors: list[RowError] = []
    created = 0
    # One transaction: the checked rows go through the services even when other rows failed the
    # checks, so that the report also names the refusals only the services can make (the write
    # scope of each row); it is rolled back unless every row passed both.
    with transaction.atomic():
        checked = check(actor, rows, errors)
        for item in checked:
            try:
                with transaction.atomic():
                    create(item)
            except (ValidationError, ApplicationError, IntegrityError) as exc:
                errors.extend(_service_errors(item.row, exc, field_columns))
            else:
                created += 1
        if errors:
            transaction.set_rollback(True)
    if errors:
        return ImportResult(errors=_sorted(errors, columns))
    return ImportResult(created=created)


__all__ = [
    "CERTIFICATE_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "PERSON_COLUMNS",
    "XLSX_CONTENT_TYPE",
    "Column",
    "ImportResult",
    "RowError",
    "certificates_template",
    "error_report",
    "import_certificates",
    "import_people",
    "people_template",
]
