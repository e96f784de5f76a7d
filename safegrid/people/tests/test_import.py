"""Excel import of people and certificates: all or nothing, every bad row reported by row and column
in Chinese, the services' scope rules applied to each row, personal numbers masked in every message.

The page and API tests use `import_urls` (the import patterns added to the project's URLs) until the
people URLs are wired in the project."""

from __future__ import annotations

import base64
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from safegrid.core.models import AuditEntry
from safegrid.people import importing, masking, services
from safegrid.people.choices import CertificateKind, Employment, OperationCategory, PersonSource
from safegrid.people.models import Certificate, Person
from safegrid.people.validators import id_check_character

PEOPLE_HEADER = [
    "姓名*",
    "性别",
    "身份证号",
    "手机号码",
    "人员来源*",
    "专兼职*",
    "所在单位",
    "所在企业",
    "工作区划",
    "职务",
    "备注",
]
CERTIFICATE_HEADER = [
    "身份证号*",
    "姓名",
    "证书类型*",
    "作业类别",
    "准操项目",
    "证书编号*",
    "发证机关",
    "初领/换证日期*",
    "有效期至",
    "连续从事本工种起始日期",
    "备注",
]
URLS = "safegrid.people.tests.import_urls"
ISSUED = datetime.date(2024, 3, 15)


def id_number(serial: int) -> str:
    first17 = f"36072519900101{serial:03d}"
    return first17 + id_check_character(first17)


def bad_check_digit(serial: int) -> str:
    good = id_number(serial)
    return good[:17] + ("1" if good[17] != "1" else "2")


def workbook(header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def person_row(
    name="张伟", *, id_no="", phone="", source="下沉干部", employment="专职", org="", site="", region=""
):
    return [name, "男", id_no, phone, source, employment, org, site, region, "安全员", ""]


def certificate_row(
    id_no,
    *,
    name="",
    kind="特种作业操作证",
    category="电工作业",
    number="T001",
    issued=ISSUED,
    expiry=None,
    since=None,
):
    return [
        id_no,
        name,
        kind,
        category,
        "低压电工作业",
        number,
        "赣州市应急管理局",
        issued,
        expiry,
        since,
        "",
    ]


def counts():
    return Person.objects.count(), Certificate.objects.count(), AuditEntry.objects.count()


def cells(result) -> set[tuple[int | None, str]]:
    return {(e.row, e.column) for e in result.errors}


def register(world, actor_key="office", *, serial, name="持证人", region=None, site=None):
    return services.person_create(
        actor=world.users[actor_key],
        name=name,
        source=PersonSource.HIRED,
        employment=Employment.FULL_TIME,
        region=region or world.g11,
        site=site,
        id_number=id_number(serial),
    )


# ---- people --------------------------------------------------------------------------------------


def test_a_good_people_file_imports_every_row_with_one_audit_entry_each(world):
    # given three people placed by organisation + region, by site credit code, and by region code
    data = workbook(
        PEOPLE_HEADER,
        [
            person_row(
                "张伟", id_no=id_number(1), phone="13812345678", org="横水镇人民政府", region="横水第一网格"
            ),
            person_row(
                "李娜", id_no=id_number(2), source="企业安全管理人员", site=world.site11_mine.credit_code
            ),
            person_row("王强", employment="兼职", source="社区网格员", region="360725101001"),
        ],
    )
    before = counts()

    # when
    result = importing.import_people(actor=world.users["office"], file=data)

    # then
    assert (result.ok, result.created, result.errors) == (True, 3, [])
    assert counts() == (before[0] + 3, before[1], before[2] + 3)
    assert AuditEntry.objects.filter(action="people.person_create").count() == 3
    zhang = Person.objects.get(name="张伟")
    assert (zhang.organisation, zhang.region, zhang.source, zhang.employment, zhang.phone, zhang.gender) == (
        world.org_t1,
        world.g11,
        PersonSource.SENT_DOWN,
        Employment.FULL_TIME,
        "13812345678",
        "male",
    )
    li = Person.objects.get(name="李娜")
    assert (li.site, li.region, li.region_path) == (
        world.site11_mine,
        world.g11,
        world.site11_mine.region_path,
    )
    wang = Person.objects.get(name="王强")
    assert (wang.region, wang.employment, wang.id_number) == (world.g21, Employment.PART_TIME, "")


def test_a_people_file_with_bad_rows_writes_nothing_and_reports_every_bad_row(world):
    # given one good row among rows that each have a different fault
    register(world, serial=90)
    register(world, serial=92, name="已登记")
    data = workbook(
        PEOPLE_HEADER,
        [
            person_row("张伟", id_no=id_number(1), region="横水第一网格"),  # 2: good
            person_row("李娜", id_no=bad_check_digit(2), region="横水第一网格"),  # 3: check digit
            person_row("王强", source="临时工", region="横水第一网格"),  # 4: unknown source
            person_row("赵敏", org="安远县安委办", region="横水第一网格"),  # 5: organisation out of scope
            person_row("", region="横水第一网格"),  # 6: no name
            person_row("钱进", id_no=id_number(1), region="横水第一网格"),  # 7: same ID as row 2
            person_row("孙丽", phone="12345", region="横水第一网格"),  # 8: bad phone
            person_row("周杰", id_no=id_number(90), region="横水第一网格"),  # 9: ID already registered
            person_row("吴敏", region=""),  # 10: neither region nor site
            person_row("郑和", employment="临时", region="不存在的网格"),  # 11: two faults on one row
            person_row("冯云", id_no=id_number(92), source="临时工", region="横水第一网格"),  # 12: two faults
        ],
    )
    before = counts()

    # when
    result = importing.import_people(actor=world.users["office"], file=data)

    # then nothing is written and every fault is named
    assert counts() == before
    assert (result.ok, result.created) == (False, 0)
    assert cells(result) == {
        (3, "身份证号"),
        (4, "人员来源"),
        (5, "所在单位"),
        (6, "姓名"),
        (7, "身份证号"),
        (8, "手机号码"),
        (9, "身份证号"),
        (10, "工作区划"),
        (11, "专兼职"),
        (11, "工作区划"),
        (12, "身份证号"),
        (12, "人员来源"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(3, "身份证号")] == "身份证号校验位不正确。"
    assert (
        messages[(4, "人员来源")]
        == "应为以下之一：下沉干部、招聘行业专业人员、社区网格员、企业安全管理人员、专家。"
    )
    assert messages[(5, "所在单位")] == "未找到单位“安远县安委办”（或不在您的管理范围内）。"
    assert messages[(6, "姓名")] == "不能为空。"
    assert messages[(7, "身份证号")] == "与第 2 行的身份证号重复。"
    assert messages[(8, "手机号码")] == "电话号码应为11位手机号或带区号的固定电话。"
    assert messages[(9, "身份证号")] == "该身份证号已登记。"
    assert messages[(10, "工作区划")] == "未填所在企业时，工作区划不能为空。"
    assert messages[(12, "身份证号")] == "该身份证号已登记。"
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)


def test_a_service_refusal_on_the_last_row_rolls_back_the_rows_before_it(world, monkeypatch):
    # given a file whose rows all pass the checks, and a service that refuses the last one
    real = services.person_create

    def refusing(**kwargs):
        if kwargs["name"] == "末行":
            raise ValidationError({"region": "工作区划应在所在单位的辖区内。"})
        return real(**kwargs)

    monkeypatch.setattr(services, "person_create", refusing)
    data = workbook(
        PEOPLE_HEADER,
        [
            person_row("首行", region="横水第一网格"),
            person_row("次行", region="横水第二网格"),
            person_row("末行", region="扬眉第一网格"),
        ],
    )
    before = counts()

    # when
    result = importing.import_people(actor=world.users["office"], file=data)

    # then the two rows written before the refusal are rolled back with their audit entries
    assert counts() == before
    assert [e.as_dict() for e in result.errors] == [
        {"row": 4, "column": "工作区划", "message": "工作区划应在所在单位的辖区内。"}
    ]


def test_the_write_scope_of_each_row_is_the_services(world):
    # given a mining sector officer: the county and the county office are visible to them, but a
    # person without a mining organisation is outside what they manage (only the service knows)
    data = workbook(
        PEOPLE_HEADER,
        [
            person_row("矿山专员", org="崇义县矿山安全生产委员会", region="崇义县"),
            person_row("无单位", region="崇义县"),
        ],
    )
    before = counts()

    result = importing.import_people(actor=world.users["sector_mining"], file=data)

    assert counts() == before
    assert [e.as_dict() for e in result.errors] == [
        {"row": 3, "column": "", "message": "该行数据不在您的管理范围内，或所引用的对象不存在。"}
    ]


def test_enterprise_staff_import_their_own_site_staff_only(world):
    actor = world.users["enterprise11"]
    ok = workbook(PEOPLE_HEADER, [person_row("安全员甲", source="企业安全管理人员", site="横水钨矿")])
    assert importing.import_people(actor=actor, file=ok).created == 1

    other_site = workbook(PEOPLE_HEADER, [person_row("安全员乙", source="企业安全管理人员", site="横水商场")])
    result = importing.import_people(actor=actor, file=other_site)
    assert cells(result) == {(2, "所在企业")}
    assert Person.objects.filter(name="安全员乙").count() == 0


def test_a_township_officer_cannot_import_people_into_another_townships_grid(world):
    # given township 1's officer and rows placed in township 2
    data = workbook(
        PEOPLE_HEADER,
        [
            person_row("张伟", region="横水第一网格"),
            person_row("李娜", region="扬眉第一网格"),
            person_row("王强", region="360725101001"),
            person_row("赵敏", org="扬眉镇人民政府", region="横水第一网格"),
            person_row("钱进", source="企业安全管理人员", site="扬眉钨矿"),
        ],
    )
    before = counts()

    result = importing.import_people(actor=world.users["township1"], file=data)

    assert counts() == before
    assert cells(result) == {(3, "工作区划"), (4, "工作区划"), (5, "所在单位"), (6, "所在企业")}
    assert {e.message for e in result.errors if e.row == 3} == {
        "未找到区划“扬眉第一网格”（或不在您的管理范围内）。"
    }


def test_region_and_organisation_must_agree(world):
    data = workbook(PEOPLE_HEADER, [person_row("张伟", org="横水镇人民政府", region="扬眉第一网格")])

    result = importing.import_people(actor=world.users["office"], file=data)

    assert [e.as_dict() for e in result.errors] == [
        {"row": 2, "column": "工作区划", "message": "工作区划应在所在单位的辖区内。"}
    ]


def test_no_raw_id_number_or_phone_appears_in_any_message(world):
    # given ID numbers and phones in bad rows, also typed into columns that echo their value
    register(world, serial=91)
    raw = [id_number(3), id_number(91), bad_check_digit(4), "13912345678", "13700001111"]
    data = workbook(
        PEOPLE_HEADER,
        [
            person_row("甲", id_no=id_number(3), region="横水第一网格"),
            person_row("乙", id_no=id_number(3), phone="13912345678", region="横水第一网格"),
            person_row("丙", id_no=id_number(91), region="横水第一网格"),
            person_row("丁", id_no=bad_check_digit(4), org=id_number(3), region="13700001111"),
            person_row("戊", site="13912345678", region="横水第一网格", phone="1391234567"),
        ],
    )

    result = importing.import_people(actor=world.users["office"], file=data)

    assert not result.ok
    text = "\n".join(e.message for e in result.errors)
    for value in raw:
        assert value not in text
    assert f"未找到单位“{masking.mask_id_number(id_number(3))}”" in text
    assert f"未找到区划“{masking.mask_phone('13700001111')}”" in text
    report = load_workbook(io.BytesIO(importing.error_report(result.errors)), read_only=True)
    dumped = "\n".join(str(v) for row in report.active.iter_rows(values_only=True) for v in row)
    for value in raw:
        assert value not in dumped


# ---- certificates --------------------------------------------------------------------------------


def test_a_good_certificate_file_imports_every_row(world):
    holder = register(world, serial=10, name="王电工")
    data = workbook(
        CERTIFICATE_HEADER,
        [
            certificate_row(id_number(10), name="王电工", number="T-1"),
            certificate_row(
                id_number(10),
                kind="特种设备作业人员证",
                category="",
                number="E-1",
                expiry=datetime.date(2028, 3, 14),
                since="2020-01-01",
            ),
        ],
    )
    before = counts()

    result = importing.import_certificates(actor=world.users["township1"], file=data)

    assert (result.ok, result.created) == (True, 2)
    assert counts() == (before[0], before[1] + 2, before[2] + 2)
    assert AuditEntry.objects.filter(action="people.certificate_create").count() == 2
    special = Certificate.objects.get(number="T-1")
    assert (special.person, special.kind, special.category, special.expiry_date, special.review_due_date) == (
        holder,
        CertificateKind.SPECIAL_OPERATION,
        OperationCategory.ELECTRICAL,
        datetime.date(2030, 3, 15),
        datetime.date(2027, 3, 15),
    )
    other = Certificate.objects.get(number="E-1")
    assert (other.expiry_date, other.continuous_since, other.region_path) == (
        datetime.date(2028, 3, 14),
        datetime.date(2020, 1, 1),
        world.g11.path,
    )


def test_a_certificate_file_with_bad_rows_writes_nothing_and_reports_every_bad_row(world):
    # given a holder in township 1, one in township 2 (out of township 1's scope), a registered
    # certificate, and rows that each have a different fault
    register(world, serial=20, name="王电工")
    register(world, serial=21, name="扬眉人", region=world.g21)
    services.certificate_create(
        actor=world.users["office"],
        person=Person.objects.get(name="王电工"),
        kind=CertificateKind.SPECIAL_OPERATION,
        category=OperationCategory.WELDING,
        number="OLD-1",
        issue_date=ISSUED,
    )
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    data = workbook(
        CERTIFICATE_HEADER,
        [
            certificate_row(id_number(20), number="A-1"),  # 2: good
            certificate_row(id_number(20), number="A-2", issued=tomorrow),  # 3: future date
            certificate_row(id_number(21), number="A-3"),  # 4: holder out of scope
            certificate_row(id_number(20), number="A-4", category=""),  # 5: no category
            certificate_row(id_number(20), kind="其他证书", category="", number="A-5"),  # 6: no expiry
            certificate_row(id_number(20), number="A-1"),  # 7: same as row 2
            certificate_row(id_number(20), name="李四", number="A-7"),  # 8: name mismatch
            certificate_row(id_number(20), kind="驾驶证", number="A-8"),  # 9: unknown kind
            certificate_row(id_number(20), number="A-9", issued="2024-13-01"),  # 10: no such date
            certificate_row(id_number(20), number="OLD-1"),  # 11: registered
            certificate_row(id_number(22), number="A-11"),  # 12: nobody has this ID
            certificate_row("", number=""),  # 13: ID and number missing
        ],
    )
    before = counts()

    result = importing.import_certificates(actor=world.users["township1"], file=data)

    assert counts() == before
    assert cells(result) == {
        (3, "初领/换证日期"),
        (4, "身份证号"),
        (5, "作业类别"),
        (6, "有效期至"),
        (7, "证书编号"),
        (8, "姓名"),
        (9, "证书类型"),
        (10, "初领/换证日期"),
        (11, "证书编号"),
        (12, "身份证号"),
        (13, "身份证号"),
        (13, "证书编号"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(3, "初领/换证日期")] == "不能晚于今天。"
    # out of scope and not registered read the same
    assert (
        messages[(4, "身份证号")]
        == messages[(12, "身份证号")]
        == ("未找到该身份证号的人员（须先登记，且在您的管理范围内）。")
    )
    assert messages[(5, "作业类别")] == "特种作业操作证应填写作业类别。"
    assert messages[(6, "有效期至")] == "非特种作业操作证应填写有效期至。"
    assert messages[(7, "证书编号")] == "与第 2 行的证书重复（证书类型和编号相同）。"
    assert messages[(10, "初领/换证日期")] == "日期无效，格式应为 YYYY-MM-DD。"
    assert messages[(11, "证书编号")] == "该证书编号已登记。"


def test_a_special_operation_expiry_must_match_the_computed_one_when_given(world):
    register(world, serial=30)
    data = workbook(
        CERTIFICATE_HEADER,
        [
            certificate_row(id_number(30), number="S-1", expiry=datetime.date(2030, 3, 15)),
            certificate_row(id_number(30), number="S-2", expiry=datetime.date(2029, 1, 1)),
        ],
    )

    result = importing.import_certificates(actor=world.users["office"], file=data)

    assert [e.as_dict() for e in result.errors] == [
        {
            "row": 3,
            "column": "有效期至",
            "message": "特种作业操作证的有效期至为初领/换证日期后6年（2030-03-15），可留空由系统计算。",
        }
    ]
    assert Certificate.objects.count() == 0


def test_a_certificate_service_refusal_rolls_back_every_row(world, monkeypatch):
    register(world, serial=31)
    real = services.certificate_create

    def refusing(**kwargs):
        if kwargs["number"] == "LAST":
            raise ValidationError({"number": "该证书编号已登记。"})
        return real(**kwargs)

    monkeypatch.setattr(services, "certificate_create", refusing)
    data = workbook(
        CERTIFICATE_HEADER,
        [certificate_row(id_number(31), number="FIRST"), certificate_row(id_number(31), number="LAST")],
    )
    before = counts()

    result = importing.import_certificates(actor=world.users["office"], file=data)

    assert counts() == before
    assert cells(result) == {(3, "证书编号")}


# ---- files ---------------------------------------------------------------------------------------

NOT_XLSX = "无法读取文件：请上传用导入模板填写的 Excel 文件（.xlsx）。"


@pytest.mark.parametrize(
    "content",
    ["姓名,身份证号\n张伟,360725\n".encode(), b"PK\x03\x04 not really a zip", b"%PDF-1.7\n"],
    ids=["csv", "broken-zip", "pdf"],
)
def test_a_file_that_is_not_xlsx_gets_one_clear_chinese_error(world, content):
    upload = SimpleUploadedFile("people.xlsx", content)

    result = importing.import_people(actor=world.users["office"], file=upload)

    assert [e.as_dict() for e in result.errors] == [{"row": None, "column": "", "message": NOT_XLSX}]


def test_missing_required_columns_are_named(world):
    data = workbook(["姓名", "性别"], [["张伟", "男"]])

    result = importing.import_people(actor=world.users["office"], file=data)

    assert [e.message for e in result.errors] == ["第 1 行缺少必填列：人员来源、专兼职。请使用导入模板。"]


def test_too_many_rows_and_too_large_files_are_refused(world, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    rows = [person_row(f"人{i}", region="横水第一网格") for i in range(3)]
    result = importing.import_people(actor=world.users["office"], file=workbook(PEOPLE_HEADER, rows))
    assert [e.message for e in result.errors] == ["数据超过 2 行上限，请分批导入。"]

    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1024 * 1024)
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * (1024 * 1024))
    result = importing.import_people(actor=world.users["office"], file=upload)
    assert [e.message for e in result.errors] == ["文件超过 1 MB 上限，请分批导入。"]
    assert Person.objects.count() == 0


def test_a_file_without_data_rows_is_refused(world):
    result = importing.import_people(actor=world.users["office"], file=importing.people_template())

    assert [e.message for e in result.errors] == ["没有可导入的数据行。"]


@pytest.mark.parametrize(
    ("make", "sheet", "header", "dropdowns"),
    [
        (
            importing.people_template,
            "人员信息",
            PEOPLE_HEADER,
            {f"B2:B{importing.TEMPLATE_ROWS}": '"男,女"', f"F2:F{importing.TEMPLATE_ROWS}": '"专职,兼职"'},
        ),
        (
            importing.certificates_template,
            "证书信息",
            CERTIFICATE_HEADER,
            {
                f"C2:C{importing.TEMPLATE_ROWS}": (
                    '"特种作业操作证,特种设备作业人员证,安全生产知识和管理能力考核合格证,其他证书"'
                )
            },
        ),
    ],
)
def test_templates_open_with_the_expected_headers_dropdowns_and_instructions(make, sheet, header, dropdowns):
    book = load_workbook(io.BytesIO(make()))

    assert book.sheetnames == [sheet, "说明"]
    data = book[sheet]
    assert [c.value for c in data[1]] == header
    assert data.max_row == 1
    found = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    for cells_range, formula in dropdowns.items():
        assert found[cells_range] == formula
    notes = [row[0] for row in book["说明"].iter_rows(values_only=True)]
    for column in header:
        assert column.rstrip("*") in notes


def test_a_filled_in_template_imports(world):
    book = load_workbook(io.BytesIO(importing.people_template()))
    book["人员信息"].append(
        person_row("模板人", id_no=id_number(40), phone="13812345678", region="横水第一网格")
    )
    buffer = io.BytesIO()
    book.save(buffer)

    result = importing.import_people(actor=world.users["township1"], file=buffer.getvalue())

    assert (result.created, result.errors) == (1, [])


def test_the_error_report_lists_row_column_and_message_as_text():
    errors = [
        importing.RowError(None, "", "无法读取文件。"),
        importing.RowError(3, "姓名", "不能为空。"),
        importing.RowError(4, "所在单位", '=HYPERLINK("http://x")'),
    ]

    book = load_workbook(io.BytesIO(importing.error_report(errors)))

    sheet = book.active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["行号", "列", "错误说明"],
        [None, None, "无法读取文件。"],
        [3, "姓名", "不能为空。"],
        [4, "所在单位", '=HYPERLINK("http://x")'],
    ]
    assert sheet["C4"].data_type == "s"


# ---- pages ---------------------------------------------------------------------------------------


def upload(data: bytes, name="people.xlsx"):
    return SimpleUploadedFile(name, data, content_type=importing.XLSX_CONTENT_TYPE)


@pytest.mark.urls(URLS)
def test_the_import_page_offers_the_form_and_the_template(world, client):
    client.force_login(world.users["township1"])

    page = client.get(reverse("people:person_import"))

    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{reverse("people:person_import_template")}"' in html
    assert 'enctype="multipart/form-data"' in html
    template = client.get(reverse("people:person_import_template"))
    assert template.status_code == 200
    assert template["Content-Type"] == importing.XLSX_CONTENT_TYPE
    assert template["Content-Disposition"].startswith("attachment;")
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["人员信息", "说明"]


@pytest.mark.urls(URLS)
def test_a_good_upload_redirects_to_the_list_with_the_count(world, client):
    client.force_login(world.users["township1"])
    data = workbook(
        PEOPLE_HEADER, [person_row("甲", region="横水第一网格"), person_row("乙", region="横水第二网格")]
    )

    response = client.post(reverse("people:person_import"), {"file": upload(data)}, follow=True)

    assert response.redirect_chain == [(reverse("people:person_list"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["已导入 2 条。"]
    assert Person.objects.count() == 2


@pytest.mark.urls(URLS)
def test_a_bad_upload_is_a_400_page_listing_every_error_with_the_report(world, client):
    client.force_login(world.users["township1"])
    data = workbook(
        PEOPLE_HEADER,
        [
            person_row("甲", id_no=bad_check_digit(5), region="横水第一网格"),
            person_row("乙", phone="13812345678", region="扬眉第一网格"),
        ],
    )
    before = counts()

    response = client.post(reverse("people:person_import"), {"file": upload(data)})

    assert response.status_code == 400
    assert counts() == before
    html = response.content.decode()
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "身份证号"), (3, "工作区划")]
    assert "<td>身份证号校验位不正确。</td>" in html
    assert "<td>未找到区划“扬眉第一网格”（或不在您的管理范围内）。</td>" in html
    assert bad_check_digit(5) not in html and "13812345678" not in html
    link = re.search(r'href="data:([^;]+);base64,([^"]+)" download="导入错误报告.xlsx"', html)
    assert link.group(1) == importing.XLSX_CONTENT_TYPE
    report = load_workbook(io.BytesIO(base64.b64decode(link.group(2))))
    assert [row[0] for row in report.active.iter_rows(min_row=2, values_only=True)] == [2, 3]


@pytest.mark.urls(URLS)
def test_a_post_without_a_file_is_a_400_form_error(world, client):
    client.force_login(world.users["office"])

    response = client.post(reverse("people:certificate_import"), {})

    assert response.status_code == 400
    assert response.context["form"].errors == {"file": ["请选择要上传的文件。"]}


@pytest.mark.urls(URLS)
@pytest.mark.parametrize(
    "name", ["person_import", "person_import_template", "certificate_import", "certificate_import_template"]
)
def test_import_pages_need_the_manage_people_capability(world, client, name):
    client.force_login(world.users["grid11"])

    assert client.get(reverse(f"people:{name}")).status_code == 403


@pytest.mark.urls(URLS)
def test_a_user_without_the_capability_cannot_post_an_import(world, client):
    client.force_login(world.users["grid11"])
    data = workbook(PEOPLE_HEADER, [person_row("甲", region="横水第一网格")])

    response = client.post(reverse("people:person_import"), {"file": upload(data)})

    assert response.status_code == 403
    assert counts() == (0, 0, 0)


# ---- API -----------------------------------------------------------------------------------------


@pytest.mark.urls(URLS)
def test_api_import_creates_every_row(world, client):
    client.force_login(world.users["office"])
    register(world, serial=50)
    data = workbook(CERTIFICATE_HEADER, [certificate_row(id_number(50), number="API-1")])

    response = client.post(reverse("api:certificate-import"), {"file": upload(data)})

    assert (response.status_code, response.json()) == (201, {"created": 1})
    assert Certificate.objects.get().number == "API-1"


@pytest.mark.urls(URLS)
def test_api_import_failure_is_a_400_with_every_error_and_nothing_written(world, client):
    client.force_login(world.users["township1"])
    data = workbook(
        PEOPLE_HEADER,
        [person_row("甲", region="横水第一网格"), person_row("", source="临时工", region="横水第一网格")],
    )
    before = counts()

    response = client.post(reverse("api:people-import"), {"file": upload(data)})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "文件未导入：发现 2 处错误，未写入任何数据。",
        "errors": [
            {"row": 3, "column": "姓名", "message": "不能为空。"},
            {
                "row": 3,
                "column": "人员来源",
                "message": "应为以下之一：下沉干部、招聘行业专业人员、社区网格员、企业安全管理人员、专家。",
            },
        ],
    }
    assert counts() == before


@pytest.mark.urls(URLS)
def test_api_import_of_a_non_xlsx_file_is_a_400(world, client):
    client.force_login(world.users["office"])

    response = client.post(reverse("api:people-import"), {"file": upload(b"hello", name="x.csv")})

    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": None, "column": "", "message": NOT_XLSX}]


@pytest.mark.urls(URLS)
@pytest.mark.parametrize("name", ["api:people-import", "api:certificate-import"])
def test_api_import_without_the_capability_is_403_and_writes_nothing(world, client, name):
    client.force_login(world.users["grid11"])
    data = workbook(PEOPLE_HEADER, [person_row("甲", region="横水第一网格")])

    response = client.post(reverse(name), {"file": upload(data)})

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert counts() == (0, 0, 0)


@pytest.mark.urls(URLS)
def test_api_import_wants_a_multipart_upload(world, client):
    client.force_login(world.users["office"])

    response = client.post(reverse("api:people-import"), {"file": "x"}, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


@pytest.mark.urls(URLS)
def test_api_import_of_an_oversized_upload_is_refused_before_reading_it(world, client, monkeypatch, settings):
    # Above even a background job's limit: refused from the request header alone.
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1024 * 1024)
    settings.SAFEGRID_IMPORT_JOB_MAX_MB = 1
    client.force_login(world.users["office"])
    big = upload(b"PK\x03\x04" + b"0" * (1024 * 1024 + 70 * 1024))

    response = client.post(reverse("api:people-import"), {"file": big})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": None, "column": "", "message": "文件超过 1 MB 上限，请分批导入。"}
    ]
