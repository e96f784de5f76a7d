"""The criteria and checklist library (重大事故隐患判定标准, 检查表): seeded content, API, import,
admin, checklist prefill, and hazards citing a criterion."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from safegrid.core.models import AuditEntry
from safegrid.hazards import services as hazard_services
from safegrid.hazards.choices import HazardGrade
from safegrid.hazards.models import Hazard
from safegrid.inspections import services
from safegrid.inspections.importing import COLUMNS
from safegrid.inspections.models import Checklist, ChecklistItem, Criterion, Instrument

TODAY = timezone.localdate()
GONGMAO = "工贸企业重大事故隐患判定标准"


def _criterion(instrument: str = GONGMAO, article="第三条", item="（二）") -> Criterion:
    return Criterion.objects.get(instrument__name=instrument, article=article, item=item)


# --- seeded content (migration 0003) ---------------------------------------------------------


def test_confirmed_instruments_are_seeded_with_their_numbers_and_sectors(db):
    rows = {i.name: (i.number, i.sector_codes, i.effective_from) for i in Instrument.objects.all()}
    assert rows[GONGMAO] == ("应急管理部令第10号", "industry_trade", datetime.date(2023, 5, 15))
    assert rows["化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）"][:2] == (
        "安监总管三〔2017〕121号",
        "hazchem",
    )
    assert rows["金属非金属矿山重大事故隐患判定标准"] == (
        "矿安〔2022〕88号",
        "mining",
        datetime.date(2022, 9, 1),
    )
    assert rows["城镇燃气经营安全重大隐患判定标准"][:2] == ("", "gas")  # number unconfirmed
    assert rows["民用爆炸物品行业重大事故隐患判定标准（试行）"][0] == "工信厅安全函〔2023〕337号"


def test_seeded_criteria_belong_to_the_right_instruments(db):
    assert _criterion().text == "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业"
    counts = {i.name: i.criteria.count() for i in Instrument.objects.all()}
    assert counts[GONGMAO] == 11
    assert (
        counts["化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）"] == 14
    )  # 15–20 unconfirmed
    assert counts["金属非金属矿山重大事故隐患判定标准"] == 10
    assert counts["城镇燃气经营安全重大隐患判定标准"] == 7
    assert counts["民用爆炸物品行业重大事故隐患判定标准（试行）"] == 4
    assert not Criterion.objects.filter(is_major=False).exists()


def test_the_old_mine_standard_is_superseded_and_not_current(world, client):
    old = Instrument.objects.get(number="安监总管一〔2017〕98号")
    assert old.superseded_by.number == "矿安〔2022〕88号"


def test_each_sector_checklist_is_built_from_its_criteria(db):
    checklist = Checklist.objects.get(sector_code="industry_trade")
    items = list(checklist.items.order_by("order"))
    assert len(items) == 11
    assert items[1].criterion == _criterion()
    assert items[1].text == _criterion().text


# --- API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "user_key", ["leader", "office", "sector_mining", "township1", "grid11", "enterprise11", "expert"]
)
def test_every_business_role_reads_the_criteria(world, client, user_key):
    client.force_login(world.users[user_key])
    response = client.get(reverse("api:criterion-list"), {"sector": "gas"})
    assert response.status_code == 200
    assert response.json()["count"] == 7


@pytest.mark.parametrize("user_key", ["sysadmin", "secadmin", "auditor"])
def test_administrators_do_not_read_the_library_through_the_api(world, client, user_key):
    client.force_login(world.users[user_key])
    assert client.get(reverse("api:criterion-list")).status_code == 403
    assert client.get(reverse("api:checklist-list")).status_code == 403


def test_criteria_filter_by_keyword_and_retrieve_shows_instrument(world, client):
    client.force_login(world.users["grid11"])
    body = client.get(reverse("api:criterion-list"), {"q": "重力沉降室"}).json()
    assert [r["text"] for r in body["results"]] == ["采用重力沉降室除尘"]
    detail = client.get(reverse("api:criterion-detail", kwargs={"pk": body["results"][0]["id"]})).json()
    assert detail["instrument"]["number"] == "应急管理部令第10号"
    assert detail["instrument"]["sector_codes"] == ["industry_trade"]
    assert (detail["is_major"], detail["current"]) == (True, True)


def test_checklists_by_sector_include_the_general_ones(world, client):
    general = Checklist.objects.get(sector_code=None)  # seeded by migration 0005
    client.force_login(world.users["grid11"])
    body = client.get(reverse("api:checklist-list"), {"sector": "mining"}).json()
    assert sorted(r["name"] for r in body["results"]) == sorted(
        ["金属非金属矿山重大事故隐患检查表", general.name]
    )
    missing = client.get(reverse("api:checklist-detail", kwargs={"pk": 999999}))
    assert missing.status_code == 404


def test_library_endpoints_are_read_only(world, client):
    client.force_login(world.users["office"])
    response = client.post(reverse("api:criterion-list"), {}, content_type="application/json")
    assert response.status_code == 405
    assert Criterion.objects.count() == 46


# --- hazards citing a criterion --------------------------------------------------------------


def test_hazard_citing_a_criterion_is_major_at_sector_level(world):
    hazard = hazard_services.hazard_report(
        actor=world.users["grid11"],
        site=world.site11_mine,
        description="井下安全出口堵塞",
        category="management",
        grade=HazardGrade.GENERAL,
        criterion=_criterion("金属非金属矿山重大事故隐患判定标准", "地下矿山 安全出口", "例5"),
    )
    assert (hazard.grade, hazard.level) == (HazardGrade.MAJOR, 2)
    assert AuditEntry.objects.get(action="hazard.report").changes["criterion"] == [None, hazard.criterion_id]


def test_hazard_citing_a_criterion_via_api_is_major_at_sector_level(world, client):
    client.force_login(world.users["grid11"])
    criterion = _criterion()
    response = client.post(
        reverse("api:hazard-list"),
        {
            "site": world.site11_mine.pk,
            "description": "爆破工无证上岗",
            "category": "management",
            "criterion": criterion.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["grade"], body["level"], body["criterion"]) == ("major", 2, criterion.pk)


def test_a_superseded_criterion_cannot_be_cited_via_api(world, client):
    criterion = _criterion()
    replacement = Criterion.objects.create(
        instrument=criterion.instrument, article="第三条", item="（二）新", text="新条款"
    )
    criterion.superseded_by = replacement
    criterion.save(update_fields=["superseded_by"])
    before = Hazard.objects.count()
    client.force_login(world.users["grid11"])
    response = client.post(
        reverse("api:hazard-list"),
        {
            "site": world.site11_mine.pk,
            "description": "x",
            "category": "management",
            "criterion": criterion.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["criterion"]
    assert Hazard.objects.count() == before


def test_hazard_citing_a_criterion_cannot_be_assigned_as_general(world):
    hazard = hazard_services.hazard_report(
        actor=world.users["grid11"],
        site=world.site11_mine,
        description="爆破工无证上岗",
        category="management",
        criterion=_criterion(),
    )
    with pytest.raises(ValidationError) as exc:
        hazard_services.hazard_assign(
            actor=world.users["sector_mining"],
            hazard=hazard,
            grade=HazardGrade.GENERAL,
            responsible_org=world.org_t1,
            responsible_person="王经理",
            deadline=TODAY + datetime.timedelta(days=10),
        )
    assert exc.value.message_dict["grade"] == ["该隐患引用了重大事故隐患判定标准条款，不能定为一般隐患。"]
    hazard.refresh_from_db()
    assert (hazard.status, hazard.grade, hazard.version) == ("reported", HazardGrade.MAJOR, 1)


def test_report_form_offers_current_criteria_grouped_by_instrument(world, client):
    client.force_login(world.users["grid11"])
    body = client.get(reverse("hazards:hazard_report")).content.decode()
    assert f'<optgroup label="{GONGMAO}（应急管理部令第10号）">' in body
    assert "安监总管一〔2017〕98号" not in body  # superseded instrument, no criteria of its own


# --- checklist prefill -------------------------------------------------------------------------


def _record(world, **extra):
    return services.inspection_record(
        actor=world.users["grid11"],
        site=world.site11_mine,
        kind="daily_patrol",
        inspected_on=TODAY,
        inspectors="张三",
        result="no_hazard",
        **extra,
    )


def test_checklist_items_prefill_the_inspection(world):
    checklist = Checklist.objects.get(sector_code="mining")
    inspection = _record(world, checklist=checklist)
    assert inspection.checklist == checklist
    assert len(inspection.items) == 10
    assert inspection.items[0] == {
        "item": "井下未设置两个独立直达地面的安全出口，或者安全出口不符合设计要求",
        "result": "ok",
        "note": "",
    }


def test_the_general_patrol_checklist_is_seeded(db):
    general = Checklist.objects.get(name="网格员日常巡查通用检查表（应知应会）")
    assert general.sector_code is None and general.active
    texts = list(general.items.order_by("order").values_list("text", flat=True))
    assert len(texts) == 12
    assert texts[0].startswith("消防通道和安全出口畅通")
    assert texts[-1].startswith("特种设备定期检验")


def test_the_general_checklist_prefills_an_inspection_at_any_site(world):
    general = Checklist.objects.get(name="网格员日常巡查通用检查表（应知应会）")
    inspection = _record(world, checklist=general)
    assert inspection.checklist == general
    assert len(inspection.items) == 12
    assert inspection.items[2]["item"].startswith("电气线路无私拉乱接")
    assert {i["result"] for i in inspection.items} == {"ok"}


def test_items_given_by_the_caller_win_over_the_checklist(world):
    checklist = Checklist.objects.get(sector_code="mining")
    inspection = _record(world, checklist=checklist, items="通风系统")
    assert [i["item"] for i in inspection.items] == ["通风系统"]


def test_a_checklist_of_another_sector_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _record(world, checklist=Checklist.objects.get(sector_code="gas"))
    assert exc.value.message_dict["checklist"] == ["该检查表不适用于此场所的行业领域。"]


def test_inspection_api_accepts_a_checklist(world, client):
    client.force_login(world.users["grid11"])
    checklist = Checklist.objects.get(sector_code="mining")
    response = client.post(
        reverse("api:inspection-list"),
        {
            "site": world.site11_mine.pk,
            "kind": "daily_patrol",
            "inspected_on": str(TODAY),
            "inspectors": "张三",
            "result": "no_hazard",
            "checklist": checklist.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["checklist"], len(body["items"])) == (checklist.pk, 10)


# --- Excel import ------------------------------------------------------------------------------


def _workbook(tmp_path, rows) -> str:
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for row in rows:
        ws.append(row)
    path = tmp_path / "criteria.xlsx"
    wb.save(path)
    load_workbook(path).close()  # the file opens back as a real workbook
    return str(path)


def test_import_creates_instrument_and_criteria_with_one_audit_record(world, tmp_path):
    path = _workbook(
        tmp_path,
        [
            [
                "房屋市政工程生产安全重大事故隐患判定标准",
                "建质规〔2022〕2号",
                "construction",
                "2022-04-19",
                "第四条",
                "（一）",
                "建筑施工企业未取得安全生产许可证擅自从事建筑施工活动",
                "是",
            ],
            [
                "房屋市政工程生产安全重大事故隐患判定标准",
                "建质规〔2022〕2号",
                "construction",
                datetime.date(2022, 4, 19),
                "第四条",
                "（二）",
                "施工单位的主要负责人未取得安全生产考核合格证书",
                "",
            ],
        ],
    )
    call_command("import_criteria", path, "--user", "sysadmin")
    instrument = Instrument.objects.get(number="建质规〔2022〕2号")
    assert (instrument.sector_codes, instrument.effective_from) == (
        "construction",
        datetime.date(2022, 4, 19),
    )
    assert list(instrument.criteria.values_list("item", "is_major")) == [("（一）", True), ("（二）", True)]
    entry = AuditEntry.objects.get(action="criteria.import")
    assert entry.actor == world.users["sysadmin"]
    assert entry.changes["created"] == [None, 2]


def test_import_with_errors_names_row_and_column_and_writes_nothing(world, tmp_path):
    path = _workbook(
        tmp_path,
        [
            ["某标准", "", "construction", "2022-04-19", "第一条", "", "内容一", "是"],
            ["某标准", "", "construction", "2022-13-01", "第二条", "", "", "也许"],
        ],
    )
    before = (Instrument.objects.count(), Criterion.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError) as exc:
        call_command("import_criteria", path)
    message = str(exc.value)
    assert "第 3 行“内容”列：不能为空。" in message
    assert "第 3 行“施行日期”列：日期格式应为 YYYY-MM-DD。" in message
    assert "第 3 行“重大事故隐患”列：只能填“是”或“否”。" in message
    assert (Instrument.objects.count(), Criterion.objects.count(), AuditEntry.objects.count()) == before


def test_import_without_the_required_columns_is_refused(world, tmp_path):
    wb = Workbook()
    wb.active.append(["文件名称", "内容"])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(CommandError, match="第 1 行缺少列"):
        call_command("import_criteria", str(path))


# --- admin -------------------------------------------------------------------------------------


def test_only_the_system_administrator_edits_the_library_in_the_admin(world, client):
    for key in ("office", "secadmin", "auditor"):
        client.force_login(world.users[key])
        assert client.get("/admin/inspections/criterion/", follow=True).status_code == 403
    client.force_login(world.users["sysadmin"])
    assert client.get("/admin/inspections/criterion/").status_code == 200
    criterion = _criterion()
    response = client.post(
        f"/admin/inspections/criterion/{criterion.pk}/change/",
        {
            "instrument": criterion.instrument_id,
            "article": criterion.article,
            "item": criterion.item,
            "text": "特种作业人员未持证上岗",
            "is_major": "on",
            "effective_from": "2023-05-15",
            "superseded_by": "",
            "sort_order": criterion.sort_order,
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="criterion.update")
    assert entry.changes["text"][1] == "特种作业人员未持证上岗"
    assert AuditEntry.objects.count() == 1


def test_saving_a_checklist_with_items_writes_one_audit_record(world, client):
    client.force_login(world.users["sysadmin"])
    response = client.post(
        "/admin/inspections/checklist/add/",
        {
            "name": "网格员应知应会通用检查表",
            "sector_code": "",
            "active": "on",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-order": "1",
            "items-0-text": "安全出口、疏散通道畅通",
            "items-0-criterion": "",
        },
    )
    assert response.status_code == 302
    checklist = Checklist.objects.get(name="网格员应知应会通用检查表")
    assert checklist.sector_code is None
    assert list(ChecklistItem.objects.filter(checklist=checklist).values_list("text", flat=True)) == [
        "安全出口、疏散通道畅通"
    ]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.changes["items"]) == (
        "checklist.create",
        [None, ["1. 安全出口、疏散通道畅通"]],
    )


# --- checklist import --------------------------------------------------------------------------


def _checklist_workbook(tmp_path, rows) -> str:
    from safegrid.inspections.importing import CHECKLIST_COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.append(list(CHECKLIST_COLUMNS))
    for row in rows:
        ws.append(row)
    path = tmp_path / "checklist.xlsx"
    wb.save(path)
    return str(path)


def test_import_checklist_creates_general_and_sector_lists_with_one_audit_record(world, tmp_path):
    path = _checklist_workbook(
        tmp_path,
        [
            ["夏季高温巡查检查表", None, 1, "高温作业场所防暑降温措施落实", None],
            ["夏季高温巡查检查表", "", 2, "易燃易爆物品避免暴晒", ""],
            ["矿山汛期检查表", "mining", 2, "安全出口畅通", "矿安〔2022〕88号 地下矿山 安全出口 例5"],
            ["矿山汛期检查表", "mining", 1, "排水设施完好", None],
        ],
    )
    call_command("import_checklist", path, "--user", "sysadmin")
    general = Checklist.objects.get(name="夏季高温巡查检查表")
    assert general.sector_code is None
    assert list(general.items.values_list("order", "text")) == [
        (1, "高温作业场所防暑降温措施落实"),
        (2, "易燃易爆物品避免暴晒"),
    ]
    mine = Checklist.objects.get(name="矿山汛期检查表")
    assert mine.sector_code == "mining"
    items = list(mine.items.order_by("order"))
    assert [i.text for i in items] == ["排水设施完好", "安全出口畅通"]
    assert items[1].criterion.text == "安全出口堵塞"
    entry = AuditEntry.objects.get(action="checklist.import")
    assert entry.actor == world.users["sysadmin"]
    assert (entry.changes["created"], entry.changes["items"]) == ([None, 2], [None, 4])


def test_import_checklist_with_errors_names_row_and_column_and_writes_nothing(world, tmp_path):
    path = _checklist_workbook(
        tmp_path,
        [
            ["某检查表", "", 1, "内容一", None],
            ["某检查表", "no_such_sector", "一", "", "无此文号 第九条"],
            ["某检查表", "", 1, "内容三", None],
        ],
    )
    before = (Checklist.objects.count(), ChecklistItem.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError) as exc:
        call_command("import_checklist", path)
    message = str(exc.value)
    assert "未写入任何数据" in message
    assert "第 3 行“检查内容”列：不能为空。" in message
    assert "第 3 行“序号”列：应为正整数。" in message
    assert "第 3 行“适用行业代码”列：行业代码“no_such_sector”不存在" in message
    assert "第 3 行“引用条款（文号+条+项，可空）”列：未找到现行有效的判定标准条款" in message
    assert "第 4 行“序号”列：与第 2 行重复" in message
    assert (Checklist.objects.count(), ChecklistItem.objects.count(), AuditEntry.objects.count()) == before


def test_import_checklist_without_the_required_columns_is_refused(world, tmp_path):
    wb = Workbook()
    wb.active.append(["检查表名称", "检查内容"])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(CommandError, match="第 1 行缺少列"):
        call_command("import_checklist", str(path))
