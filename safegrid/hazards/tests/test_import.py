"""Excel import of hazards: all or nothing, every bad row reported by row and column in Chinese,
each row through `hazard_report` (number, timeline event, audit record, handling level) and its
scope; a rejected file leaves no hazard, no audit row and no notification behind."""

from __future__ import annotations

import base64
import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from safegrid.core.exceptions import ApplicationError
from safegrid.core.models import AuditEntry
from safegrid.core.xlsx_import import XLSX_CONTENT_TYPE, Limits
from safegrid.hazards import importing, services
from safegrid.hazards.choices import HandlingLevel, HazardStatus
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.notifications.models import Notification

HEADER = ["场所*", "隐患描述*", "隐患类别*", "隐患等级", "来源", "发现时间", "位置", "经度", "纬度"]
NOT_XLSX = "无法读取文件：请上传用导入模板填写的 Excel 文件（.xlsx）。"
FOUND = datetime.datetime(2026, 1, 6, 9, 30)


def hazard_row(
    site="横水钨矿",
    description="配电箱未接地",
    *,
    category="物的不安全状态",
    grade="",
    source="",
    found=FOUND,
    location="一号井口",
    lon=None,
    lat=None,
):
    return [site, description, category, grade, source, found, location, lon, lat]


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
    return (
        Hazard.objects.count(),
        HazardEvent.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def cells(result) -> set[tuple[int | None, str]]:
    return {(e.row, e.column) for e in result.errors}


def upload(data: bytes, name="hazards.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)


# ---- the import ----------------------------------------------------------------------------------


def test_a_good_file_reports_every_row_once_with_number_event_and_audit(
    world, django_capture_on_commit_callbacks
):
    # given three hazards: by site name, by credit code, a major one with a text time and coordinates
    data = workbook(
        [
            hazard_row("横水钨矿", "配电箱未接地"),
            hazard_row(
                world.site11_mall.credit_code, "安全出口堵塞", category="管理上的缺陷", source="群众举报"
            ),
            hazard_row(
                "横水钨矿",
                "尾矿库坝体渗漏",
                grade="重大隐患",
                found="2026-01-07 08:15",
                lon="114.301",
                lat=25.69,
            ),
        ]
    )
    before = counts()

    # when the import commits (its on_commit callbacks run)
    with django_capture_on_commit_callbacks(execute=True):
        result = importing.import_hazards(actor=world.users["grid11"], file=data)

    # then every row is one hazard with one event and one audit entry, and nobody is told twice
    assert (result.ok, result.created, result.errors) == (True, 3, [])
    assert counts()[:3] == (before[0] + 3, before[1] + 3, before[2] + 3)
    new = Hazard.objects.order_by("pk")[len(world.hazards) :]
    assert [h.description for h in new] == ["配电箱未接地", "安全出口堵塞", "尾矿库坝体渗漏"]
    assert all(re.fullmatch(r"YH3607252026\d{7}", h.number) for h in new)
    assert AuditEntry.objects.filter(action="hazard.report").count() == 3
    first, second, major = new
    assert (first.site, first.status, first.level, first.reported_by, first.source) == (
        world.site11_mine,
        HazardStatus.REPORTED,
        HandlingLevel.TERRITORIAL,
        world.users["grid11"],
        "patrol",
    )
    assert timezone.localtime(first.reported_at).replace(tzinfo=None) == FOUND
    assert (second.site, second.category, second.source) == (world.site11_mall, "management", "tip_off")
    assert (major.grade, major.level, str(major.longitude), str(major.latitude)) == (
        "major",
        HandlingLevel.SECTOR,
        "114.301000",
        "25.690000",
    )
    sent = list(Notification.objects.filter(hazard__in=new).values_list("recipient_id", "hazard_id", "kind"))
    assert len(sent) == len(set(sent))
    assert len(mail.outbox) == len({m.subject + ",".join(m.to) for m in mail.outbox})


def test_a_file_with_bad_rows_writes_nothing_and_reports_every_bad_row(world):
    in_an_hour = timezone.localtime() + datetime.timedelta(hours=1)
    data = workbook(
        [
            hazard_row(),  # 2: good
            hazard_row("扬眉宾馆"),  # 3: site outside the grid worker's scope
            hazard_row("无此场所"),  # 4: no such site
            hazard_row(description=""),  # 5: no description
            hazard_row(category="环境因素"),  # 6: unknown category
            hazard_row(grade="特大隐患"),  # 7: unknown grade
            hazard_row(found=in_an_hour.replace(tzinfo=None)),  # 8: found in the future
            hazard_row(found="昨天"),  # 9: not a time
            hazard_row(lat=95),  # 10: latitude out of range
            hazard_row(),  # 11: same as row 2
            hazard_row("横水商场", source="上级交办", lon="东经114"),  # 12: two faults
        ]
    )
    before = counts()

    result = importing.import_hazards(actor=world.users["grid11"], file=data)

    assert counts() == before
    assert (result.ok, result.created) == (False, 0)
    assert cells(result) == {
        (3, "场所"),
        (4, "场所"),
        (5, "隐患描述"),
        (6, "隐患类别"),
        (7, "隐患等级"),
        (8, "发现时间"),
        (9, "发现时间"),
        (10, "纬度"),
        (11, "隐患描述"),
        (12, "来源"),
        (12, "经度"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(3, "场所")] == "未找到场所“扬眉宾馆”（或不在您可上报隐患的范围内）。"
    assert messages[(5, "隐患描述")] == "不能为空。"
    assert messages[(6, "隐患类别")] == "应为以下之一：物的不安全状态、人的不安全行为、管理上的缺陷。"
    assert messages[(7, "隐患等级")] == "应为以下之一：一般隐患、重大隐患。"
    assert messages[(8, "发现时间")] == "不能晚于当前时间。"
    assert messages[(9, "发现时间")] == "时间无效，格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM。"
    assert messages[(10, "纬度")] == "应在 -90 到 90 之间。"
    assert messages[(11, "隐患描述")] == "与第 2 行重复（同一场所、描述、位置和发现时间）。"
    assert messages[(12, "经度")] == "应为数字。"
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)


def test_a_service_refusal_on_the_last_row_rolls_back_everything_and_notifies_no_one(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    # given a service that, like a notifying one, schedules work on commit for each hazard, and
    # refuses the last row
    from safegrid.notifications.services import notify_hazard

    real = services.hazard_report

    def notifying_then_refusing(**kwargs):
        if kwargs["description"] == "末行":
            raise ApplicationError("该场所已停止上报。")
        hazard = real(**kwargs)
        transaction.on_commit(lambda: notify_hazard(hazard=hazard, kind="escalated"))
        return hazard

    monkeypatch.setattr(services, "hazard_report", notifying_then_refusing)
    data = workbook(
        [hazard_row(description="首行"), hazard_row(description="次行"), hazard_row(description="末行")]
    )
    before = counts()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = importing.import_hazards(actor=world.users["township1"], file=data)

    # then the hazards, their events and audit entries are gone, and no callback survived
    assert [e.as_dict() for e in result.errors] == [{"row": 4, "column": "", "message": "该场所已停止上报。"}]
    assert counts() == before
    assert callbacks == []
    assert mail.outbox == []


def test_enterprise_staff_import_hazards_of_their_own_site_only(world):
    actor = world.users["enterprise11"]
    assert importing.import_hazards(actor=actor, file=workbook([hazard_row("横水钨矿")])).created == 1

    result = importing.import_hazards(actor=actor, file=workbook([hazard_row("横水商场")]))

    assert cells(result) == {(2, "场所")}


def test_a_site_name_shared_by_two_sites_asks_for_the_credit_code(world):
    # given a second "横水钨矿" in another grid of the same township
    from safegrid.sites.models import Site

    Site.objects.create(
        name="横水钨矿",
        category="venue",
        kind="other",
        sector=world.mining,
        grid=world.g12,
        region_path=world.g12.path,
        address="某路",
    )

    result = importing.import_hazards(actor=world.users["township1"], file=workbook([hazard_row("横水钨矿")]))

    assert [e.message for e in result.errors] == ["名称“横水钨矿”对应多个场所，请填写统一社会信用代码。"]


# ---- files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"site,description\n", b"PK\x03\x04 broken", b"%PDF-1.7\n"])
def test_a_file_that_is_not_xlsx_gets_one_clear_chinese_error(world, content):
    result = importing.import_hazards(actor=world.users["grid11"], file=upload(content))

    assert [e.as_dict() for e in result.errors] == [{"row": None, "column": "", "message": NOT_XLSX}]


def test_too_many_rows_and_too_large_files_are_refused(world, monkeypatch):
    monkeypatch.setattr(importing, "LIMITS", Limits(max_rows=2, max_file_bytes=1024 * 1024))
    rows = [hazard_row(description=f"隐患{i}") for i in range(3)]
    result = importing.import_hazards(actor=world.users["grid11"], file=workbook(rows))
    assert [e.message for e in result.errors] == ["数据超过 2 行上限，请分批导入。"]

    result = importing.import_hazards(
        actor=world.users["grid11"], file=upload(b"PK\x03\x04" + b"0" * (1024 * 1024))
    )
    assert [e.message for e in result.errors] == ["文件超过 1 MB 上限，请分批导入。"]


def test_the_template_opens_with_the_headers_dropdowns_and_instructions():
    book = load_workbook(io.BytesIO(importing.hazards_template()))

    assert book.sheetnames == ["隐患信息", "说明"]
    sheet = book["隐患信息"]
    assert [c.value for c in sheet[1]] == HEADER
    found = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert found["C2:C2001"] == '"物的不安全状态,人的不安全行为,管理上的缺陷"'
    assert found["D2:D2001"] == '"一般隐患,重大隐患"'
    notes = [row[0] for row in book["说明"].iter_rows(values_only=True)]
    for column in HEADER:
        assert column.rstrip("*") in notes


# ---- pages and API -------------------------------------------------------------------------------


def test_the_list_page_links_to_the_import_for_reporters(world, client):
    client.force_login(world.users["grid11"])
    assert reverse("hazards:hazard_import") in client.get(reverse("hazards:hazard_list")).content.decode()

    client.force_login(world.users["auditor"])
    assert client.get(reverse("hazards:hazard_import")).status_code == 403


def test_the_import_page_offers_the_form_and_the_template(world, client):
    client.force_login(world.users["grid11"])

    page = client.get(reverse("hazards:hazard_import"))

    assert page.status_code == 200
    assert f'href="{reverse("hazards:hazard_import_template")}"' in page.content.decode()
    template = client.get(reverse("hazards:hazard_import_template"))
    assert (template.status_code, template["Content-Type"]) == (200, XLSX_CONTENT_TYPE)
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["隐患信息", "说明"]


def test_a_good_upload_redirects_to_the_list_with_the_count(world, client):
    client.force_login(world.users["grid11"])

    response = client.post(
        reverse("hazards:hazard_import"),
        {"file": upload(workbook([hazard_row(), hazard_row("横水商场")]))},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("hazards:hazard_list"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["已导入 2 条。"]


def test_a_bad_upload_is_a_400_page_with_the_error_report(world, client):
    client.force_login(world.users["grid11"])
    before = counts()

    response = client.post(
        reverse("hazards:hazard_import"), {"file": upload(workbook([hazard_row(), hazard_row("扬眉宾馆")]))}
    )

    assert response.status_code == 400
    assert counts() == before
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "场所")]
    link = re.search(
        r'href="data:[^;]+;base64,([^"]+)" download="导入错误报告.xlsx"', response.content.decode()
    )
    report = load_workbook(io.BytesIO(base64.b64decode(link.group(1))))
    assert list(report.active.iter_rows(min_row=2, values_only=True)) == [
        (3, "场所", "未找到场所“扬眉宾馆”（或不在您可上报隐患的范围内）。")
    ]


@pytest.mark.parametrize("name", ["hazards:hazard_import", "hazards:hazard_import_template"])
def test_import_pages_need_the_report_hazard_capability(world, client, name):
    client.force_login(world.users["sysadmin"])

    assert client.get(reverse(name)).status_code == 403


def test_api_import_creates_every_row(world, client):
    client.force_login(world.users["township1"])

    response = client.post(reverse("api:hazard-import"), {"file": upload(workbook([hazard_row()]))})

    assert (response.status_code, response.json()) == (201, {"created": 1})
    assert (
        Hazard.objects.filter(description="配电箱未接地", reported_by=world.users["township1"]).count() == 1
    )


def test_api_import_failure_is_a_400_with_every_error_and_nothing_written(world, client):
    client.force_login(world.users["grid11"])
    before = counts()

    response = client.post(
        reverse("api:hazard-import"), {"file": upload(workbook([hazard_row(), hazard_row(category="")]))}
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "文件未导入：发现 1 处错误，未写入任何数据。",
        "errors": [{"row": 3, "column": "隐患类别", "message": "不能为空。"}],
    }
    assert counts() == before


def test_api_import_without_the_capability_is_403_and_writes_nothing(world, client):
    client.force_login(world.users["sysadmin"])
    before = counts()

    response = client.post(reverse("api:hazard-import"), {"file": upload(workbook([hazard_row()]))})

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert counts() == before


def test_api_import_wants_a_multipart_upload(world, client):
    client.force_login(world.users["grid11"])

    response = client.post(reverse("api:hazard-import"), {"file": "x"}, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
