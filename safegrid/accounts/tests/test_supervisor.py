"""The supervisor above the county (上级监管人员, DESIGN.md §2, §4): a city's or province's office that
reads its counties' work and handles none of it. Anchored at a province or city region only; its
scope is that subtree (both counties of the world under 赣州市 / 江西省, nothing of another province);
every write answers 403; it has no handling level, so no work queue; it needs a second factor."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import credit_code, make_region, make_user
from safegrid.accounts import services
from safegrid.accounts.models import RoleAssignment
from safegrid.accounts.policies import PRIVILEGED_ROLES, two_factor_required
from safegrid.accounts.roles import (
    ADMIN_ROLES,
    ROLE_CAPABILITIES,
    ROLE_HANDLING_LEVEL,
    Cap,
    Role,
)
from safegrid.core.models import AuditEntry
from safegrid.hazards import selectors as hazard_selectors
from safegrid.hazards.models import Hazard
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Region, Sector
from safegrid.people.models import Person
from safegrid.sites.models import Site

from .helpers import form_login, token_login

pytestmark = pytest.mark.django_db

WORLD_HAZARDS = ["YH-g11", "YH-g12", "YH-g21", "YH-g31"]


@pytest.fixture
def secadmin_province(world):
    """A security administrator at the province: the world's one sits at county A and may not grant
    anything above it."""
    return make_user("secadmin_p", Role.SECURITY_ADMIN, world.province)


@pytest.fixture
def other_province(world):
    """A second province with one county, grid, site and hazard, outside every world account."""
    province = make_region("430000", "湖南省", RegionKind.PROVINCE, None)
    city = make_region("430100", "长沙市", RegionKind.CITY, province)
    county = make_region("430121", "长沙县", RegionKind.COUNTY, city)
    township = make_region("430121100", "星沙街道", RegionKind.TOWNSHIP, county)
    grid = make_region("430121100001", "星沙第一网格", RegionKind.GRID, township)
    sector = Sector.objects.create(
        region=county, region_path=county.path, code="mining", name="矿山", committee_name="长沙县矿山安委会"
    )
    site = Site.objects.create(
        name="星沙矿业",
        category="enterprise",
        kind="mine",
        credit_code=credit_code(900),
        sector=sector,
        grid=grid,
        region_path=grid.path,
        address="星沙某路1号",
    )
    Hazard.objects.create(
        number="YH-hn",
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        source="patrol",
        category="thing",
        grade="general",
        description="星沙矿业配电箱未接地",
        reported_by=make_user("recorder_hn", Role.GRID_WORKER, grid),
    )
    return province


def _numbers(actor) -> list[str]:
    return sorted(hazard_selectors.hazard_list(actor=actor).values_list("number", flat=True))


# ---- the role ----------------------------------------------------------------------------------


def test_the_role_reads_what_the_county_leader_reads_and_writes_nothing():
    caps = ROLE_CAPABILITIES[Role.SUPERVISOR]
    leader_views = {
        c for c in ROLE_CAPABILITIES[Role.COUNTY_LEADER] if c.partition(".")[2].startswith("view_")
    }
    assert caps == leader_views - {Cap.VIEW_USER}
    assert all(c.partition(".")[2].startswith("view_") for c in caps)
    assert Cap.VIEW_PLAIN_PII not in caps and Cap.VIEW_PEOPLE in caps
    assert Role.SUPERVISOR not in ROLE_HANDLING_LEVEL and Role.SUPERVISOR not in ADMIN_ROLES
    assert Role.SUPERVISOR in PRIVILEGED_ROLES
    assert str(Role.SUPERVISOR.label) == "上级监管人员"


# ---- where it may be anchored -------------------------------------------------------------------


@pytest.mark.parametrize("level", ["province", "city"])
def test_assigned_at_a_province_or_a_city(world, secadmin_province, level):
    region = getattr(world, level)
    user = services.user_create(
        actor=secadmin_province,
        username=f"sup_{level}",
        display_name="省应急厅监管员",
        password="Xy7-long-passphrase",
        role=Role.SUPERVISOR,
        region=region,
    )
    assert list(user.role_assignments.values_list("role", "region_path")) == [("supervisor", region.path)]
    assert [g.path for g in user.grants] == [region.path]
    extra = services.role_assign(
        actor=secadmin_province,
        user=world.users["leader"],
        role=Role.SUPERVISOR,
        region=region,
    )
    assert extra.region_path == region.path


@pytest.mark.parametrize("level", ["county", "t1", "g11"])
def test_refused_at_a_county_township_or_grid_with_a_chinese_message(world, secadmin_province, level):
    before = (RoleAssignment.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as create:
        services.user_create(
            actor=secadmin_province,
            username="sup_low",
            display_name="监管员",
            password="Xy7-long-passphrase",
            role=Role.SUPERVISOR,
            region=getattr(world, level),
        )
    with pytest.raises(ValidationError) as assign:
        services.role_assign(
            actor=secadmin_province,
            user=world.users["leader"],
            role=Role.SUPERVISOR,
            region=getattr(world, level),
        )
    expected = {"region": ["该角色只能授权在省、市一级。"]}
    assert (create.value.message_dict, assign.value.message_dict) == (expected, expected)
    assert (RoleAssignment.objects.count(), AuditEntry.objects.count()) == before


def test_refused_with_sectors_and_next_to_an_administrator_role(world, secadmin_province):
    with pytest.raises(ValidationError) as sectors:
        services.role_assign(
            actor=secadmin_province,
            user=world.users["leader"],
            role=Role.SUPERVISOR,
            region=world.city,
            sectors=[world.mining],
        )
    assert sectors.value.message_dict == {"sectors": ["该角色不按行业领域限定。"]}
    with pytest.raises(ValidationError) as admin:
        services.role_assign(
            actor=secadmin_province, user=world.users["auditor"], role=Role.SUPERVISOR, region=world.city
        )
    assert admin.value.message_dict == {"role": ["三员分立：管理员账号不能再授予业务角色。"]}


def test_a_county_security_administrator_cannot_grant_it_above_the_county(world):
    from safegrid.core.exceptions import NotInScope

    with pytest.raises(NotInScope):
        services.role_assign(
            actor=world.users["secadmin"], user=world.users["leader"], role=Role.SUPERVISOR, region=world.city
        )
    assert not RoleAssignment.objects.filter(user=world.users["leader"], role=Role.SUPERVISOR).exists()


# ---- scope --------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["province", "city"])
def test_sees_both_counties_below_its_anchor_and_nothing_of_another_province(world, other_province, level):
    supervisor = make_user("sup", Role.SUPERVISOR, getattr(world, level))
    assert _numbers(supervisor) == WORLD_HAZARDS
    assert _numbers(world.users["leader"]) == ["YH-g11", "YH-g12", "YH-g21"]
    page = APIClient()
    page.force_login(supervisor)
    listed = page.get(reverse("hazards:hazard_list")).content.decode()
    assert all(n in listed for n in WORLD_HAZARDS) and "YH-hn" not in listed
    assert page.get(reverse("hazards:hazard_detail", args=[world.hazards["g31"].pk])).status_code == 200
    hn = Hazard.objects.get(number="YH-hn")
    assert page.get(reverse("hazards:hazard_detail", args=[hn.pk])).status_code == 404
    assert page.get(f"/api/v1/hazards/{hn.pk}/").status_code == 404
    sites = set(Site.objects.visible_to(supervisor, Cap.VIEW_SITE).values_list("name", flat=True))
    assert "欣山钨矿" in sites and "横水钨矿" in sites and "星沙矿业" not in sites
    regions = Region.objects.visible_to(supervisor, Cap.VIEW_REGION)
    assert {world.county.pk, world.county_b.pk} <= set(regions.values_list("pk", flat=True))
    assert not regions.filter(path__startswith=other_province.path).exists()


def test_a_supervisor_of_the_other_province_sees_none_of_the_world(world, other_province):
    supervisor = make_user("sup_hn", Role.SUPERVISOR, other_province)
    assert _numbers(supervisor) == ["YH-hn"]
    page = APIClient()
    page.force_login(supervisor)
    assert page.get(reverse("hazards:hazard_detail", args=[world.hazards["g11"].pk])).status_code == 404
    assert page.get(f"/api/v1/hazards/{world.hazards['g11'].pk}/").status_code == 404


# ---- read only ----------------------------------------------------------------------------------


def test_every_write_is_403_and_changes_nothing(world):
    supervisor = make_user("sup", Role.SUPERVISOR, world.province)
    person = Person.objects.create(
        name="周师傅",
        source="enterprise",
        employment="full_time",
        site=world.site11_mine,
        region=world.g11,
        region_path=world.site11_mine.region_path,
        sector_id=world.site11_mine.sector_id,
        created_by=world.users["office"],
    )
    client = APIClient()
    client.force_login(supervisor)
    before = (Hazard.objects.count(), AuditEntry.objects.count())
    hazard = world.hazards["g11"]
    assert client.get(reverse("hazards:hazard_report")).status_code == 403
    report = {"site": world.site11_mall.pk, "description": "安全出口被堵", "category": "management"}
    assert client.post(reverse("hazards:hazard_report"), report).status_code == 403
    api = client.post("/api/v1/hazards/", report, format="json", HTTP_IDEMPOTENCY_KEY="sup-1")
    assert api.status_code == 403
    for action in ("assign", "escalate", "verify"):
        url = reverse("hazards:hazard_action", args=[hazard.pk, action])
        assert client.get(url).status_code == 403, action
    assert client.post(reverse("people:person_unmask", args=[person.pk])).status_code == 403
    assert client.get(reverse("people:person_create")).status_code == 403
    assert (Hazard.objects.count(), AuditEntry.objects.count()) == before
    hazard.refresh_from_db()
    assert (hazard.status, hazard.level, hazard.version) == ("reported", 1, world.hazards["g11"].version)


def test_no_handling_level_and_no_work_queue(world):
    supervisor = make_user("sup", Role.SUPERVISOR, world.province)
    assert hazard_selectors._my_levels(supervisor) == set()
    assert hazard_selectors.hazard_queue(actor=world.users["township1"], queue="to_assign").count() == 2
    assert list(hazard_selectors.hazard_queue(actor=supervisor, queue="to_assign")) == []


# ---- sign-in ------------------------------------------------------------------------------------


def test_needs_a_second_factor(world, settings):
    supervisor = make_user("sup", Role.SUPERVISOR, world.province)
    settings.SAFEGRID_REQUIRE_2FA = False
    assert two_factor_required(supervisor) is False
    settings.SAFEGRID_REQUIRE_2FA = True
    assert two_factor_required(supervisor) is True
    client = APIClient()
    response = form_login(client, "sup")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_setup"))
    api = client.get("/api/v1/me/")
    assert (api.status_code, api.json()["code"]) == (403, "otp_required")
    token = token_login(APIClient(), "sup")
    assert (token.status_code, token.json()["code"]) == (403, "otp_required")


# ---- reports ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/dashboard/", "/dashboard/bulletin.docx", "/risk-map/data/", "/screen/data/"]
)
def test_reads_the_reports_of_its_subtree(world, url):
    client = APIClient()
    client.force_login(make_user("sup", Role.SUPERVISOR, world.province))
    assert client.get(url).status_code == 200


def test_home_page(world):
    client = APIClient()
    client.force_login(make_user("sup", Role.SUPERVISOR, world.province))
    response = client.get("/")
    assert response.status_code == 200
    assert "辖区安全生产监管总览" in response.content.decode()


def test_every_role_has_a_home_page_title():
    """A role without a title would make the home page fail for its holders."""
    from safegrid.reports.selectors import ROLE_GREETING

    assert set(ROLE_GREETING) == set(Role)
