"""The demo county: deterministic, geographically consistent, complete for every role.

The county is built once per module inside an outer transaction that is rolled back at the end
(as Django's TestCase does per class); each test runs in a savepoint on top of it, so tests that
wipe and rebuild leave the module's county intact for the next test.
"""

from __future__ import annotations

import hashlib
import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.roles import Role
from safegrid.core.models import AuditEntry
from safegrid.demo.county import (
    DEMO_USERNAMES,
    KIND_SECTOR,
    KINDS,
    SECTORS,
    build_demo_county,
    wipe_demo_county,
)
from safegrid.demo.geo import load_outline
from safegrid.orgs.choices import GridDutyRole, OrganisationKind, RegionKind
from safegrid.orgs.models import GridDuty, Organisation, Region, Sector
from safegrid.orgs.services import validate_geometry
from safegrid.sites.choices import SiteCategory, SiteKind
from safegrid.sites.credit_code import is_valid_credit_code
from safegrid.sites.models import Site

pytestmark = pytest.mark.django_db

# PBKDF2 at Django's default cost takes ~0.5 s per demo account; the tests do not test hashing.
FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])

REAL_TOWNSHIPS = [
    "横水镇",
    "扬眉镇",
    "过埠镇",
    "铅厂镇",
    "长龙镇",
    "关田镇",
    "龙勾乡",
    "杰坝乡",
    "金坑乡",
    "思顺乡",
    "麟潭乡",
    "上堡乡",
    "聂都乡",
    "文英乡",
    "乐洞乡",
    "丰州乡",
]
COUNTY_PATH = "/360000/360700/360725/"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), FAST_HASHER:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_demo_county(seed=2024)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _digest(rows) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def region_rows():
    return [
        [
            r.code,
            r.name,
            r.kind,
            r.path,
            r.depth,
            r.geometry,
            str(r.center_lon),
            str(r.center_lat),
            r.planning_area,
            r.sort_order,
            r.parent.code if r.parent else None,
        ]
        for r in Region.objects.select_related("parent").order_by("code")
    ]


def site_rows():
    return [
        [
            s.name,
            s.category,
            s.kind,
            s.credit_code,
            s.grid.code,
            s.sector.code,
            s.region_path,
            s.address,
            str(s.longitude),
            str(s.latitude),
            s.is_key,
            s.size,
            s.employees,
            s.legal_representative,
            s.safety_contact,
            s.contact_phone,
            s.business_status,
        ]
        for s in Site.objects.select_related("grid", "sector").order_by("grid__code", "name")
    ]


def other_rows():
    sectors = [
        [
            s.code,
            s.name,
            s.committee_name,
            s.region_path,
            s.lead_department.name,
            s.member_departments,
            s.meetings_per_year,
            s.sort_order,
        ]
        for s in Sector.objects.select_related("lead_department").order_by("code")
    ]
    orgs = [
        [
            o.name,
            o.short_name,
            o.kind,
            o.region.code,
            o.region_path,
            o.sector.code if o.sector else None,
            o.parent.name if o.parent else None,
            o.contact_name,
            o.contact_phone,
            o.address,
        ]
        for o in Organisation.objects.select_related("region", "sector", "parent").order_by(
            "region__code", "name"
        )
    ]
    duties = [
        [d.grid.code, d.role, d.person_name, d.organisation.name, d.duties, d.inspection_interval_days]
        for d in GridDuty.objects.select_related("grid", "organisation").order_by("grid__code", "role")
    ]
    users = [
        [u.username, u.display_name, u.phone, u.organisation.name if u.organisation else None]
        for u in User.objects.select_related("organisation")
        .filter(username__in=DEMO_USERNAMES)
        .order_by("username")
    ]
    assignments = [
        [
            a.user.username,
            a.role,
            a.region.code,
            a.region_path,
            sorted(s.code for s in a.sectors.all()),
            a.site.name if a.site else None,
        ]
        for a in RoleAssignment.objects.select_related("user", "region", "site").order_by("user__username")
    ]
    return [sectors, orgs, duties, users, assignments]


def full_digest() -> str:
    return _digest([region_rows(), site_rows(), other_rows()])


def rebuild(seed: int) -> dict:
    wipe_demo_county()
    return build_demo_county(seed=seed)


# --- determinism ----------------------------------------------------------------------------------


def test_the_same_seed_rebuilds_identical_data(demo):
    before = full_digest()

    counts = rebuild(2024)

    assert counts == demo
    assert full_digest() == before


def test_a_different_seed_gives_different_sites(demo):
    before = _digest(site_rows())

    counts = rebuild(7)

    assert counts["sites"] == demo["sites"]
    assert _digest(site_rows()) != before


# --- regions --------------------------------------------------------------------------------------


def test_region_tree_from_province_to_county(demo):
    province, city, county = Region.objects.filter(kind__lte=RegionKind.COUNTY).order_by("depth")

    assert [(r.code, r.name, r.kind, r.depth, r.path) for r in (province, city, county)] == [
        ("360000", "江西省", RegionKind.PROVINCE, 1, "/360000/"),
        ("360700", "赣州市", RegionKind.CITY, 2, "/360000/360700/"),
        ("360725", "崇义县", RegionKind.COUNTY, 3, COUNTY_PATH),
    ]
    assert city.parent == province
    assert county.parent == city


def test_sixteen_real_townships_with_gbt10114_codes(demo):
    townships = Region.objects.filter(kind=RegionKind.TOWNSHIP).order_by("sort_order")

    assert [t.name for t in townships] == REAL_TOWNSHIPS
    assert [t.code[6:] for t in townships] == [
        "100",
        "101",
        "102",
        "103",
        "104",
        "105",
        "200",
        "201",
        "202",
        "203",
        "204",
        "205",
        "206",
        "207",
        "208",
        "209",
    ]
    assert {(t.depth, t.parent.code, t.path) for t in townships} == {
        (4, "360725", f"{COUNTY_PATH}{t.code}/") for t in townships
    }


def test_hengshui_has_sixty_planning_area_grids_and_three_rural_grids(demo):
    grids = Region.objects.filter(parent__name="横水镇").order_by("code")
    planning = [g for g in grids if g.planning_area]
    rural = [g for g in grids if not g.planning_area]

    assert len(planning) == 60
    assert [g.name for g in planning] == [f"城区第{i:02d}网格" for i in range(1, 61)]
    assert [g.code for g in planning] == [f"360725100{i:03d}" for i in range(1, 61)]
    assert [g.name for g in rural] == ["横水镇第01网格", "横水镇第02网格", "横水镇第03网格"]
    assert Region.objects.filter(planning_area=True).count() == 60
    assert demo["planning_area_grids"] == 60


def test_every_other_township_has_three_to_six_rural_grids_numbered_from_001(demo):
    for township in Region.objects.filter(kind=RegionKind.TOWNSHIP).exclude(name="横水镇"):
        grids = list(Region.objects.filter(parent=township).order_by("code"))

        assert 3 <= len(grids) <= 6, township.name
        assert [g.code for g in grids] == [f"{township.code}{i:03d}" for i in range(1, len(grids) + 1)]
        assert [g.name for g in grids] == [f"{township.name}第{i:02d}网格" for i in range(1, len(grids) + 1)]
        assert {(g.kind, g.depth, g.planning_area, g.path) for g in grids} == {
            (RegionKind.GRID, 5, False, f"{township.path}{g.code}/") for g in grids
        }


def test_every_geometry_is_valid_and_stored_with_six_decimals(demo):
    regions = list(Region.objects.exclude(geometry=None))

    assert len(regions) == 1 + 16 + demo["grids"]
    for region in regions:
        assert validate_geometry(region.geometry) == region.geometry
        assert region.geometry["type"] in {"Polygon", "MultiPolygon"}
        text = json.dumps(region.geometry["coordinates"])
        assert all(
            len(token.split(".")[1]) <= 6
            for token in text.replace("[", "").replace("]", "").split(",")
            if "." in token
        )
        point = Point(float(region.center_lon), float(region.center_lat))
        assert shape(region.geometry).buffer(1e-6).contains(point), region.name


def test_townships_tile_the_county_outline(demo):
    county = shape(Region.objects.get(code="360725").geometry)
    townships = [shape(t.geometry) for t in Region.objects.filter(kind=RegionKind.TOWNSHIP)]
    union = unary_union(townships)

    assert abs(union.area - county.area) / county.area < 0.01
    assert abs(sum(t.area for t in townships) - union.area) / union.area < 0.001  # no overlaps
    assert abs(county.area - load_outline().area) / county.area < 1e-6


def test_every_grid_lies_within_its_township(demo):
    for township in Region.objects.filter(kind=RegionKind.TOWNSHIP):
        area = shape(township.geometry)
        tolerant = area.buffer(1e-5)
        grids = [shape(g.geometry) for g in Region.objects.filter(parent=township)]

        for grid in grids:
            assert tolerant.contains(grid), township.name
        assert abs(unary_union(grids).area - area.area) / area.area < 0.01, township.name


def test_planning_area_is_about_eight_kilometres_across_around_the_seat(demo):
    planning = unary_union([shape(g.geometry) for g in Region.objects.filter(planning_area=True)])
    minx, miny, maxx, maxy = planning.bounds

    assert 7.0 < (maxx - minx) * 100.5 < 10.0  # km per degree of longitude at 25.7°N
    assert 6.0 < (maxy - miny) * 110.9 < 9.0
    assert planning.contains(Point(114.31, 25.69))


# --- sectors, organisations, duties ---------------------------------------------------------------


def test_fourteen_sectors_with_their_lead_departments(demo):
    sectors = list(Sector.objects.select_related("lead_department").order_by("sort_order"))

    assert [(s.code, s.name, s.lead_department.short_name) for s in sectors] == [
        (spec.code, spec.name, spec.lead) for spec in SECTORS
    ]
    assert len(sectors) == 14
    assert {(s.region.code, s.region_path, s.meetings_per_year) for s in sectors} == {
        ("360725", COUNTY_PATH, 4)
    }
    assert [s.committee_name for s in sectors][:2] == [
        "崇义县道路交通安全生产委员会",
        "崇义县消防安全生产委员会",
    ]
    assert {s.lead_department.kind for s in sectors} == {OrganisationKind.DEPARTMENT}


def test_organisations_per_kind(demo):
    grids = demo["grids"]
    counts = {kind: Organisation.objects.filter(kind=kind).count() for kind in OrganisationKind.values}

    assert counts == {
        OrganisationKind.COUNTY_COMMITTEE: 1,
        OrganisationKind.COUNTY_OFFICE: 1,
        OrganisationKind.SECTOR_COMMITTEE: 14,
        OrganisationKind.DEPARTMENT: 13,
        OrganisationKind.TOWNSHIP_GOVERNMENT: 16,
        OrganisationKind.GRID_UNIT: grids,
        OrganisationKind.ENTERPRISE: 0,
        OrganisationKind.EXPERT_BODY: 1,
    }
    office = Organisation.objects.get(kind=OrganisationKind.COUNTY_OFFICE)
    assert (office.name, office.short_name, office.parent.name) == (
        "崇义县安全生产委员会办公室",
        "县安委办",
        "崇义县安全生产委员会",
    )
    committees = Organisation.objects.filter(kind=OrganisationKind.SECTOR_COMMITTEE)
    assert {(c.parent.kind, c.sector.committee_name == c.name) for c in committees} == {
        (OrganisationKind.COUNTY_COMMITTEE, True)
    }
    units = Organisation.objects.filter(kind=OrganisationKind.GRID_UNIT).select_related("region", "parent")
    assert {
        (
            u.region.kind,
            u.region_path == u.region.path,
            u.parent.kind,
            u.parent.region_id == u.region.parent_id,
        )
        for u in units
    } == {(RegionKind.GRID, True, OrganisationKind.TOWNSHIP_GOVERNMENT, True)}


def test_every_grid_has_its_three_duty_lists(demo):
    duties = GridDuty.objects.select_related("grid")

    assert duties.count() == 3 * demo["grids"]
    for grid in Region.objects.filter(kind=RegionKind.GRID):
        assert sorted(grid.duties.values_list("role", flat=True)) == sorted(GridDutyRole.values)
    assert {(d.role, d.inspection_interval_days) for d in duties} == {
        (GridDutyRole.GRID_CHIEF, 30),
        (GridDutyRole.GRID_WORKER, 90),
        (GridDutyRole.GRID_INSTRUCTOR, 90),
    }
    assert all(d.region_path == d.grid.path and 2 <= len(d.person_name) <= 3 for d in duties)


# --- sites ----------------------------------------------------------------------------------------


def test_site_count_and_kind_to_sector_mapping(demo):
    sites = Site.objects.select_related("sector")

    assert 850 <= sites.count() <= 950
    assert sites.count() == sum(spec.count for spec in KINDS) == demo["sites"]
    assert {(s.kind, s.sector.code) for s in sites} == set(KIND_SECTOR.items())
    assert {
        code: Site.objects.filter(sector__code=code).count() for code, _n in demo["sites_by_sector"].items()
    } == demo["sites_by_sector"]


def test_every_site_lies_within_its_grid(demo):
    shapes = {g.pk: shape(g.geometry) for g in Region.objects.filter(kind=RegionKind.GRID)}

    for site in Site.objects.all():
        assert shapes[site.grid_id].contains(Point(float(site.longitude), float(site.latitude))), site.name
        assert site.region_path == site.grid.path


def test_enterprises_carry_valid_unique_credit_codes_and_others_none(demo):
    enterprises = list(
        Site.objects.filter(category=SiteCategory.ENTERPRISE).values_list("credit_code", flat=True)
    )
    others = Site.objects.exclude(category=SiteCategory.ENTERPRISE)

    assert all(is_valid_credit_code(code) and code.startswith("91360725") for code in enterprises)
    assert len(set(enterprises)) == len(enterprises)
    assert list(others.exclude(credit_code=None)) == []
    assert set(others.values_list("kind", flat=True)) == {
        SiteKind.CONSTRUCTION,
        SiteKind.SCHOOL,
        SiteKind.HOSPITAL,
        SiteKind.MALL,
        SiteKind.TOURISM,
        SiteKind.FERRY,
    }


def test_site_names_are_unique_and_phones_plausible(demo):
    names = list(Site.objects.values_list("name", flat=True))
    phones = Site.objects.values_list("contact_phone", flat=True)

    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"1[3-9]\d{9}", phone) for phone in phones)


def test_key_sites_include_every_mine_tailings_pond_and_hazchem_plant(demo):
    always = Site.objects.filter(kind__in=[SiteKind.MINE, SiteKind.TAILINGS_POND, SiteKind.HAZCHEM])
    share = Site.objects.filter(is_key=True).count() / Site.objects.count()

    assert always.filter(is_key=False).count() == 0
    assert 0.12 <= share <= 0.18


def test_mines_hydropower_and_forestry_are_rural_and_urban_kinds_mostly_in_the_seat(demo):
    rural_only = Site.objects.filter(
        kind__in=[SiteKind.MINE, SiteKind.TAILINGS_POND, SiteKind.HYDROPOWER, SiteKind.FORESTRY]
    )
    urban = Site.objects.filter(
        kind__in=[SiteKind.MALL, SiteKind.HOTEL, SiteKind.HOSPITAL, SiteKind.SCHOOL, SiteKind.GAS]
    )

    assert rural_only.filter(grid__planning_area=True).count() == 0
    assert urban.filter(grid__planning_area=True).count() / urban.count() > 0.5
    assert Site.objects.filter(kind=SiteKind.MINE, grid__parent__name="横水镇").count() >= 1


# --- accounts -------------------------------------------------------------------------------------


EXPECTED_USERS = [
    ("leader", Role.COUNTY_LEADER, "崇义县", []),
    ("office", Role.COUNTY_OFFICE, "崇义县", []),
    ("sector_mining", Role.SECTOR_OFFICER, "崇义县", ["mining"]),
    ("sector_fire", Role.SECTOR_OFFICER, "崇义县", ["fire"]),
    ("township_hengshui", Role.TOWNSHIP_OFFICER, "横水镇", []),
    ("township_yangmei", Role.TOWNSHIP_OFFICER, "扬眉镇", []),
    ("grid_hengshui", Role.GRID_WORKER, "城区第01网格", []),
    ("grid_yangmei", Role.GRID_WORKER, "扬眉镇第01网格", []),
    ("expert", Role.EXPERT, "崇义县", []),
    ("sysadmin", Role.SYSTEM_ADMIN, "崇义县", []),
    ("secadmin", Role.SECURITY_ADMIN, "崇义县", []),
    ("auditor", Role.AUDIT_ADMIN, "崇义县", []),
]


@pytest.mark.parametrize(("username", "role", "region", "sectors"), EXPECTED_USERS)
def test_demo_account_has_its_role_and_region(demo, username, role, region, sectors):
    user = User.objects.get(username=username)
    (assignment,) = user.role_assignments.select_related("region")

    assert (assignment.role, assignment.region.name, assignment.region_path) == (
        role,
        region,
        assignment.region.path,
    )
    assert sorted(s.code for s in assignment.sectors.all()) == sectors
    assert assignment.site_id is None
    assert user.display_name != ""
    assert user.is_superuser is False


def test_grid_accounts_are_in_their_townships(demo):
    hengshui = RoleAssignment.objects.get(user__username="grid_hengshui").region
    yangmei = RoleAssignment.objects.get(user__username="grid_yangmei").region

    assert (hengshui.code, hengshui.parent.name, hengshui.planning_area) == ("360725100001", "横水镇", True)
    assert (yangmei.code, yangmei.parent.name) == ("360725101001", "扬眉镇")


def test_enterprise_account_is_bound_to_a_mine_in_hengshui(demo):
    assignment = RoleAssignment.objects.select_related("site__grid__parent", "region").get(
        user__username="enterprise"
    )
    hengshui = Region.objects.get(name="横水镇")
    yangmei = Region.objects.get(name="扬眉镇")

    assert assignment.role == Role.ENTERPRISE_MANAGER
    assert (assignment.site.kind, assignment.site.sector.code, assignment.site.category) == (
        SiteKind.MINE,
        "mining",
        SiteCategory.ENTERPRISE,
    )
    assert assignment.region == assignment.site.grid
    assert (assignment.site.grid.parent, assignment.site.grid.planning_area) == (hengshui, False)
    assert assignment.site.region_path.startswith(hengshui.path)
    assert not assignment.site.region_path.startswith(yangmei.path)


def test_exactly_one_audit_record_for_the_build(demo):
    entries = AuditEntry.objects.filter(action="demo.seed")

    assert entries.count() == 1
    (entry,) = entries
    assert (entry.actor_id, entry.changes["sites"], entry.changes["seed"]) == (None, demo["sites"], 2024)


# --- the management command -----------------------------------------------------------------------


def _counts():
    return [
        m.objects.count()
        for m in (Region, Sector, Organisation, GridDuty, Site, User, RoleAssignment, AuditEntry)
    ]


def test_if_empty_on_a_seeded_database_changes_nothing(demo):
    before = _counts()
    out = StringIO()

    call_command("seed_demo", "--if-empty", stdout=out)

    assert _counts() == before
    assert out.getvalue() == "数据库中已有区划数据，跳过演示数据生成。\n"


def test_seed_refuses_a_non_empty_database_without_force(demo):
    before = _counts()

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())

    assert _counts() == before


def test_force_is_refused_in_production(demo, settings):
    settings.PRODUCTION = True
    before = _counts()

    with pytest.raises(CommandError, match="生产环境"):
        call_command("seed_demo", "--force", stdout=StringIO())

    assert _counts() == before


def test_force_wipes_and_rebuilds_the_same_county(demo):
    before = full_digest()
    audits = AuditEntry.objects.filter(action="demo.seed").count()
    out = StringIO()

    call_command("seed_demo", "--force", stdout=out)

    assert full_digest() == before
    assert AuditEntry.objects.filter(action="demo.seed").count() == audits + 1
    assert out.getvalue().startswith("已清除原有演示数据。\n已生成演示县“崇义县”（随机种子 2024）")


def test_force_refuses_when_other_records_reference_the_demo_data(demo):
    with transaction.atomic():
        AuditEntry.objects.create(actor=User.objects.get(username="leader"), action="auth.login")
    before = _counts()

    with pytest.raises(CommandError, match="空数据库"):
        call_command("seed_demo", "--force", stdout=StringIO())

    assert _counts() == before


def test_if_empty_on_an_empty_database_builds_the_county(demo):
    wipe_demo_county()
    out = StringIO()

    call_command("seed_demo", "--if-empty", "--seed", "2024", stdout=out)

    assert [Region.objects.count(), Site.objects.count(), User.objects.count()] == [
        demo["regions"],
        demo["sites"],
        len(DEMO_USERNAMES),
    ]
    assert "已生成演示县“崇义县”（随机种子 2024）" in out.getvalue()
    assert "township_hengshui" in out.getvalue()


def test_every_sector_has_sites(demo):
    empty = Sector.objects.annotate(n=Count("sites")).filter(n=0).values_list("code", flat=True)
    assert list(empty) == []


EXPECTED_HOME_TITLES = {
    "leader": "全县安全生产总览",
    "office": "县安委办工作台",
    "sector_mining": "行业监管工作台",
    "sector_fire": "行业监管工作台",
    "township_hengshui": "乡镇安全监管工作台",
    "township_yangmei": "乡镇安全监管工作台",
    "grid_hengshui": "我的网格",
    "grid_yangmei": "我的网格",
    "enterprise": "本单位安全管理",
    "expert": "专家服务",
    "sysadmin": "系统配置",
    "secadmin": "账号与安全策略",
    "auditor": "安全审计",
}


@pytest.mark.parametrize("username", sorted(EXPECTED_HOME_TITLES))
def test_each_demo_account_signs_in_and_sees_its_home_page(demo, client, username):
    assert client.login(username=username, password=settings.SAFEGRID_DEMO_PASSWORD) is True
    page = client.get("/")
    assert page.status_code == 200
    assert f'data-testid="home-title">{EXPECTED_HOME_TITLES[username]}<' in page.content.decode()


def test_township_officers_see_their_own_township_only(demo, client):
    client.force_login(User.objects.get(username="township_hengshui"))
    hengshui = client.get("/api/v1/sites/", {"page_size": 1}).json()["count"]
    client.force_login(User.objects.get(username="township_yangmei"))
    yangmei = client.get("/api/v1/sites/", {"page_size": 1}).json()["count"]
    assert hengshui == Site.objects.filter(grid__parent__name="横水镇").count()
    assert yangmei == Site.objects.filter(grid__parent__name="扬眉镇").count()
