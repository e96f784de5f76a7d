"""Seed the confirmed sector major-hazard criteria (DOMAIN.md §1.7, items A–E) and one checklist per
sector built from them.

Only items the domain research confirmed are loaded; where the source gives no article or item
number, `article` names the section and `item` the position in it (例1, 例2 …) so that the unique
key holds without inventing a legal citation. Instrument numbers and dates marked unconfirmed in
DOMAIN.md are left empty. The data is frozen here on purpose: later changes go through the admin
or `import_criteria`, each with an audit record.
"""

import datetime

from django.db import migrations

GONGMAO = "工贸企业重大事故隐患判定标准"
HUAGONG = "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）"
MINE = "金属非金属矿山重大事故隐患判定标准"
MINE_OLD = "金属非金属矿山重大生产安全事故隐患判定标准（试行）"
GAS = "城镇燃气经营安全重大隐患判定标准"
MINBAO = "民用爆炸物品行业重大事故隐患判定标准（试行）"

INSTRUMENTS = [
    # name, number, sector codes, effective from
    (GONGMAO, "应急管理部令第10号", "industry_trade", datetime.date(2023, 5, 15)),
    (HUAGONG, "安监总管三〔2017〕121号", "hazchem", None),
    (MINE, "矿安〔2022〕88号", "mining", datetime.date(2022, 9, 1)),
    (MINE_OLD, "安监总管一〔2017〕98号", "mining", None),
    (GAS, "", "gas", None),
    (MINBAO, "工信厅安全函〔2023〕337号", "hazchem", datetime.date(2023, 12, 1)),
]

CRITERIA = {
    GONGMAO: [
        ("第三条", "（一）", "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查"),
        ("第三条", "（二）", "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业"),
        ("第三条", "（三）", "金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格"),
        ("第四条 冶金", "例1", "会议室、活动室、休息室、操作室等6类人员聚集场所设置在铁水、钢水、液渣吊运跨的地坪区域内"),
        ("第四条 冶金", "例2", "生产期间冶炼、精炼和铸造生产区域的事故坑、炉下渣坑以及熔融金属泄漏和喷溅影响范围内存在积水"),
        ("第四条 冶金", "例3", "炼钢炉水冷元件未设置出水温度、进出水流量差报警装置，或报警装置未与炉体倾动、氧枪升降、电源切断联锁"),
        ("粉尘涉爆", "例1", "粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内，或者粉尘爆炸危险场所内设有员工宿舍、会议室、办公室、休息室等人员聚集场所"),
        ("粉尘涉爆", "例2", "不同类别的可燃性粉尘、可燃性粉尘与可燃气体等易加剧爆炸危险的介质共用一套除尘系统"),
        ("粉尘涉爆", "例3", "干式除尘系统未采取泄爆、惰化、抑爆等任一种爆炸防控措施"),
        ("粉尘涉爆", "例4", "铝镁等金属粉尘除尘系统采用正压吹送粉尘，且未采取火花探测消除等防范点燃源措施"),
        ("粉尘涉爆", "例5", "采用重力沉降室除尘"),
    ],
    HUAGONG: [
        ("第1项", "", "危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格"),
        ("第2项", "", "特种作业人员未持证上岗"),
        ("第3项", "", "涉及“两重点一重大”的生产装置、储存设施外部安全防护距离不符合国家标准要求"),
        ("第4项", "", "涉及重点监管危险化工工艺的装置未实现自动化控制，系统未实现紧急停车功能，装备的自动化控制系统、紧急停车系统未投入使用"),
        ("第5项", "", "构成一级、二级重大危险源的危险化学品罐区未实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的一级、二级重大危险源的危险化学品罐区未配备独立的安全仪表系统"),
        ("第6项", "", "全压力式液化烃储罐未按国家标准设置注水措施"),
        ("第7项", "", "液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装未使用万向管道充装系统"),
        ("第8项", "", "光气、氯气等剧毒气体及硫化氢气体管道穿越除厂区（包括化工园区、工业园区）外的公共区域"),
        ("第9项", "", "地区架空电力线路穿越生产区且不符合国家标准要求"),
        ("第10项", "", "在役化工装置未经正规设计且未进行安全设计诊断"),
        ("第11项", "", "使用淘汰落后安全技术工艺、设备目录列出的工艺、设备"),
        ("第12项", "", "涉及可燃和有毒有害气体泄漏的场所未按国家标准设置检测报警装置，爆炸危险场所未按国家标准安装使用防爆电气设备"),
        ("第13项", "", "控制室或机柜间面向具有火灾、爆炸危险性装置一侧不满足国家标准关于防火防爆的要求"),
        ("第14项", "", "化工生产装置未按国家标准要求设置双重电源供电，自动化控制系统未设置不间断电源"),
    ],
    MINE: [
        ("地下矿山 安全出口", "例1", "井下未设置两个独立直达地面的安全出口，或者安全出口不符合设计要求"),
        ("地下矿山 安全出口", "例2", "两个安全出口之间距离小于30米"),
        ("地下矿山 安全出口", "例3", "安全出口全部为竖井且竖井内均未设置梯子间"),
        ("地下矿山 安全出口", "例4", "生产中段未设置两个安全出口"),
        ("地下矿山 安全出口", "例5", "安全出口堵塞"),
        ("地下矿山", "例1", "使用国家明令禁止使用的设备、材料或者工艺"),
        ("地下矿山", "例2", "不同矿权主体的相邻矿山井巷相互贯通"),
        ("地下矿山", "例3", "未按照GB 16423-2020第4.1.10条保存矿山图纸，或者生产矿山每3个月、基建矿山每1个月未更新"),
        ("露天矿山", "例1", "边坡角大于设计边坡角"),
        ("尾矿库", "例1", "坝体超过设计坝高"),
    ],
    GAS: [
        ("第四条", "例1", "未取得燃气经营许可证从事燃气经营活动"),
        ("第四条", "例2", "未建立安全风险分级管控制度"),
        ("第四条", "例3", "未建立事故隐患排查治理制度"),
        ("第四条", "例4", "未制定生产安全事故应急救援预案"),
        ("第四条", "例5", "未按规定定期对燃气用户设施进行安全检查"),
        ("第五条", "例1", "燃气场站储罐未设置压力、液位检测及超限报警装置"),
        ("第五条", "例2", "燃气场站未设置超压自动切断或超压放散装置"),
    ],
    MINBAO: [
        ("资质", "例1", "未取得相关许可证或许可证过期"),
        ("安全管理", "例1", "未设置安全生产管理机构，或者未配备注册安全工程师"),
        ("生产经营", "例1", "超许可能力、超定员、超量储存、超时生产作业"),
        ("生产经营", "例2", "未经设计擅自改变危险性建筑物用途"),
    ],
}

CHECKLISTS = [
    # name, sector code, instruments whose criteria become its items
    ("工贸企业重大事故隐患检查表", "industry_trade", [GONGMAO]),
    ("危险化学品和民爆重大事故隐患检查表", "hazchem", [HUAGONG, MINBAO]),
    ("金属非金属矿山重大事故隐患检查表", "mining", [MINE]),
    ("城镇燃气重大隐患检查表", "gas", [GAS]),
]


def seed(apps, schema_editor):
    Instrument = apps.get_model("inspections", "Instrument")
    Criterion = apps.get_model("inspections", "Criterion")
    Checklist = apps.get_model("inspections", "Checklist")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    instruments = {}
    for name, number, sectors, effective in INSTRUMENTS:
        instruments[name], _ = Instrument.objects.get_or_create(
            name=name, defaults={"number": number, "sector_codes": sectors, "effective_from": effective}
        )
    old = instruments[MINE_OLD]
    if old.superseded_by_id is None:
        old.superseded_by = instruments[MINE]
        old.save(update_fields=["superseded_by"])
    criteria = {}
    for name, rows in CRITERIA.items():
        instrument = instruments[name]
        for order, (article, item, text) in enumerate(rows, 1):
            criteria[(name, order)], _ = Criterion.objects.get_or_create(
                instrument=instrument,
                article=article,
                item=item,
                defaults={"text": text, "sort_order": order, "effective_from": instrument.effective_from},
            )
    for name, sector, sources in CHECKLISTS:
        checklist, created = Checklist.objects.get_or_create(name=name, defaults={"sector_code": sector})
        if not created:
            continue
        position = 0
        for source in sources:
            for order in range(1, len(CRITERIA[source]) + 1):
                criterion = criteria[(source, order)]
                position += 1
                ChecklistItem.objects.create(
                    checklist=checklist, order=position, text=criterion.text[:200], criterion=criterion
                )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_criteria_library")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
