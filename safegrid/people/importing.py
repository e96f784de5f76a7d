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

Reading, templates, the transaction and the error report are the generic ones of
`safegrid.core.xlsx_import`; this module declares the columns and checks the rows. The limits stay
module constants here (read at each call) so that tests and settings can change them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core import xlsx_import
from safegrid.core.fields import blind_q
from safegrid.core.xlsx_import import (
    XLSX_CONTENT_TYPE,
    CheckedRow,
    Column,
    ImportResult,
    Limits,
    Lookup,
    MiB,
    RowError,
    by_code_or_name,
    cell_text,
    column_help,
    error_report,
)
from safegrid.orgs.models import Organisation, Region
from safegrid.sites.models import Site

from . import certificates, services, validators
from .choices import CertificateKind, Employment, Gender, OperationCategory, PersonSource
from .models import Certificate, Person

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

PEOPLE_SHEET = "人员信息"
CERTIFICATES_SHEET = "证书信息"

_redact = xlsx_import.redact
_labels = xlsx_import.labels
_text = cell_text


def limits() -> Limits:
    """The limits in force now (the module constants, read at each call)."""
    return Limits(
        max_file_bytes=MAX_FILE_BYTES,
        max_rows=MAX_ROWS,
        max_sheet_rows=MAX_SHEET_ROWS,
        max_columns=MAX_COLUMNS,
    )


# ---- columns -------------------------------------------------------------------------------------


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


# ---- templates -----------------------------------------------------------------------------------


def people_template() -> bytes:
    """The people workbook: the data sheet (header row, dropdowns, text-formatted number columns)
    and an instructions sheet."""
    return _template(PEOPLE_SHEET, PERSON_COLUMNS, _people_notes())


def certificates_template() -> bytes:
    return _template(CERTIFICATES_SHEET, CERTIFICATE_COLUMNS, _certificate_notes())


def _people_notes() -> list[str]:
    return [
        *xlsx_import.general_notes(limits()),
        _("身份证号在系统中不能重复，同一文件中也不能重复。"),
    ]


def _certificate_notes() -> list[str]:
    return [
        *xlsx_import.general_notes(limits()),
        _("持证人须已在系统中登记（可先导入人员）；同一证书类型的证书编号不能重复。"),
    ]


def _template(sheet_title: str, columns: Iterable[Column], notes: list[str]) -> bytes:
    return xlsx_import.build_template(sheet_title, columns, notes, template_rows=TEMPLATE_ROWS)


# ---- checking one row ----------------------------------------------------------------------------


class _Row(xlsx_import.Row):
    """The generic row reader, plus the resident ID number."""

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


def _today() -> datetime.date:
    return timezone.localdate()


# ---- people --------------------------------------------------------------------------------------


def _check_people(actor, rows: list[tuple[int, dict[str, Any]]], errors: list[RowError]) -> list[CheckedRow]:
    organisations = Lookup(
        lambda v: Organisation.objects.visible_to(actor).filter(name=v),
        _("未找到单位“%(value)s”（或不在您的管理范围内）。"),
        _("名称“%(value)s”对应多个单位，请联系管理员核对单位名称。"),
    )
    sites = Lookup(
        lambda v: by_code_or_name(Site.objects.visible_to(actor).select_related("grid"), v, "credit_code"),
        _("未找到企业“%(value)s”（或不在您的管理范围内）。"),
        _("名称“%(value)s”对应多个企业，请填写统一社会信用代码。"),
    )
    regions = Lookup(
        lambda v: by_code_or_name(Region.objects.visible_to(actor), v, "code"),
        _("未找到区划“%(value)s”（或不在您的管理范围内）。"),
        _("名称“%(value)s”对应多个区划，请填写区划代码。"),
    )
    checked: list[CheckedRow] = []
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
            CheckedRow(
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
    # The ID numbers are encrypted at rest: they are matched through their blind index.
    registered = set(
        Person.objects.filter(blind_q(Person, "id_number", first_row_of_id)).values_list(
            "id_number", flat=True
        )
    )
    taken = {first_row_of_id[value] for value in registered}
    errors.extend(RowError(number, "身份证号", _("该身份证号已登记。")) for number in sorted(taken))
    return [item for item in checked if item.row not in taken]


def import_people(*, actor, file, limits: Limits | None = None, progress=None) -> ImportResult:
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
        override=limits,
        progress=progress,
    )


# ---- certificates --------------------------------------------------------------------------------


def _check_certificates(
    actor, rows: list[tuple[int, dict[str, Any]]], errors: list[RowError]
) -> list[CheckedRow]:
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
        for p in Person.objects.visible_to(actor, Cap.MANAGE_PEOPLE).filter(blind_q(Person, "id_number", ids))
    }
    numbers = {v["number"] for _row, v in parsed if v["number"]}
    registered = set(Certificate.objects.filter(number__in=list(numbers)).values_list("kind", "number"))

    checked: list[CheckedRow] = []
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
            CheckedRow(
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


def import_certificates(*, actor, file, limits: Limits | None = None, progress=None) -> ImportResult:
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
        override=limits,
        progress=progress,
    )


# ---- the import ----------------------------------------------------------------------------------


def _import(
    *, actor, file, sheet_title, columns, check, create, field_columns, override=None, progress=None
) -> ImportResult:
    return xlsx_import.run_import(
        actor=actor,
        file=file,
        sheet_title=sheet_title,
        columns=columns,
        check=check,
        create=create,
        field_columns=field_columns,
        limits=override or limits(),
        progress=progress,
    )


__all__ = [
    "CERTIFICATE_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "PERSON_COLUMNS",
    "TEMPLATE_ROWS",
    "XLSX_CONTENT_TYPE",
    "Column",
    "ImportResult",
    "MiB",
    "RowError",
    "certificates_template",
    "column_help",
    "error_report",
    "import_certificates",
    "import_people",
    "limits",
    "people_template",
]
