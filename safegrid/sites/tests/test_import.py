"""Excel import of sites: all or nothing, every bad row reported by row and column in Chinese, each
row through `site_create`'s rules and scope (`site_create_many`, one audit record per file),
duplicates within the file and against the register."""

from __future__ import annotations

import base64
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from safegrid.core.models import AuditEntry
from safegrid.core.xlsx_import import XLSX_CONTENT_TYPE, Limits
from safegrid.sites import importing, services
from safegrid.sites.credit_code import check_character
from safegrid.sites.models import Site

HEADER = [
    "名称*",
    "类别*",
    "类型*",
    "统一社会信用代码",
    "行业领域*",
    "所在网格*",
    "地址*",
    "经度",
    "纬度",
    "规模",
    "从业人数",
    "法定代表人",
    "安全负责人",
    "联系电话",
    "经营状态",
]
NOT_XLSX = "无法读取文件：请上传用导入模板填写的 Excel 文件（.xlsx）。"


def code(serial: int) -> str:
    first17 = f"91360725{serial:09d}"
    return first17 + check_character(first17)


def bad_check(serial: int) -> str:
    good = code(serial)
    return good[:17] + ("1" if good[17] != "1" else "2")


def site_row(
    name="横水选矿厂",
    *,
    category="企业",
    kind="矿山",
    credit="",
    sector="矿山",
    grid="横水第一网格",
    address="横水镇某路2号",
    lon=None,
    lat=None,
    size="",
    employees=None,
    phone="",
    status="",
):
    return [
        name,
        category,
        kind,
        credit,
        sector,
        grid,
        address,
        lon,
        lat,
        size,
        employees,
        "张三",
        "李四",
        phone,
        status,
    ]


def workbook(rows: list[list], header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def counts():
    return Site.objects.count(), AuditEntry.objects.count()


def cells(result) -> set[tuple[int | None, str]]:
    return {(e.row, e.column) for e in result.errors}


def upload(data: bytes, name="sites.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)


# ---- the import ----------------------------------------------------------------------------------


def test_a_good_file_imports_every_row_with_one_audit_entry_for_the_file(world):
    # given an enterprise by grid name, a project by grid code, a venue with every optional cell
    data = workbook(
        [
            site_row("横水选矿厂", credit=code(101)),
            site_row(
                "扬眉大桥工程", category="建设项目", kind="建设工程项目", sector="fire", grid="360725101001"
            ),
            site_row(
                "横水影剧院",
                category="公共场所",
                kind="其他",
                sector="消防",
                grid="横水第二网格",
                lon=114.351234,
                lat="25.681",
                size="中型",
                employees=35,
                phone="0797-3812345",
                status="停产停业",
            ),
        ]
    )
    before = counts()

    # when
    result = importing.import_sites(actor=world.users["office"], file=data)

    # then
    assert (result.ok, result.created, result.errors) == (True, 3, [])
    assert counts() == (before[0] + 3, before[1] + 1)
    entry = AuditEntry.objects.get(action="site.import")
    assert entry.changes["count"] == [None, 3]
    mill = Site.objects.get(name="横水选矿厂")
    assert (mill.credit_code, mill.grid, mill.sector, mill.region_path, mill.size) == (
        code(101),
        world.g11,
        world.mining,
        world.g11.path,
        "small",
    )
    bridge = Site.objects.get(name="扬眉大桥工程")
    assert (bridge.category, bridge.credit_code, bridge.grid, bridge.sector) == (
        "project",
        None,
        world.g21,
        world.fire,
    )
    venue = Site.objects.get(name="横水影剧院")
    assert (
        venue.longitude,
        venue.latitude,
        venue.size,
        venue.employees,
        venue.contact_phone,
        venue.business_status,
    ) == (Decimal("114.351234"), Decimal("25.681000"), "medium", 35, "0797-3812345", "suspended")


def test_a_file_with_bad_rows_writes_nothing_and_reports_every_bad_row(world):
    data = workbook(
        [
            site_row("好场所", credit=code(101)),  # 2: good
            site_row("甲", credit=bad_check(102)),  # 3: check character
            site_row("乙"),  # 4: enterprise without a credit code
            site_row("丙", category="个体户", credit=code(104)),  # 5: unknown category
            site_row("丁", credit=code(105), grid="欣山第一网格"),  # 6: grid of another county
            site_row("戊", credit=code(101)),  # 7: same credit code as row 2
            site_row("己", credit=world.site11_mine.credit_code),  # 8: credit code registered
            site_row("横水钨矿", credit=code(109)),  # 9: name registered in this grid
            site_row("庚", credit=code(110), phone="12345"),  # 10: bad phone
            site_row("辛", credit=code(111), lon=200),  # 11: longitude out of range
            site_row("壬", credit=code(112), employees="很多"),  # 12: not an integer
            site_row("癸", credit=code(113), sector="交通"),  # 13: no such sector
            site_row("", credit=code(114), address=""),  # 14: two faults
            site_row("好场所", credit=code(115)),  # 15: same name and grid as row 2
        ]
    )
    before = counts()

    result = importing.import_sites(actor=world.users["office"], file=data)

    assert counts() == before
    assert (result.ok, result.created) == (False, 0)
    assert cells(result) == {
        (3, "统一社会信用代码"),
        (4, "统一社会信用代码"),
        (5, "类别"),
        (6, "所在网格"),
        (7, "统一社会信用代码"),
        (8, "统一社会信用代码"),
        (9, "名称"),
        (10, "联系电话"),
        (11, "经度"),
        (12, "从业人数"),
        (13, "行业领域"),
        (14, "名称"),
        (14, "地址"),
        (15, "名称"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(3, "统一社会信用代码")] == "统一社会信用代码校验位不正确，请核对后重新输入。"
    assert messages[(4, "统一社会信用代码")] == "企业必须填写统一社会信用代码。"
    assert messages[(5, "类别")] == "应为以下之一：企业、建设项目、公共场所。"
    assert messages[(6, "所在网格")] == "未找到网格“欣山第一网格”（或不在您可登记场所的范围内）。"
    assert messages[(7, "统一社会信用代码")] == "与第 2 行的统一社会信用代码重复。"
    assert messages[(8, "统一社会信用代码")] == "该统一社会信用代码已登记。"
    assert messages[(9, "名称")] == "该网格内已登记同名场所。"
    assert messages[(10, "联系电话")] == "电话号码应为11位手机号或带区号的固定电话。"
    assert messages[(11, "经度")] == "应在 -180 到 180 之间。"
    assert messages[(12, "从业人数")] == "应为整数。"
    assert messages[(13, "行业领域")] == "未找到行业领域“交通”（或不在您的管理范围内）。"
    assert messages[(15, "名称")] == "与第 2 行重复（同一网格内场所名称相同）。"
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)


def test_a_service_refusal_on_the_last_row_rolls_back_the_rows_before_it(world, monkeypatch):
    real = services._site_new

    def refusing(**kwargs):
        if kwargs["name"] == "末行":
            raise ValidationError({"address": "地址有误。"})
        return real(**kwargs)

    monkeypatch.setattr(services, "_site_new", refusing)
    data = workbook(
        [
            site_row("首行", credit=code(121)),
            site_row("次行", credit=code(122), grid="横水第二网格"),
            site_row("末行", credit=code(123)),
        ]
    )
    before = counts()

    result = importing.import_sites(actor=world.users["office"], file=data)

    assert counts() == before
    assert [e.as_dict() for e in result.errors] == [{"row": 4, "column": "地址", "message": "地址有误。"}]


def test_a_township_officer_cannot_import_into_another_townships_grid(world):
    data = workbook([site_row("甲", credit=code(131)), site_row("乙", credit=code(132), grid="扬眉第一网格")])

    result = importing.import_sites(actor=world.users["township1"], file=data)

    assert [e.as_dict() for e in result.errors] == [
        {
            "row": 3,
            "column": "所在网格",
            "message": "未找到网格“扬眉第一网格”（或不在您可登记场所的范围内）。",
        }
    ]
    assert not Site.objects.filter(name__in=["甲", "乙"]).exists()


def test_a_sector_officer_imports_only_into_its_own_sector(world):
    data = workbook([site_row("甲", credit=code(141)), site_row("乙", credit=code(142), sector="消防")])

    result = importing.import_sites(actor=world.users["sector_mining"], file=data)

    assert cells(result) == {(3, "行业领域")}
    assert not Site.objects.filter(name__in=["甲", "乙"]).exists()


def test_the_service_scope_refusal_is_a_row_error(world, monkeypatch):
    # given a row the checks pass but the service refuses as out of scope
    from safegrid.core.exceptions import NotInScope

    def out_of_scope(**kwargs):
        raise NotInScope("未找到。")

    monkeypatch.setattr(services, "_site_new", out_of_scope)

    result = importing.import_sites(actor=world.users["office"], file=workbook([site_row(credit=code(151))]))

    assert [e.as_dict() for e in result.errors] == [
        {"row": 2, "column": "", "message": "该行数据不在您的管理范围内，或所引用的对象不存在。"}
    ]


def test_long_numbers_are_masked_in_messages(world):
    data = workbook([site_row(credit=code(161), grid="13812345678")])

    result = importing.import_sites(actor=world.users["office"], file=data)

    assert [e.message for e in result.errors] == ["未找到网格“138****5678”（或不在您可登记场所的范围内）。"]


# ---- files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"name,code\n", b"PK\x03\x04 broken", b"%PDF-1.7\n"])
def test_a_file_that_is_not_xlsx_gets_one_clear_chinese_error(world, content):
    result = importing.import_sites(actor=world.users["office"], file=upload(content))

    assert [e.as_dict() for e in result.errors] == [{"row": None, "column": "", "message": NOT_XLSX}]


def test_too_many_rows_and_too_large_files_are_refused(world, monkeypatch):
    monkeypatch.setattr(importing, "LIMITS", Limits(max_rows=2, max_file_bytes=1024 * 1024))
    rows = [site_row(f"场所{i}", credit=code(170 + i)) for i in range(3)]
    result = importing.import_sites(actor=world.users["office"], file=workbook(rows))
    assert [e.message for e in result.errors] == ["数据超过 2 行上限，请分批导入。"]

    big = upload(b"PK\x03\x04" + b"0" * (1024 * 1024))
    result = importing.import_sites(actor=world.users["office"], file=big)
    assert [e.message for e in result.errors] == ["文件超过 1 MB 上限，请分批导入。"]
    assert Site.objects.filter(name__startswith="场所").count() == 0


def test_missing_required_columns_are_named(world):
    result = importing.import_sites(actor=world.users["office"], file=workbook([["甲"]], header=["名称"]))

    assert [e.message for e in result.errors] == [
        "第 1 行缺少必填列：类别、类型、行业领域、所在网格、地址。请使用导入模板。"
    ]


def test_the_template_opens_with_the_headers_dropdowns_and_instructions():
    book = load_workbook(io.BytesIO(importing.sites_template()))

    assert book.sheetnames == ["场所信息", "说明"]
    sheet = book["场所信息"]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 1
    found = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert found["B2:B2001"] == '"企业,建设项目,公共场所"'
    assert found["O2:O2001"] == '"正常经营,停产停业,关闭"'
    notes = [row[0] for row in book["说明"].iter_rows(values_only=True)]
    for column in HEADER:
        assert column.rstrip("*") in notes


def test_a_filled_in_template_imports(world):
    book = load_workbook(io.BytesIO(importing.sites_template()))
    book["场所信息"].append(site_row("模板场所", credit=code(181)))
    buffer = io.BytesIO()
    book.save(buffer)

    result = importing.import_sites(actor=world.users["township1"], file=buffer.getvalue())

    assert (result.created, result.errors) == (1, [])


# ---- pages and API -------------------------------------------------------------------------------


def test_the_list_page_links_to_the_import_for_those_who_may_add_sites(world, client):
    client.force_login(world.users["township1"])
    assert reverse("sites:site_import") in client.get(reverse("sites:site_list")).content.decode()

    client.force_login(world.users["grid11"])
    assert reverse("sites:site_import") not in client.get(reverse("sites:site_list")).content.decode()


def test_the_import_page_offers_the_form_and_the_template(world, client):
    client.force_login(world.users["township1"])

    page = client.get(reverse("sites:site_import"))

    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{reverse("sites:site_import_template")}"' in html
    assert 'enctype="multipart/form-data"' in html
    template = client.get(reverse("sites:site_import_template"))
    assert (template.status_code, template["Content-Type"]) == (200, XLSX_CONTENT_TYPE)
    assert template["Content-Disposition"].startswith("attachment;")
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["场所信息", "说明"]


def test_a_good_upload_redirects_to_the_list_with_the_count(world, client):
    client.force_login(world.users["township1"])
    data = workbook([site_row("甲", credit=code(191)), site_row("乙", credit=code(192))])

    response = client.post(reverse("sites:site_import"), {"file": upload(data)}, follow=True)

    assert response.redirect_chain == [(reverse("sites:site_list"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["已导入 2 条。"]
    assert Site.objects.filter(name__in=["甲", "乙"]).count() == 2


def test_a_bad_upload_is_a_400_page_listing_every_error_with_the_report(world, client):
    client.force_login(world.users["township1"])
    data = workbook(
        [site_row("甲", credit=bad_check(193)), site_row("乙", credit=code(194), grid="扬眉第一网格")]
    )
    before = counts()

    response = client.post(reverse("sites:site_import"), {"file": upload(data)})

    assert response.status_code == 400
    assert counts() == before
    assert [(e.row, e.column) for e in response.context["errors"]] == [
        (2, "统一社会信用代码"),
        (3, "所在网格"),
    ]
    html = response.content.decode()
    link = re.search(r'href="data:([^;]+);base64,([^"]+)" download="导入错误报告.xlsx"', html)
    assert link.group(1) == XLSX_CONTENT_TYPE
    report = load_workbook(io.BytesIO(base64.b64decode(link.group(2))))
    assert [row[:2] for row in report.active.iter_rows(values_only=True)] == [
        ("行号", "列"),
        (2, "统一社会信用代码"),
        (3, "所在网格"),
    ]


@pytest.mark.parametrize("name", ["sites:site_import", "sites:site_import_template"])
def test_import_pages_need_the_add_site_capability(world, client, name):
    client.force_login(world.users["grid11"])

    assert client.get(reverse(name)).status_code == 403


def test_a_user_without_the_capability_cannot_post_an_import(world, client):
    client.force_login(world.users["grid11"])
    before = counts()

    response = client.post(
        reverse("sites:site_import"), {"file": upload(workbook([site_row(credit=code(195))]))}
    )

    assert response.status_code == 403
    assert counts() == before


def test_api_import_creates_every_row(world, client):
    client.force_login(world.users["office"])
    data = workbook([site_row("接口场所", credit=code(196))])

    response = client.post(reverse("api:site-import"), {"file": upload(data)})

    assert (response.status_code, response.json()) == (201, {"created": 1})
    assert Site.objects.get(name="接口场所").credit_code == code(196)


def test_api_import_failure_is_a_400_with_every_error_and_nothing_written(world, client):
    client.force_login(world.users["office"])
    data = workbook([site_row("甲", credit=code(197)), site_row("乙", category="个体户", credit=code(198))])
    before = counts()

    response = client.post(reverse("api:site-import"), {"file": upload(data)})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "文件未导入：发现 1 处错误，未写入任何数据。",
        "errors": [{"row": 3, "column": "类别", "message": "应为以下之一：企业、建设项目、公共场所。"}],
    }
    assert counts() == before


def test_api_import_without_the_capability_is_403_and_writes_nothing(world, client):
    client.force_login(world.users["grid11"])
    before = counts()

    response = client.post(
        reverse("api:site-import"), {"file": upload(workbook([site_row(credit=code(199))]))}
    )

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert counts() == before


def test_api_import_of_a_non_xlsx_file_is_a_400(world, client):
    client.force_login(world.users["office"])

    response = client.post(reverse("api:site-import"), {"file": upload(b"hello", name="x.csv")})

    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": None, "column": "", "message": NOT_XLSX}]
