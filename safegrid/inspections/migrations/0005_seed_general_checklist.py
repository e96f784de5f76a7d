"""Seed the general checklist (sector = null): the common items a county grid worker checks at any
site on a daily patrol (网格员日常巡查 应知应会). Later changes go through the admin or
`import_checklist`, each with an audit record."""

from django.db import migrations

NAME = "网格员日常巡查通用检查表（应知应会）"
ITEMS = [
    "消防通道和安全出口畅通，无堵塞、锁闭、占用",
    "灭火器、消火栓等消防器材完好有效，定期检查",
    "电气线路无私拉乱接，配电箱完好、无裸露带电部位",
    "特种作业人员持证上岗，证件在有效期内",
    "危险化学品存放规范，分类存放、专人管理、台账清楚",
    "安全警示标志齐全，设置在醒目位置",
    "有限空间作业经审批，落实先通风、再检测、后作业",
    "员工安全培训记录齐全，新员工经三级安全教育",
    "隐患排查台账建立并及时更新，隐患整改闭环",
    "应急预案已制定，应急演练定期开展并有记录",
    "劳动防护用品按规定配备并正确佩戴使用",
    "特种设备定期检验，检验合格标志在有效期内",
]


def seed(apps, schema_editor):
    Checklist = apps.get_model("inspections", "Checklist")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    checklist, created = Checklist.objects.get_or_create(name=NAME, defaults={"sector_code": None})
    if not created:
        return
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, order=order, text=text) for order, text in enumerate(ITEMS, 1)
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0004_inspection_checklist")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
