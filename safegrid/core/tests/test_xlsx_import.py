"""The generic Excel import: reading an upload safely, the cell readers, masking, the all-or-nothing
run of a service per row, the template and the error report. The apps' own tests (people, sites,
hazards) cover the same machinery through their columns and services."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from safegrid.core import xlsx_import as x
from safegrid.core.exceptions import ApplicationError, NotInScope

COLUMNS = (
    x.Column("名称", required=True, max_length=5),
    x.Column("数量"),
    x.Column("备注"),
)


def workbook(header: list, rows: list[list], *, title="数据") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(data, limits: x.Limits | None = None):
    return x.read_sheet(data, "数据", COLUMNS, limits or x.Limits())


def row_of(**cells) -> tuple[x.Row, list[x.RowError]]:
    errors: list[x.RowError] = []
    columns = [x.Column(h) for h in cells] + [x.Column("必填", required=True)]
    return x.Row(7, cells, columns, errors), errors


# ---- masking -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("号码 360725199001011234 有误", "号码 360***********1234 有误"),
        ("36072519900101123X", "360***********123X"),
        ("电话13812345678", "电话138****5678"),
        ("07973812345", "079****2345"),
        ("1234567", "***4567"),
        ("第 123456 行", "第 123456 行"),
    ],
)
def test_long_digit_runs_are_masked(text, masked):
    assert x.redact(text) == masked


def test_row_errors_are_masked_when_recorded():
    row, errors = row_of(电话="x")

    row.error("电话", "“13812345678”无效。")

    assert errors == [x.RowError(7, "电话", "“138****5678”无效。")]


# ---- reading -------------------------------------------------------------------------------------


def test_rows_are_read_by_header_skipping_blank_rows_and_unknown_columns():
    data = workbook(
        ["备注", "名称*", "其他", "数量"],
        [["a", "甲", "x", 3], [None, None, "only other", None], ["", "乙", "", 4.0]],
    )

    assert read(data) == [
        (2, {"名称": "甲", "数量": 3, "备注": "a"}),
        (4, {"名称": "乙", "数量": 4, "备注": None}),
    ]


def test_the_named_sheet_is_read_when_present():
    book = Workbook()
    book.active.append(["名称"])
    book.active.append(["封面"])
    data_sheet = book.create_sheet("数据")
    data_sheet.append(["名称"])
    data_sheet.append(["甲"])
    buffer = io.BytesIO()
    book.save(buffer)

    assert read(buffer.getvalue()) == [(2, {"名称": "甲"})]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "不能上传空文件。"),
        (b"a,b\n", "无法读取文件：请上传用导入模板填写的 Excel 文件（.xlsx）。"),
        (b"PK\x03\x04garbage", "无法读取文件：请上传用导入模板填写的 Excel 文件（.xlsx）。"),
        (workbook(["数量"], [[1]]), "第 1 行缺少必填列：名称。请使用导入模板。"),
        (workbook(["名称", "名称*"], [["甲", "乙"]]), "第 1 行有重复的列：名称。"),
        (workbook(["名称"], []), "没有可导入的数据行。"),
    ],
)
def test_unreadable_files_are_refused_with_one_chinese_message(data, message):
    with pytest.raises(x.Refused) as refused:
        read(data)

    assert refused.value.message == message


def test_limits_on_size_data_rows_and_sheet_rows():
    small = x.Limits(max_file_bytes=x.MiB, max_rows=2, max_sheet_rows=10)
    with pytest.raises(x.Refused, match="文件超过 1 MB 上限"):
        read(b"PK\x03\x04" + b"0" * x.MiB, small)
    with pytest.raises(x.Refused, match="数据超过 2 行上限"):
        read(workbook(["名称"], [["甲"], ["乙"], ["丙"]]), small)
    with pytest.raises(x.Refused, match="含空行超过 10 行"):
        read(workbook(["名称"], [[None]] * 12 + [["甲"]]), small)


# ---- cell readers --------------------------------------------------------------------------------


def test_text_checks_required_and_length():
    errors: list[x.RowError] = []
    row = x.Row(3, {"名称": "  甲乙丙丁戊己 "}, COLUMNS, errors)

    assert (row.text("名称"), row.text("数量")) == ("", "")
    assert errors == [x.RowError(3, "名称", "不能超过 5 个字。")]


def test_numbers_are_parsed_and_range_checked():
    row, errors = row_of(经度="114.3012345", 纬度=95, 人数="3.0", 户数="很多", 比例=float("nan"))

    assert row.decimal("经度", places=6, minimum=-180, maximum=180) == Decimal("114.301234")
    assert row.decimal("纬度", places=6, minimum=-90, maximum=90) is None
    assert row.integer("人数") == 3
    assert row.integer("户数") is None
    assert row.decimal("比例", places=2, minimum=0, maximum=1) is None
    assert [(e.column, e.message) for e in errors] == [
        ("纬度", "应在 -90 到 90 之间。"),
        ("户数", "应为整数。"),
        ("比例", "应为数字。"),
    ]


def test_phones_are_mobile_or_landline():
    row, errors = row_of(甲="138 1234 5678", 乙="0797-3812345", 丙="12345")

    assert (row.phone("甲"), row.phone("乙"), row.phone("丙")) == ("13812345678", "0797-3812345", "")
    assert [(e.column, e.message) for e in errors] == [("丙", "电话号码应为11位手机号或带区号的固定电话。")]


def test_dates_and_moments():
    now = timezone.now()
    row, errors = row_of(
        甲=datetime.date(2026, 1, 6),
        乙="2026年1月6日",
        丙="2026-02-30",
        丁="2026-01-06 08:30",
        戊=datetime.datetime(2026, 1, 6, 9, 0),
        己=(timezone.localtime(now) + datetime.timedelta(days=1)).replace(tzinfo=None),
    )

    assert row.date("甲") == row.date("乙") == datetime.date(2026, 1, 6)
    assert row.date("丙") is None
    assert timezone.localtime(row.moment("丁")).replace(tzinfo=None) == datetime.datetime(2026, 1, 6, 8, 30)
    assert timezone.is_aware(row.moment("戊"))
    assert row.moment("己", not_after=now) is None
    assert row.moment("必填") is None
    assert [(e.column, e.message) for e in errors] == [
        ("丙", "日期无效，格式应为 YYYY-MM-DD。"),
        ("己", "不能晚于当前时间。"),
        ("必填", "不能为空。"),
    ]


# ---- the run -------------------------------------------------------------------------------------


def _check(actor, rows, errors):
    checked = []
    for number, cells in rows:
        row = x.Row(number, cells, COLUMNS, errors)
        name = row.text("名称")
        if not row.bad:
            checked.append(x.CheckedRow(number, {"name": name, "note": x.cell_text(cells.get("备注"))}))
    return checked


def _create(item):
    note = item.kwargs["note"]
    if note == "invalid":
        raise ValidationError({"name": "名称不可用。", "__all__": "整行有误。"})
    if note == "scope":
        raise NotInScope("未找到。")
    if note == "refused":
        raise ApplicationError("已停用 13812345678。")
    if note == "conflict":
        raise IntegrityError("duplicate key")
    group = Group.objects.create(name=item.kwargs["name"])
    transaction.on_commit(lambda: _create.committed.append(group.name))
    return group


_create.committed = []


def run(rows):
    return x.run_import(
        actor=None,
        file=workbook(["名称", "备注"], rows),
        sheet_title="数据",
        columns=COLUMNS,
        check=_check,
        create=_create,
        field_columns={"name": "名称"},
        limits=x.Limits(),
    )


def test_a_good_file_creates_every_row(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        result = run([["甲", ""], ["乙", ""]])

    assert (result.ok, result.created, result.errors) == (True, 2, [])
    assert sorted(Group.objects.values_list("name", flat=True)) == ["乙", "甲"]
    assert len(callbacks) == 2


def test_every_failure_rolls_back_every_row_and_its_callbacks(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        result = run(
            [
                ["甲", ""],
                ["", "x"],
                ["丙", "invalid"],
                ["丁", "scope"],
                ["戊", "refused"],
                ["己", "conflict"],
                ["庚", ""],
            ]
        )

    assert (result.ok, result.created) == (False, 0)
    assert Group.objects.count() == 0
    assert callbacks == []
    assert [e.as_dict() for e in result.errors] == [
        {"row": 3, "column": "名称", "message": "不能为空。"},
        {"row": 4, "column": "", "message": "整行有误。"},
        {"row": 4, "column": "名称", "message": "名称不可用。"},
        {"row": 5, "column": "", "message": "该行数据不在您的管理范围内，或所引用的对象不存在。"},
        {"row": 6, "column": "", "message": "已停用 138****5678。"},
        {"row": 7, "column": "", "message": "与已登记的数据冲突（可能刚被他人录入），请核对后重新导入。"},
    ]


def test_an_unreadable_file_is_one_file_level_error(db):
    result = x.run_import(
        actor=None,
        file=b"not a workbook",
        sheet_title="数据",
        columns=COLUMNS,
        check=_check,
        create=_create,
        field_columns={},
        limits=x.Limits(),
    )

    assert [e.as_dict() for e in result.errors] == [
        {"row": None, "column": "", "message": "无法读取文件：请上传用导入模板填写的 Excel 文件（.xlsx）。"}
    ]


# ---- template and report -------------------------------------------------------------------------


def test_the_template_has_the_header_row_and_the_instructions_sheet():
    data = x.build_template("数据", COLUMNS, ["第一条说明。"], template_rows=11)

    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["数据", "说明"]
    assert [c.value for c in book["数据"][1]] == ["名称*", "数量", "备注"]
    notes = list(book["说明"].iter_rows(values_only=True))
    assert ("1.", None, "第一条说明。") in notes
    assert ("名称", "必填", "不超过 5 个字。") in notes


def test_the_error_report_keeps_formula_like_text_as_text():
    data = x.error_report(
        [x.RowError(None, "", "无法读取。"), x.RowError(2, "名称", '=HYPERLINK("http://x")')]
    )

    sheet = load_workbook(io.BytesIO(data)).active
    assert list(sheet.iter_rows(values_only=True)) == [
        ("行号", "列", "错误说明"),
        (None, None, "无法读取。"),
        (2, "名称", '=HYPERLINK("http://x")'),
    ]
    assert sheet["C3"].data_type == "s"
