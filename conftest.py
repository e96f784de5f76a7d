"""The seeded test world shared by every app's tests (STYLE.md: a small deterministic world).

Two counties' worth of scope in miniature: county A (崇义县) with townships T1 (横水镇, grids G11,
G12) and T2 (扬眉镇, grid G21), county B (安远县, township T3, grid G31) for cross-county checks;
two sectors per county (mining, fire); sites in every grid and sector; one user per role.
Rows are created through the model layer (fast, no audit); behaviour under test goes through services.
"""

from __future__ import annotations

import datetime
import functools
import os
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.roles import Role
from safegrid.hazards.models import Hazard
from safegrid.inspections.models import Inspection
from safegrid.orgs.choices import GridDutyRole, OrganisationKind, RegionKind
from safegrid.orgs.models import GridDuty, Organisation, Region, Sector
from safegrid.orgs.services import region_build_path
from safegrid.sites.credit_code import check_character
from safegrid.sites.models import Site

PASSWORD = "Test-Passw0rd-2024"

# SECURITY.md's "Figures to report", recorded by tests through the `figure` fixture, printed at the end.
pytest_plugins = ["tests.figures"]

# Property tests: no per-example deadline (two cores shared by two xdist workers, a browser and a
# database make timings meaningless; speed is measured by `make bench`). In CI the examples are
# derived from each test's name (derandomize), so a run is reproducible and never flaky; locally
# they are random, to keep finding new cases.
_UNTIMED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True, **_UNTIMED)
hypothesis_settings.register_profile("dev", **_UNTIMED)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


def _square(lon: float, lat: float, size: float = 0.05) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


def make_region(code: str, name: str, kind: int, parent: Region | None, **extra) -> Region:
    return Region.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        path=region_build_path(parent=parent, code=code),
        depth=(parent.depth + 1) if parent else 1,
        **extra,
    )


def credit_code(serial: int) -> str:
    first17 = f"91360725{serial:09d}"
    return first17 + check_character(first17)


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed once per test process (PBKDF2 is deliberately slow; the world has a dozen users)."""
    return make_password(PASSWORD)


def make_user(username: str, role: str, region: Region, *, sectors=(), site=None, **extra) -> User:
    user = User.objects.create(
        username=username, password=password_hash(), display_name=extra.pop("name", username)
    )
    assignment = RoleAssignment.objects.create(
        user=user, role=role, region=region, region_path=region.path, site=site
    )
    if sectors:
        assignment.sectors.set(sectors)
    return user


def _system_user() -> User:
    user, _created = User.objects.get_or_create(
        username="recorder", defaults={"display_name": "录入员", "is_active": False}
    )
    return user


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.province = make_region("360000", "江西省", RegionKind.PROVINCE, None)
    w.city = make_region("360700", "赣州市", RegionKind.CITY, w.province)
    w.county = make_region("360725", "崇义县", RegionKind.COUNTY, w.city)
    w.t1 = make_region("360725100", "横水镇", RegionKind.TOWNSHIP, w.county)
    w.t2 = make_region("360725101", "扬眉镇", RegionKind.TOWNSHIP, w.county)
    w.g11 = make_region(
        "360725100001", "横水第一网格", RegionKind.GRID, w.t1, geometry=_square(114.30, 25.68)
    )
    w.g12 = make_region(
        "360725100002", "横水第二网格", RegionKind.GRID, w.t1, geometry=_square(114.35, 25.68)
    )
    w.g21 = make_region(
        "360725101001", "扬眉第一网格", RegionKind.GRID, w.t2, geometry=_square(114.20, 25.60)
    )
    w.county_b = make_region("360726", "安远县", RegionKind.COUNTY, w.city)
    w.t3 = make_region("360726100", "欣山镇", RegionKind.TOWNSHIP, w.county_b)
    w.g31 = make_region("360726100001", "欣山第一网格", RegionKind.GRID, w.t3)

    def sector(region, code, name):
        return Sector.objects.create(
            region=region,
            region_path=region.path,
            code=code,
            name=name,
            committee_name=f"{region.name}{name}安全生产委员会",
        )

    w.mining = sector(w.county, "mining", "矿山")
    w.fire = sector(w.county, "fire", "消防")
    w.mining_b = sector(w.county_b, "mining", "矿山")

    def org(name, kind, region, sector=None, parent=None):
        return Organisation.objects.create(
            name=name, kind=kind, region=region, region_path=region.path, sector=sector, parent=parent
        )

    w.org_office = org("崇义县安委办", OrganisationKind.COUNTY_OFFICE, w.county)
    w.org_mining_committee = org(
        "崇义县矿山安全生产委员会", OrganisationKind.SECTOR_COMMITTEE, w.county, w.mining
    )
    w.org_fire_committee = org("崇义县消防安全委员会", OrganisationKind.SECTOR_COMMITTEE, w.county, w.fire)
    w.org_t1 = org("横水镇人民政府", OrganisationKind.TOWNSHIP_GOVERNMENT, w.t1)
    w.org_t2 = org("扬眉镇人民政府", OrganisationKind.TOWNSHIP_GOVERNMENT, w.t2)
    w.org_g11 = org("横水第一网格工作站", OrganisationKind.GRID_UNIT, w.g11, parent=w.org_t1)
    w.org_b = org("安远县安委办", OrganisationKind.COUNTY_OFFICE, w.county_b)

    def duty(grid, role, person):
        return GridDuty.objects.create(
            grid=grid,
            region_path=grid.path,
            role=role,
            person_name=person,
            duties=["隐患排查上报"],
            inspection_interval_days=90,
        )

    w.duty11 = duty(w.g11, GridDutyRole.GRID_WORKER, "张三")
    w.duty12 = duty(w.g12, GridDutyRole.GRID_WORKER, "李四")
    w.duty21 = duty(w.g21, GridDutyRole.GRID_WORKER, "王五")
    w.duty31 = duty(w.g31, GridDutyRole.GRID_WORKER, "赵六")

    serial = iter(range(1, 1000))

    def site(name, grid, sector, **extra):
        return Site.objects.create(
            name=name,
            category="enterprise",
            kind="mine",
            credit_code=credit_code(next(serial)),
            sector=sector,
            grid=grid,
            region_path=grid.path,
            address=f"{grid.name}某路1号",
            **extra,
        )

    w.site11_mine = site("横水钨矿", w.g11, w.mining, is_key=True)
    w.site11_mall = site("横水商场", w.g11, w.fire)
    w.site12_mine = site("新溪钨矿", w.g12, w.mining)
    w.site21_mine = site("扬眉钨矿", w.g21, w.mining)
    w.site21_hotel = site("扬眉宾馆", w.g21, w.fire)
    w.site31_mine = site("欣山钨矿", w.g31, w.mining_b)

    w.hazards = {}
    w.inspections = {}
    for key, s in (
        ("g11", w.site11_mine),
        ("g12", w.site12_mine),
        ("g21", w.site21_hotel),
        ("g31", w.site31_mine),
    ):
        w.inspections[key] = Inspection.objects.create(
            site=s,
            region_path=s.region_path,
            sector_id=s.sector_id,
            kind="daily_patrol",
            inspected_on=datetime.date(2026, 1, 5),
            inspectors="检查组",
            result="hazards_found",
            recorded_by=_system_user(),
        )
        w.hazards[key] = Hazard.objects.create(
            number=f"YH-{key}",
            site=s,
            region_path=s.region_path,
            sector_id=s.sector_id,
            inspection=w.inspections[key],
            source="patrol",
            category="thing",
            grade="general",
            description=f"{s.name}配电箱未接地",
            reported_by=_system_user(),
        )

    w.users = {
        "leader": make_user("leader", Role.COUNTY_LEADER, w.county),
        "office": make_user("office", Role.COUNTY_OFFICE, w.county),
        "sector_mining": make_user("sector_mining", Role.SECTOR_OFFICER, w.county, sectors=[w.mining]),
        "township1": make_user("township1", Role.TOWNSHIP_OFFICER, w.t1),
        "township2": make_user("township2", Role.TOWNSHIP_OFFICER, w.t2),
        "grid11": make_user("grid11", Role.GRID_WORKER, w.g11),
        "enterprise11": make_user("enterprise11", Role.ENTERPRISE_MANAGER, w.g11, site=w.site11_mine),
        "expert": make_user("expert", Role.EXPERT, w.county),
        "sysadmin": make_user("sysadmin", Role.SYSTEM_ADMIN, w.county),
        "secadmin": make_user("secadmin", Role.SECURITY_ADMIN, w.county),
        "auditor": make_user("auditor", Role.AUDIT_ADMIN, w.county),
        "office_b": make_user("office_b", Role.COUNTY_OFFICE, w.county_b),
        # 上级监管人员 at the city above both counties: reads both, changes nothing.
        "supervisor": make_user("supervisor", Role.SUPERVISOR, w.city),
    }
    return w


@pytest.fixture
def world(db) -> SimpleNamespace:
    return build_world()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """One fast hasher for the whole session (PBKDF2 costs ~0.5 s a hash); the hash cached by
    `password_hash()` and every login in the tests use the same one."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    """Uploads in tests go to a temporary MEDIA_ROOT, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """A request with Accept-Language: en activates English in this thread; reset it so that no
    test leaks its language into the next one."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _passwords_do_not_expire_in_tests(request, settings):
    """The world's accounts are created today and many tests travel years ahead (certificate
    reviews, plan evaluations) to test something else; the password-expiry tests carry the
    `password_expiry` marker and keep the configured period."""
    if request.node.get_closest_marker("password_expiry") is None:
        settings.SAFEGRID_PASSWORD_MAX_AGE_DAYS = 0


@pytest.fixture(autouse=True)
def _isolated_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    """Crawls, export contracts and lockout tests sign in and export far more often in a minute
    than a person does; the burst limits (SECURITY.md F5) have their own tests with real rates
    (safegrid/accounts/tests/test_throttles.py, safegrid/core/tests/test_export_throttle.py)."""
    settings.SAFEGRID_LOGIN_RATE = "100000/min"
    settings.SAFEGRID_EXPORT_RATE = "100000/min"


@pytest.fixture
def as_user(client):
    """Log the test client in as a user of the world: `as_user(world.users["township1"])`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api(db):
    """A DRF client: `api(user)` (browser session) or `api(user, token=True)` (a phone's bearer
    token). Each POST carries a fresh random Idempotency-Key, as a phone does, unless the test
    passes its own (`HTTP_IDEMPOTENCY_KEY="k1"`) or `HTTP_IDEMPOTENCY_KEY=None` to send none."""
    import uuid

    from rest_framework.test import APIClient

    class PhoneLikeClient(APIClient):
        def post(self, path, data=None, format=None, content_type=None, follow=False, **extra):
            headers = extra.get("headers") or {}
            if "HTTP_IDEMPOTENCY_KEY" not in extra and "Idempotency-Key" not in headers:
                extra["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4())
            if extra.get("HTTP_IDEMPOTENCY_KEY", "") is None:
                del extra["HTTP_IDEMPOTENCY_KEY"]
            return super().post(
                path, data=data, format=format, content_type=content_type, follow=follow, **extra
            )

    def make(user=None, *, token=False):
        c = PhoneLikeClient()
        if user is not None and token:
            from knox.models import AuthToken

            _instance, key = AuthToken.objects.create(user=user)
            c.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        elif user is not None:
            c.force_authenticate(user=None)
            c.force_login(user)
        return c

    return make


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}"
