"""The deterministic demo county: 崇义县 with its 16 real towns and townships, generated grids,
the 14 sector committees, organisations, grid duty lists, about 900 sites and one account per role.

`build_demo_county(seed=…)` writes it in one transaction with one audit record. Everything random
comes from one `random.Random(seed)` consumed in a fixed order, so the same seed gives the same
rows (only primary keys, timestamps and password salts differ). The township boundaries and grids
are generated (see `geo.py`); names of places, companies and people are invented. With
`activity=True` (`seed_demo`) it then adds a year of activity up to `today` (inspections, hazards
with their timelines, enforcement; see `activity.py`) in the same transaction.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.policies import PRIVILEGED_ROLES
from safegrid.accounts.roles import Role
from safegrid.core.audit import audit_record
from safegrid.orgs.choices import DEFAULT_DUTIES, GridDutyRole, OrganisationKind, RegionKind
from safegrid.orgs.models import GridDuty, Organisation, Region, Sector
from safegrid.orgs.services import region_build_path, validate_geometry
from safegrid.sites.choices import BusinessStatus, SiteCategory, SiteKind, SiteSize
from safegrid.sites.credit_code import CHARSET, check_character
from safegrid.sites.models import Site

from . import geo
from .twofactor import enrol_demo_device

DEFAULT_SEED = 2024

PROVINCE = ("360000", "江西省")
CITY = ("360700", "赣州市")
COUNTY = ("360725", "崇义县")

# The 16 towns (镇) and townships (乡) in the order of the county's own lists, each with an
# approximate seat (lon, lat) used as the seed of its generated boundary. 横水镇 is the county seat.
TOWNSHIPS: list[tuple[str, float, float]] = [
    ("横水镇", 114.310, 25.690),
    ("扬眉镇", 114.510, 25.685),
    ("过埠镇", 114.370, 25.575),
    ("铅厂镇", 114.320, 25.490),
    ("长龙镇", 114.430, 25.665),
    ("关田镇", 114.230, 25.585),
    ("龙勾乡", 114.585, 25.700),
    ("杰坝乡", 114.390, 25.800),
    ("金坑乡", 114.260, 25.835),
    ("思顺乡", 114.100, 25.600),
    ("麟潭乡", 114.170, 25.710),
    ("上堡乡", 114.030, 25.780),
    ("聂都乡", 113.980, 25.520),
    ("文英乡", 113.980, 25.660),
    ("乐洞乡", 114.140, 25.840),
    ("丰州乡", 114.100, 25.470),
]
SEAT = "横水镇"
PLANNING_AREA_GRIDS = 60
SEAT_RURAL_GRIDS = 3
RURAL_GRIDS_RANGE = (3, 6)


def township_codes() -> dict[str, str]:
    """GB/T 10114 pattern: towns 100, 101, …; townships 200, 201, … in list order."""
    codes: dict[str, str] = {}
    towns = townships = 0
    for name, _lon, _lat in TOWNSHIPS:
        if name.endswith("镇"):
            codes[name] = f"{COUNTY[0]}{100 + towns}"
            towns += 1
        else:
            codes[name] = f"{COUNTY[0]}{200 + townships}"
            townships += 1
    return codes


@dataclass(frozen=True)
class SectorSpec:
    code: str
    name: str
    lead: str
    members: str


# DOMAIN.md §3.2's typical 14, as configured for the demo county (forestry replaces the variable
# 14th committee: the county is mostly forest and timber is one of its main industries).
SECTORS: list[SectorSpec] = [
    SectorSpec(
        "road_traffic",
        "道路交通",
        "县公安局交警大队",
        "县交通运输局、县应急管理局、县教育体育局、县农业农村局",
    ),
    SectorSpec(
        "fire",
        "消防",
        "县消防救援大队",
        "县应急管理局、县住房和城乡建设局、县市场监督管理局、县卫生健康委员会",
    ),
    SectorSpec(
        "construction", "建筑施工", "县住房和城乡建设局", "县交通运输局、县水利局、县自然资源局、县城市管理局"
    ),
    SectorSpec(
        "gas", "城镇燃气", "县城市管理局", "县住房和城乡建设局、县市场监督管理局、县消防救援大队、县商务局"
    ),
    SectorSpec("mining", "矿山", "县应急管理局", "县自然资源局、县公安局、县生态环境局、县市场监督管理局"),
    SectorSpec(
        "hazchem",
        "危险化学品和烟花爆竹",
        "县应急管理局",
        "县公安局、县交通运输局、县市场监督管理局、县商务局",
    ),
    SectorSpec("industry_trade", "工贸", "县工业和信息化局", "县应急管理局、县商务局、县市场监督管理局"),
    SectorSpec(
        "special_equipment", "特种设备", "县市场监督管理局", "县住房和城乡建设局、县交通运输局、县教育体育局"
    ),
    SectorSpec("waterway", "水上交通和渔业船舶", "县交通运输局", "县农业农村局、县水利局、县公安局"),
    SectorSpec("water", "水利", "县水利局", "县发展和改革委员会、县自然资源局、县应急管理局"),
    SectorSpec("agriculture", "农业农村", "县农业农村局", "县林业局、县市场监督管理局、县公安局交警大队"),
    SectorSpec(
        "tourism",
        "文化旅游",
        "县文化广电新闻出版旅游局",
        "县市场监督管理局、县公安局、县交通运输局、县消防救援大队",
    ),
    SectorSpec(
        "education", "教育", "县教育体育局", "县公安局、县卫生健康委员会、县市场监督管理局、县消防救援大队"
    ),
    SectorSpec("forestry", "林业", "县林业局", "县应急管理局、县消防救援大队、县市场监督管理局"),
]

KIND_SECTOR: dict[str, str] = {
    SiteKind.MINE: "mining",
    SiteKind.TAILINGS_POND: "mining",
    SiteKind.HAZCHEM: "hazchem",
    SiteKind.FIREWORKS: "hazchem",
    SiteKind.GAS_STATION: "hazchem",
    SiteKind.HYDROPOWER: "water",
    SiteKind.FORESTRY: "forestry",
    SiteKind.FACTORY: "industry_trade",
    SiteKind.CONSTRUCTION: "construction",
    SiteKind.GAS: "gas",
    SiteKind.TRANSPORT: "road_traffic",
    SiteKind.FERRY: "waterway",
    SiteKind.SCHOOL: "education",
    SiteKind.HOSPITAL: "fire",
    SiteKind.MALL: "fire",
    SiteKind.HOTEL: "fire",
    SiteKind.TOURISM: "tourism",
    SiteKind.FARM: "agriculture",
    SiteKind.OTHER: "special_equipment",
}

# Always key sites (重点场所) whatever the draw.
ALWAYS_KEY = frozenset({SiteKind.MINE, SiteKind.TAILINGS_POND, SiteKind.HAZCHEM})

# Mining areas, the western mountains (hydropower, timber) and the eastern basin (navel oranges).
_MINING = {"铅厂镇": 3, "过埠镇": 3, "关田镇": 2, "聂都乡": 2, "横水镇": 2, "扬眉镇": 2, "长龙镇": 1.5}
_MOUNTAIN = {"上堡乡": 2, "聂都乡": 2, "文英乡": 2, "思顺乡": 1.5, "乐洞乡": 2, "金坑乡": 1.5, "杰坝乡": 1.5}
_FARMING = {"扬眉镇": 2.5, "长龙镇": 2, "龙勾乡": 1.5, "过埠镇": 1.5, "上堡乡": 1.5}


@dataclass(frozen=True)
class KindSpec:
    kind: str
    count: int
    category: str
    urban_share: float  # share placed in the seat's planning-area grids
    key_share: float
    employees: tuple[int, int]
    names: tuple[str, ...]  # rural templates (and urban ones when `urban_names` is empty)
    urban_names: tuple[str, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)  # township weights for rural placement
    other_weight: float = 1.0  # weight of the townships not in `weights`
    fixed: tuple[tuple[str, str], ...] = ()  # (name, township) placed first


# Placeholders: {place} a village (rural) or neighbourhood (urban) name, {brand} a trade name,
# {town} the township, {town_short} the township without 镇/乡, {road} a street of the county seat.
KINDS: list[KindSpec] = [
    KindSpec(
        SiteKind.MINE,
        count=46,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.0,
        key_share=1.0,
        employees=(30, 1500),
        names=(
            "崇义县{place}钨业有限公司",
            "崇义县{place}钨矿有限公司",
            "江西{brand}矿业有限公司{place}钨矿",
            "崇义县{place}钨锡矿业有限公司",
            "崇义县{place}萤石矿业有限公司",
            "崇义县{place}建筑石料有限公司",
            "赣州{brand}矿业有限公司崇义{place}分公司",
        ),
        weights=_MINING,
        other_weight=0.4,
    ),
    KindSpec(
        SiteKind.TAILINGS_POND,
        count=20,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.0,
        key_share=1.0,
        employees=(4, 30),
        names=("崇义县{brand}矿业有限公司{place}尾矿库", "江西{brand}钨业有限公司{place}尾矿库"),
        weights=_MINING,
        other_weight=0.4,
    ),
    KindSpec(
        SiteKind.HAZCHEM,
        count=10,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.2,
        key_share=1.0,
        employees=(8, 150),
        names=(
            "崇义县{brand}化工有限公司",
            "崇义县{brand}工业气体有限公司",
            "崇义县{brand}石油化工有限公司",
            "崇义县{brand}化学试剂经营部",
            "崇义县{brand}氟化工有限公司",
        ),
    ),
    KindSpec(
        SiteKind.FIREWORKS,
        count=30,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.5,
        key_share=0.1,
        employees=(1, 8),
        names=("崇义县{town_short}{brand}烟花爆竹经营部", "崇义县{place}烟花爆竹零售店"),
        urban_names=("崇义县{brand}烟花爆竹批发有限公司", "崇义县{brand}烟花爆竹经营部"),
    ),
    KindSpec(
        SiteKind.GAS_STATION,
        count=22,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.3,
        key_share=0.25,
        employees=(4, 16),
        names=("崇义县{place}加油站", "崇义县{town_short}{brand}加油站有限公司", "崇义县{place}加油加气站"),
        urban_names=("崇义县{road}加油站", "崇义县{brand}加油站有限公司", "崇义县城{place}加油加气站"),
    ),
    KindSpec(
        SiteKind.GAS,
        count=8,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.75,
        key_share=0.5,
        employees=(10, 120),
        names=("崇义县{town_short}液化石油气供应站",),
        urban_names=("崇义县{brand}燃气有限公司", "崇义县{brand}液化气站", "崇义县{brand}天然气有限公司"),
    ),
    KindSpec(
        SiteKind.HYDROPOWER,
        count=115,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.0,
        key_share=0.05,
        employees=(2, 16),
        names=(
            "崇义县{place}水电站",
            "崇义县{place}一级水电站",
            "崇义县{place}二级水电站",
            "崇义县{place}水电有限公司",
        ),
        weights=_MOUNTAIN,
    ),
    KindSpec(
        SiteKind.FORESTRY,
        count=100,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.0,
        key_share=0.04,
        employees=(5, 220),
        names=(
            "崇义县{place}木业有限公司",
            "崇义县{brand}竹木制品有限公司",
            "崇义县{brand}竹业有限公司",
            "崇义县{place}木材加工厂",
            "崇义县{brand}林产品有限公司",
            "崇义县{brand}板业有限公司",
        ),
        weights=_MOUNTAIN,
    ),
    KindSpec(
        SiteKind.FACTORY,
        count=110,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.5,
        key_share=0.06,
        employees=(10, 900),
        names=(
            "崇义县{brand}机械制造有限公司",
            "崇义县{brand}食品有限公司",
            "崇义县{brand}南酸枣食品有限公司",
            "崇义县{brand}建材有限公司",
            "崇义县{brand}水泥制品有限公司",
            "崇义县{brand}酒业有限公司",
            "崇义县{brand}茶叶加工有限公司",
        ),
        urban_names=(
            "崇义县{brand}机械制造有限公司",
            "崇义县{brand}电子科技有限公司",
            "崇义县{brand}新材料有限公司",
            "崇义县{brand}硬质合金有限公司",
            "崇义县{brand}粉末冶金有限公司",
            "崇义县{brand}纺织有限公司",
            "崇义县{brand}包装有限公司",
            "崇义县{brand}塑胶制品有限公司",
            "崇义县{brand}服饰有限公司",
        ),
    ),
    KindSpec(
        SiteKind.CONSTRUCTION,
        count=60,
        category=SiteCategory.PROJECT,
        urban_share=0.6,
        key_share=0.1,
        employees=(20, 400),
        names=(
            "崇义县{town_short}{place}中心小学教学楼建设工程",
            "崇义县{place}大桥新建工程",
            "崇义县{town}农村公路提升改造工程（{place}段）",
            "崇义县{place}河道综合治理工程",
            "崇义县{town}{place}安置点建设项目",
        ),
        urban_names=(
            "崇义县{place}安置小区建设项目",
            "{brand}·{place}苑住宅小区项目",
            "崇义县城{place}污水管网改造工程",
            "崇义县工业园{place}标准厂房建设项目",
            "崇义县{place}棚户区改造项目",
            "崇义县{road}改造提升工程",
        ),
    ),
    KindSpec(
        SiteKind.TRANSPORT,
        count=20,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.7,
        key_share=0.2,
        employees=(15, 300),
        names=("崇义县{town_short}{brand}运输有限公司",),
        urban_names=(
            "崇义县{brand}运输有限公司",
            "崇义县{brand}物流有限公司",
            "崇义县{brand}汽车运输有限公司",
            "崇义县{brand}客运有限公司",
            "崇义县{brand}危险货物运输有限公司",
        ),
    ),
    KindSpec(
        SiteKind.SCHOOL,
        count=70,
        category=SiteCategory.VENUE,
        urban_share=0.6,
        key_share=0.1,
        employees=(20, 260),
        names=(
            "崇义县{town}中心小学",
            "崇义县{town_short}中学",
            "崇义县{town}中心幼儿园",
            "崇义县{town_short}{place}小学",
        ),
        urban_names=(
            "崇义县{place}小学",
            "崇义县{place}中学",
            "崇义县{brand}幼儿园",
            "崇义县{place}幼儿园",
            "崇义县阳明小学",
            "崇义中学",
            "崇义县职业中等专业学校",
        ),
    ),
    KindSpec(
        SiteKind.HOSPITAL,
        count=25,
        category=SiteCategory.VENUE,
        urban_share=0.6,
        key_share=0.2,
        employees=(15, 600),
        names=("崇义县{town}卫生院", "崇义县{town_short}{place}村卫生室"),
        urban_names=(
            "崇义县人民医院",
            "崇义县中医院",
            "崇义县妇幼保健院",
            "崇义{brand}医院",
            "崇义县{place}社区卫生服务中心",
            "崇义{brand}口腔医院",
        ),
    ),
    KindSpec(
        SiteKind.MALL,
        count=45,
        category=SiteCategory.VENUE,
        urban_share=0.75,
        key_share=0.1,
        employees=(5, 160),
        names=("崇义县{town_short}农贸市场", "崇义县{town_short}{brand}超市"),
        urban_names=(
            "崇义{brand}购物广场",
            "崇义县{brand}超市",
            "{brand}生活超市（{road}店）",
            "崇义县{place}农贸市场",
            "崇义{brand}商贸城",
        ),
    ),
    KindSpec(
        SiteKind.HOTEL,
        count=60,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.7,
        key_share=0.05,
        employees=(5, 120),
        names=("崇义县{town_short}{brand}宾馆", "崇义县{place}{brand}农家乐", "崇义县{place}民宿"),
        urban_names=("崇义{brand}大酒店", "崇义县{brand}宾馆", "崇义{brand}酒店", "崇义{brand}商务酒店"),
    ),
    KindSpec(
        SiteKind.TOURISM,
        count=15,
        category=SiteCategory.VENUE,
        urban_share=0.0,
        key_share=0.3,
        employees=(10, 200),
        names=(
            "崇义{place}漂流",
            "崇义县{place}生态旅游区",
            "崇义县{place}森林康养基地",
            "崇义县{place}古村景区",
            "崇义县{town_short}{place}风景区",
        ),
        fixed=(("阳岭国家森林公园", "横水镇"), ("上堡客家梯田景区", "上堡乡"), ("君子谷野果世界", "思顺乡")),
    ),
    KindSpec(
        SiteKind.FARM,
        count=100,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.0,
        key_share=0.02,
        employees=(3, 80),
        names=(
            "崇义县{brand}生态农业有限公司",
            "崇义县{brand}茶业有限公司",
            "崇义县{brand}果业有限公司",
            "崇义县{place}养殖有限公司",
            "崇义县{brand}农业开发有限公司",
            "崇义县{place}刺葡萄种植有限公司",
            "崇义县{brand}农机服务有限公司",
        ),
        weights=_FARMING,
    ),
    KindSpec(
        SiteKind.FERRY,
        count=8,
        category=SiteCategory.VENUE,
        urban_share=0.0,
        key_share=0.25,
        employees=(1, 12),
        names=("{place}渡口", "{place}库区码头", "{place}水库游船码头"),
        weights=_MOUNTAIN,
    ),
    KindSpec(
        SiteKind.OTHER,
        count=36,
        category=SiteCategory.ENTERPRISE,
        urban_share=0.6,
        key_share=0.05,
        employees=(3, 60),
        names=("崇义县{town_short}{brand}气瓶充装有限公司", "崇义县{brand}起重设备安装有限公司"),
        urban_names=(
            "崇义县{brand}物业服务有限公司",
            "崇义县{brand}电梯工程有限公司",
            "崇义县{brand}气瓶充装有限公司",
            "崇义县{brand}锅炉安装有限公司",
            "崇义县{brand}机动车检测有限公司",
        ),
    ),
]

SURNAMES = (
    "刘刘刘黄黄黄钟钟陈陈陈李李王王张张罗罗曾曾赖赖谢谢郭朱朱肖肖邱廖何吴杨林胡叶蔡温彭邓徐郑周孙袁卢严"
    "凌宋邹蓝古练巫"
)
GIVEN = "志建国华明文军平海英红丽芳秀兰永春金玉庆宏伟东林涛斌勇俊杰辉亮峰强敏静燕霞桂荣福生有德才远新清"
PLACE_FIRST = "石茶新上下大小长龙金竹杉松黄白青高东西南北中梅桃枫樟凤鹤云丰和兴安富宝狮马古沙杨塘湖河溪营碧"
PLACE_SECOND = "坑坪岭塘坳窝田溪湖山口坝排背洞陂圳岗场里源江潭埠桥冈寨丘垄水"
BRAND = "鑫源恒达宏远天宝金盛汇丰华兴隆昌泰安顺通荣发瑞祥嘉德信和宇正众新永福康旺佳利"
# fmt: off
URBAN_PLACES = (
    "阳明", "文峰", "城南", "城北", "新城", "沿江", "金钟", "茶滩", "东门", "西门", "南门",
    "北门", "上江", "下江", "龙归", "桥头", "石罗", "长潭", "龙潭", "横江", "凤凰", "紫阳",
)
ROADS = (
    "阳明路", "崇义大道", "横水大道", "文峰路", "城南大道", "建设路", "人民路",
    "解放路", "环城路", "新城大道", "沿江路", "工业园大道", "金钟路", "紫阳路",
)
MOBILE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "187",
    "188", "198", "130", "131", "132", "155", "156", "186", "133", "153", "180", "189", "177",
)
# fmt: on


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    region: str  # "county", a township name, "grid:<township>:<index>" or "site" (enterprise)
    sectors: tuple[str, ...] = ()
    organisation: str = ""  # key into the builder's organisation index


DEMO_USERS: list[DemoUser] = [
    DemoUser("leader", Role.COUNTY_LEADER, "钟志明", "county", organisation="committee"),
    DemoUser("office", Role.COUNTY_OFFICE, "刘芳", "county", organisation="office"),
    DemoUser("sector_mining", Role.SECTOR_OFFICER, "黄建国", "county", ("mining",), "dept:县应急管理局"),
    DemoUser("sector_fire", Role.SECTOR_OFFICER, "赖永强", "county", ("fire",), "dept:县消防救援大队"),
    DemoUser("township_hengshui", Role.TOWNSHIP_OFFICER, "陈丽华", "横水镇", organisation="township:横水镇"),
    DemoUser("township_yangmei", Role.TOWNSHIP_OFFICER, "罗文斌", "扬眉镇", organisation="township:扬眉镇"),
    DemoUser("grid_hengshui", Role.GRID_WORKER, "朱小燕", "grid:横水镇:0", organisation="grid:横水镇:0"),
    DemoUser("grid_yangmei", Role.GRID_WORKER, "谢海涛", "grid:扬眉镇:0", organisation="grid:扬眉镇:0"),
    DemoUser("enterprise", Role.ENTERPRISE_MANAGER, "郭卫东", "site"),
    DemoUser("expert", Role.EXPERT, "肖振华", "county", organisation="expert"),
    DemoUser("sysadmin", Role.SYSTEM_ADMIN, "曾宇航", "county", organisation="office"),
    DemoUser("secadmin", Role.SECURITY_ADMIN, "邱敏", "county", organisation="office"),
    DemoUser("auditor", Role.AUDIT_ADMIN, "何静", "county", organisation="office"),
]
DEMO_USERNAMES = tuple(u.username for u in DEMO_USERS)


def _size_for(employees: int) -> str:
    """Enterprise size by headcount (工业企业划型: 大型 ≥1000, 中型 ≥300, 小型 ≥20)."""
    if employees >= 1000:
        return SiteSize.LARGE
    if employees >= 300:
        return SiteSize.MEDIUM
    if employees >= 20:
        return SiteSize.SMALL
    return SiteSize.MICRO


def _clean(obj: models.Model) -> None:
    """Field validation (choices, lengths, validators such as the credit-code check) without the
    per-row queries of foreign-key, uniqueness and constraint checks: the builder guarantees
    those and the database enforces them."""
    relations = [f.name for f in obj._meta.fields if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


class _Names:
    """Deterministic invented names (people, places, brands, phones, credit codes)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.places: set[str] = set()
        self.credit_codes: set[str] = set()

    def person(self) -> str:
        given_length = 2 if self.rng.random() < 0.7 else 1
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(given_length))

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def landline(self) -> str:
        return f"0797-38{self.rng.randrange(10**5):05d}"

    def place(self) -> str:
        """A new two-character place name, unique in the county."""
        while True:
            name = self.rng.choice(PLACE_FIRST) + self.rng.choice(PLACE_SECOND)
            if name not in self.places and name not in URBAN_PLACES:
                self.places.add(name)
                return name

    def brand(self) -> str:
        first = self.rng.choice(BRAND)
        second = self.rng.choice(BRAND.replace(first, ""))
        return first + second

    def credit_code(self) -> str:
        """A unified social credit code registered in the county: 9 (市场监管) 1 (企业), the
        division code, a 9-character organisation code and the GB 32100 check character."""
        while True:
            body = "91" + COUNTY[0] + "".join(self.rng.choice(CHARSET) for _ in range(9))
            code = body + check_character(body)
            if code not in self.credit_codes:
                self.credit_codes.add(code)
                return code


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


class _Builder:
    def __init__(self, *, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.names = _Names(self.rng)
        self.codes = township_codes()
        self.orgs: dict[str, Organisation] = {}
        self.sectors: dict[str, Sector] = {}
        self.townships: dict[str, Region] = {}
        self.grids: dict[str, list[Region]] = {}
        self.grid_shapes: dict[int, Any] = {}  # grid pk -> (stored geometry, sampling geometry)
        self.villages: dict[str, list[str]] = {}
        self.sites: list[Site] = []
        self.site_names: set[str] = set()
        self.users: list[tuple[DemoUser, User, Region]] = []

    # --- regions ----------------------------------------------------------------------------------

    def _region(
        self,
        *,
        parent: Region | None,
        code: str,
        name: str,
        kind: int,
        geometry: dict | None = None,
        planning_area: bool = False,
        sort_order: int = 0,
    ) -> Region:
        lon = lat = None
        if geometry is not None:
            geometry = validate_geometry(geometry)
            lon, lat = geo.center_of(geometry)
        region = Region(
            parent=parent,
            code=code,
            name=name,
            kind=kind,
            path=region_build_path(parent=parent, code=code),
            depth=1 if parent is None else parent.depth + 1,
            geometry=geometry,
            center_lon=lon,
            center_lat=lat,
            planning_area=planning_area,
            sort_order=sort_order,
        )
        _clean(region)
        return region

    def build_regions(self) -> None:
        rural_counts = [
            SEAT_RURAL_GRIDS if name == SEAT else self.rng.randint(*RURAL_GRIDS_RANGE)
            for name, _lon, _lat in TOWNSHIPS
        ]
        layout = geo.layout_county(
            rng=self.rng,
            anchors=[(lon, lat) for _name, lon, lat in TOWNSHIPS],
            rural_grid_counts=rural_counts,
            seat_index=[name for name, _lon, _lat in TOWNSHIPS].index(SEAT),
            planning_grids=PLANNING_AREA_GRIDS,
        )
        province = self._region(parent=None, code=PROVINCE[0], name=PROVINCE[1], kind=RegionKind.PROVINCE)
        province.save()
        city = self._region(parent=province, code=CITY[0], name=CITY[1], kind=RegionKind.CITY)
        city.save()
        self.county = self._region(
            parent=city, code=COUNTY[0], name=COUNTY[1], kind=RegionKind.COUNTY, geometry=layout.geometry
        )
        self.county.save()
        townships = [
            self._region(
                parent=self.county,
                code=self.codes[name],
                name=name,
                kind=RegionKind.TOWNSHIP,
                geometry=cell.geometry,
                sort_order=index + 1,
            )
            for index, ((name, _lon, _lat), cell) in enumerate(zip(TOWNSHIPS, layout.townships, strict=True))
        ]
        Region.objects.bulk_create(townships)
        grids: list[Region] = []
        for township, cell in zip(townships, layout.townships, strict=True):
            self.townships[township.name] = township
            self.grids[township.name] = []
            planning_seq = rural_seq = 0
            for index, grid_shape in enumerate(cell.grids):
                if grid_shape.planning_area:
                    planning_seq += 1
                    name = f"城区第{planning_seq:02d}网格"
                else:
                    rural_seq += 1
                    name = f"{township.name}第{rural_seq:02d}网格"
                grid = self._region(
                    parent=township,
                    code=f"{township.code}{index + 1:03d}",
                    name=name,
                    kind=RegionKind.GRID,
                    geometry=grid_shape.geometry,
                    planning_area=grid_shape.planning_area,
                    sort_order=index + 1,
                )
                grids.append(grid)
                self.grids[township.name].append(grid)
        Region.objects.bulk_create(grids)
        for grid in grids:
            stored = geo.from_geojson(grid.geometry)
            self.grid_shapes[grid.pk] = (stored, geo.inset(stored, 0.001))
        for name, _lon, _lat in TOWNSHIPS:
            self.villages[name] = [self.names.place() for _ in range(self.rng.randint(8, 12))]

    # --- sectors and organisations ----------------------------------------------------------------

    def _org(self, key: str, **fields: Any) -> Organisation:
        region = fields["region"]
        org = Organisation(region_path=region.path, **fields)
        _clean(org)
        self.orgs[key] = org
        return org

    def build_organisations(self) -> None:
        county = self.county
        committee = self._org(
            "committee",
            name="崇义县安全生产委员会",
            short_name="县安委会",
            kind=OrganisationKind.COUNTY_COMMITTEE,
            region=county,
            contact_phone=self.names.landline(),
        )
        committee.save()
        office = self._org(
            "office",
            name="崇义县安全生产委员会办公室",
            short_name="县安委办",
            kind=OrganisationKind.COUNTY_OFFICE,
            region=county,
            parent=committee,
            contact_name=self.names.person(),
            contact_phone=self.names.landline(),
            address="崇义县横水镇阳明路8号",
        )
        office.save()
        expert = self._org(
            "expert",
            name="崇义县安全生产专家组",
            short_name="县安全专家组",
            kind=OrganisationKind.EXPERT_BODY,
            region=county,
            parent=office,
            contact_name=self.names.person(),
            contact_phone=self.names.mobile(),
        )
        expert.save()
        leads = list(dict.fromkeys(spec.lead for spec in SECTORS))
        departments = [
            self._org(
                f"dept:{lead}",
                name=f"崇义{lead}",
                short_name=lead,
                kind=OrganisationKind.DEPARTMENT,
                region=county,
                contact_name=self.names.person(),
                contact_phone=self.names.landline(),
            )
            for lead in leads
        ]
        Organisation.objects.bulk_create(departments)
        sectors = []
        for index, spec in enumerate(SECTORS):
            sector = Sector(
                region=county,
                region_path=county.path,
                code=spec.code,
                name=spec.name,
                committee_name=f"崇义县{spec.name}安全生产委员会",
                lead_department=self.orgs[f"dept:{spec.lead}"],
                member_departments=spec.members,
                meetings_per_year=4,
                sort_order=index + 1,
            )
            _clean(sector)
            sectors.append(sector)
            self.sectors[spec.code] = sector
        Sector.objects.bulk_create(sectors)
        Organisation.objects.bulk_create(
            [
                self._org(
                    f"sector:{sector.code}",
                    name=sector.committee_name,
                    short_name=f"{sector.name}安委会"[:30],
                    kind=OrganisationKind.SECTOR_COMMITTEE,
                    region=county,
                    sector=sector,
                    parent=committee,
                    contact_name=self.names.person(),
                    contact_phone=self.names.landline(),
                )
                for sector in sectors
            ]
        )
        officers = {u.region: u.display_name for u in DEMO_USERS if u.role == Role.TOWNSHIP_OFFICER}
        Organisation.objects.bulk_create(
            [
                self._org(
                    f"township:{name}",
                    name=f"崇义县{name}人民政府",
                    short_name=f"{name}人民政府",
                    kind=OrganisationKind.TOWNSHIP_GOVERNMENT,
                    region=township,
                    contact_name=officers.get(name) or self.names.person(),
                    contact_phone=self.names.landline(),
                    address=f"崇义县{name}{self.villages[name][0]}村"
                    if name != SEAT
                    else "崇义县横水镇崇义大道16号",
                )
                for name, township in self.townships.items()
            ]
        )

    def build_grids(self) -> None:
        """A work station (网格工作站) and three duty lists per grid."""
        departments = [org for key, org in self.orgs.items() if key.startswith("dept:")]
        workers = {u.region: u.display_name for u in DEMO_USERS if u.role == Role.GRID_WORKER}
        units: list[Organisation] = []
        duties: list[GridDuty] = []
        for township_name, grids in self.grids.items():
            government = self.orgs[f"township:{township_name}"]
            for index, grid in enumerate(grids):
                people = {
                    GridDutyRole.GRID_CHIEF: self.names.person(),
                    GridDutyRole.GRID_WORKER: workers.get(f"grid:{township_name}:{index}")
                    or self.names.person(),
                    GridDutyRole.GRID_INSTRUCTOR: self.names.person(),
                }
                unit = self._org(
                    f"grid:{township_name}:{index}",
                    name=f"{grid.name}工作站",
                    kind=OrganisationKind.GRID_UNIT,
                    region=grid,
                    parent=government,
                    contact_name=people[GridDutyRole.GRID_WORKER],
                    contact_phone=self.names.mobile(),
                )
                units.append(unit)
                instructor_org = self.rng.choice(departments)
                for role in (GridDutyRole.GRID_CHIEF, GridDutyRole.GRID_WORKER, GridDutyRole.GRID_INSTRUCTOR):
                    texts, interval = DEFAULT_DUTIES[role]
                    organisation = {
                        GridDutyRole.GRID_CHIEF: government,
                        GridDutyRole.GRID_WORKER: unit,
                        GridDutyRole.GRID_INSTRUCTOR: instructor_org,
                    }[role]
                    duties.append(
                        GridDuty(
                            grid=grid,
                            region_path=grid.path,
                            role=role,
                            person_name=people[role],
                            organisation=organisation,
                            duties=list(texts),
                            inspection_interval_days=interval,
                        )
                    )
        Organisation.objects.bulk_create(units)
        for duty in duties:
            _clean(duty)
        GridDuty.objects.bulk_create(duties)
        self.duty_count = len(duties)

    # --- sites ------------------------------------------------------------------------------------

    def _pick_grid(self, spec: KindSpec, township: str | None) -> tuple[str, Region]:
        if township is None and self.rng.random() < spec.urban_share:
            planning = [g for g in self.grids[SEAT] if g.planning_area]
            return SEAT, self.rng.choice(planning)
        if township is None:
            names = [name for name, _lon, _lat in TOWNSHIPS]
            weights = [spec.weights.get(n, spec.other_weight) for n in names]
            township = self.rng.choices(names, weights=weights)[0]
        rural = [g for g in self.grids[township] if not g.planning_area]
        return township, self.rng.choice(rural)

    def _identity(
        self, spec: KindSpec, township: str, urban: bool, fixed_name: str | None
    ) -> tuple[str, str]:
        """A new name for the site and its address (the same village or street as in the name)."""
        templates = spec.urban_names if urban and spec.urban_names else spec.names
        for _ in range(200):
            template = self.rng.choice(templates)
            place = self.rng.choice(URBAN_PLACES) if urban else self.rng.choice(self.villages[township])
            road = self.rng.choice(ROADS)
            name = fixed_name or template.format(
                place=place, brand=self.names.brand(), town=township, town_short=township[:-1], road=road
            )
            if name not in self.site_names:
                self.site_names.add(name)
                if urban:
                    return name, f"崇义县{SEAT}{road}{self.rng.randint(1, 399)}号"
                return name, f"崇义县{township}{place}村{self.rng.randint(1, 12)}组"
        raise RuntimeError(f"could not invent a new name for {spec.kind}")

    def build_sites(self) -> None:
        for spec in KINDS:
            sector = self.sectors[KIND_SECTOR[spec.kind]]
            for index in range(spec.count):
                fixed_name, fixed_township = spec.fixed[index] if index < len(spec.fixed) else (None, None)
                if spec.kind == SiteKind.MINE and index == 0:
                    fixed_township = SEAT  # the enterprise account's mine, inside 横水镇's rural grids
                township, grid = self._pick_grid(spec, fixed_township)
                name, address = self._identity(spec, township, grid.planning_area, fixed_name)
                stored, sample_from = self.grid_shapes[grid.pk]
                point = geo.random_point_in(stored, self.rng, sample_from=sample_from)
                low, high = spec.employees
                employees = int(math.exp(self.rng.uniform(math.log(low), math.log(high + 1))))
                draw = self.rng.random()
                status = BusinessStatus.OPERATING
                if spec.category == SiteCategory.ENTERPRISE and draw < 0.05:
                    status = BusinessStatus.SUSPENDED if draw < 0.04 else BusinessStatus.CLOSED
                site = Site(
                    name=name,
                    category=spec.category,
                    kind=spec.kind,
                    credit_code=self.names.credit_code()
                    if spec.category == SiteCategory.ENTERPRISE
                    else None,
                    sector=sector,
                    grid=grid,
                    region_path=grid.path,
                    address=address,
                    longitude=_decimal(point.x),
                    latitude=_decimal(point.y),
                    is_key=spec.kind in ALWAYS_KEY or self.rng.random() < spec.key_share,
                    size=_size_for(employees),
                    employees=employees,
                    legal_representative=self.names.person(),
                    safety_contact=self.names.person(),
                    contact_phone=self.names.mobile(),
                    business_status=status,
                )
                _clean(site)
                self.sites.append(site)
        Site.objects.bulk_create(self.sites, batch_size=500)

    # --- accounts ---------------------------------------------------------------------------------

    def _enterprise_site(self) -> Site:
        """The first mining enterprise in the seat's rural grids (the build puts one there)."""
        mining = self.sectors["mining"]
        candidates = [
            s for s in self.sites if s.sector_id == mining.pk and s.category == SiteCategory.ENTERPRISE
        ]
        in_seat = [
            s for s in candidates if s.grid.parent_id == self.townships[SEAT].pk and not s.grid.planning_area
        ]
        return (in_seat or candidates)[0]

    def build_users(self) -> None:
        # Hashed once: PBKDF2 is slow on purpose, and the demo accounts share one demo password.
        password_hash = make_password(settings.SAFEGRID_DEMO_PASSWORD)
        for spec in DEMO_USERS:
            site = None
            if spec.region == "county":
                region = self.county
            elif spec.region == "site":
                site = self._enterprise_site()
                region = site.grid
            elif spec.region.startswith("grid:"):
                _prefix, township, index = spec.region.split(":")
                region = self.grids[township][int(index)]
            else:
                region = self.townships[spec.region]
            user = User.objects.create(
                username=spec.username,
                password=password_hash,
                display_name=spec.display_name,
                phone=self.names.mobile(),
                organisation=self.orgs.get(spec.organisation),
            )
            assignment = RoleAssignment.objects.create(
                user=user, role=spec.role, region=region, region_path=region.path, site=site
            )
            if spec.sectors:
                assignment.sectors.set([self.sectors[code] for code in spec.sectors])
            if spec.role in PRIVILEGED_ROLES:
                enrol_demo_device(user)  # the published demo TOTP secret (safegrid/demo/twofactor.py)
            self.users.append((spec, user, region))

    # --- the whole county -------------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        self.build_regions()
        self.build_organisations()
        self.build_grids()
        self.build_sites()
        self.build_users()
        by_sector = Counter(site.sector.code for site in self.sites)
        all_grids = [g for grids in self.grids.values() for g in grids]
        return {
            "seed": self.seed,
            "regions": 3 + len(self.townships) + len(all_grids),
            "townships": len(self.townships),
            "grids": len(all_grids),
            "planning_area_grids": sum(1 for g in all_grids if g.planning_area),
            "sectors": len(self.sectors),
            "organisations": len(self.orgs),
            "grid_duties": self.duty_count,
            "sites": len(self.sites),
            "key_sites": sum(1 for s in self.sites if s.is_key),
            "sites_by_sector": {spec.code: by_sector.get(spec.code, 0) for spec in SECTORS},
            "users": len(self.users),
            "role_assignments": len(self.users),
        }


def build_demo_county(
    *,
    seed: int = DEFAULT_SEED,
    stdout: TextIO | None = None,
    today: datetime.date | None = None,
    activity: bool = False,
) -> dict[str, Any]:
    """Write the demo county into an empty database and return its counts.

    One transaction and one audit record (`demo.seed`, no actor). Precondition: no regions and no
    demo accounts exist (the `seed_demo` command checks and, with --force, calls
    `wipe_demo_county` first); otherwise the unique constraints fail and nothing is written.
    With `activity` (as `seed_demo` does) the year before `today` (default: today) is added too.
    """
    builder = _Builder(seed=seed)
    with transaction.atomic():
        counts = builder.build()
        if activity:
            from .activity import build_demo_activity

            counts["activity"] = build_demo_activity(seed=seed, today=today)
            from .risks import build_demo_risks

            counts["risks"] = build_demo_risks(seed=seed, today=today)
            from .people import build_demo_people
            from .publicity import build_demo_publicity

            counts["people"] = build_demo_people(seed=seed, today=today)
            counts["publicity"] = build_demo_publicity(seed=seed, today=today)  # None: app not ready
            from .support import build_demo_support

            counts["support"] = build_demo_support(seed=seed, today=today)  # None: app not ready
            from .emergency import build_demo_emergency

            counts["emergency"] = build_demo_emergency(seed=seed, today=today)  # None: app not ready
            from .dispatch import build_demo_dispatch

            counts["dispatch"] = build_demo_dispatch(seed=seed, today=today)  # None: app not ready
        audit_record(actor=None, action="demo.seed", object_repr=COUNTY[1], changes=counts)
    if stdout is not None:
        _print_summary(stdout, counts, builder)
    return counts


def _print_summary(out: TextIO, counts: dict[str, Any], builder: _Builder) -> None:
    names = {spec.code: spec.name for spec in SECTORS}
    by_sector = "，".join(f"{names[code]} {n}" for code, n in counts["sites_by_sector"].items())
    lines = [
        f"已生成演示县“{COUNTY[1]}”（随机种子 {counts['seed']}）：",
        f"  区划 {counts['regions']} 个：乡镇 {counts['townships']} 个，网格 {counts['grids']} 个"
        f"（其中县城规划区网格 {counts['planning_area_grids']} 个）",
        f"  行业领域 {counts['sectors']} 个，组织机构 {counts['organisations']} 个，"
        f"网格职责 {counts['grid_duties']} 条",
        f"  场所 {counts['sites']} 个（重点场所 {counts['key_sites']} 个）：{by_sector}",
        f"  演示账号 {counts['users']} 个（初始密码为配置项 SAFEGRID_DEMO_PASSWORD 的值）：",
    ]
    for spec, user, region in builder.users:
        lines.append(f"    {spec.username:<18} {Role(spec.role).label}（{region.name}） {user.display_name}")
    if "activity" in counts:
        from .activity import summary_lines

        lines.extend(summary_lines(counts["activity"]))
    if "risks" in counts:
        risks = counts["risks"]["by_level"]
        lines.append(
            f"  风险点 {counts['risks']['risk_points']} 个：重大 {risks['major']}，"
            f"较大 {risks['significant']}，一般 {risks['general']}，低 {risks['low']}"
        )
    if "people" in counts:
        from . import people, publicity

        lines.extend(people.summary_lines(counts["people"]))
        lines.extend(publicity.summary_lines(counts["publicity"]))
    if "support" in counts:
        from . import support

        lines.extend(support.summary_lines(counts["support"]))
    if "emergency" in counts:
        from . import emergency

        lines.extend(emergency.summary_lines(counts["emergency"]))
    if "dispatch" in counts:
        from . import dispatch

        lines.extend(dispatch.summary_lines(counts["dispatch"]))
    out.write("\n".join(lines) + "\n")


def demo_database_is_empty() -> bool:
    """No region and no demo account yet: the demo can be built."""
    return not Region.objects.exists() and not User.objects.filter(username__in=DEMO_USERNAMES).exists()


@transaction.atomic
def wipe_demo_county() -> None:
    """Delete what the demo builds, dependants first: publicity, people (teams, trainings,
    certificates …), the year of activity (enforcement, hazards and their timelines, inspections —
    see `activity.wipe_demo_activity`), risk points, every role assignment, the
    demo accounts, sites, grid duties, organisations, sectors and regions (deepest first). Audit
    records stay.

    Raises ProtectedError when other records (an audit entry by a demo account …) still point at
    them; the transaction then leaves everything as it was.
    """
    from .activity import wipe_demo_activity
    from .people import wipe_demo_people
    from .publicity import wipe_demo_publicity
    from .risks import wipe_demo_risks

    # (dispatch, emergency and support refer to hazards: wipe_demo_activity removes them first)
    wipe_demo_publicity()
    wipe_demo_people()
    wipe_demo_activity()
    wipe_demo_risks()
    RoleAssignment.objects.all().delete()
    User.objects.filter(username__in=DEMO_USERNAMES).delete()
    Site.objects.all().delete()
    GridDuty.objects.all().delete()
    Sector.objects.update(lead_department=None)
    Organisation.objects.update(parent=None)
    Organisation.objects.all().delete()
    Sector.objects.all().delete()
    depths = sorted(set(Region.objects.values_list("depth", flat=True)), reverse=True)
    for depth in depths:
        Region.objects.filter(depth=depth).delete()
