"""The synthetic province (issue 9): counts that scale as specified, every model's validation on a
sample, hazard timelines that follow the transition table, determinism, and refusal to mix with
existing data. Runs at scale 0.001 (one county, two townships, 1,500 hazards: about a second)."""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.roles import ROLE_HANDLING_LEVEL, Role
from safegrid.accounts.services import ROLE_REGION_KINDS
from safegrid.core.fields import blind_q
from safegrid.demo import province
from safegrid.demo.province import ProvinceError, generate_province, loaded_models
from safegrid.hazards.choices import TRANSITIONS, HazardAction, HazardGrade, HazardStatus
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import GridDuty, Organisation, Region, Sector
from safegrid.people.models import Person
from safegrid.people.validators import normalise_id_number, normalise_phone
from safegrid.risks import lec, ls
from safegrid.risks.choices import CONTROL_RANK, MIN_CONTROL_LEVEL, AssessmentMethod
from safegrid.risks.models import RiskAssessment, RiskPoint
from safegrid.sites.models import Site

TODAY = datetime.date(2025, 6, 30)
SCALE = 0.001

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _digest() -> str:
    """A digest of every generated row, in primary-key order (personal data decrypted)."""
    digest = hashlib.sha256()
    for model in loaded_models():
        names = [f.attname for f in model._meta.concrete_fields]
        digest.update(model._meta.db_table.encode())
        for row in model.objects.order_by("pk").values_list(*names):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _generate_and_digest(seed: int) -> str:
    try:
        with transaction.atomic():
            generate_province(scale=SCALE, seed=seed, today=TODAY)
            value = _digest()
            raise _Rollback
    except _Rollback:
        pass
    return value


@pytest.fixture
def counts():
    return generate_province(scale=SCALE, seed=7, today=TODAY)


def test_counts_scale_as_specified(counts):
    assert Region.objects.filter(kind=RegionKind.PROVINCE).count() == 1
    assert Region.objects.filter(kind=RegionKind.COUNTY).count() == 1
    assert Region.objects.filter(kind=RegionKind.TOWNSHIP).count() == 2
    grids = Region.objects.filter(kind=RegionKind.GRID).count()
    assert 2 * 4 <= grids <= 2 * 8
    assert Sector.objects.count() == 14
    assert Site.objects.count() == 100
    assert Hazard.objects.count() == 1_500
    events = HazardEvent.objects.count()
    assert counts["hazard_events"] == events
    assert 0.9 * 5 * 1_500 <= events <= 1.1 * 5 * 1_500  # ≈ 5 events per hazard
    assert RiskPoint.objects.count() == 1_000
    assert RiskAssessment.objects.count() == 1_000
    assert Person.objects.count() == 200
    closed = Hazard.objects.filter(status=HazardStatus.CLOSED).count()
    assert 0.85 <= closed / 1_500 <= 0.95  # ≈ 90 % closed
    major = Hazard.objects.filter(grade=HazardGrade.MAJOR).count()
    assert 0.02 <= major / 1_500 <= 0.08  # ≈ 5 % major
    assert Hazard.objects.overdue(TODAY).count() > 0  # some open hazards are past their deadline
    assert set(Hazard.objects.values_list("status", flat=True).distinct()) == set(HazardStatus.values)
    years = {d.year for d in Hazard.objects.values_list("reported_at", flat=True)}
    assert years == {2020, 2021, 2022, 2023, 2024, 2025}  # five years back from TODAY


def test_counts_of_a_larger_plan():
    plan = province.Plan(scale=1.0, seed=1, today=TODAY)
    assert (plan.counties, plan.townships_per_county) == (100, 16)
    assert (plan.sites, plan.hazards, plan.risk_points, plan.people) == (
        100_000,
        1_500_000,
        1_000_000,
        200_000,
    )
    small = province.Plan(scale=0.1, seed=1, today=TODAY)
    assert (small.counties, small.townships_per_county, small.hazards) == (10, 16, 150_000)


def test_every_model_passes_full_clean_on_a_sample(counts):
    for model in (Region, Sector, Organisation, GridDuty, Site, User, RoleAssignment, Hazard, HazardEvent,
                  RiskPoint, RiskAssessment, Person):  # fmt: skip
        rows = list(model.objects.order_by("pk")[:15]) + list(model.objects.order_by("-pk")[:15])
        assert rows, model
        for row in rows:
            row.full_clean()


def test_scope_keys_are_copied_from_the_site(counts):
    sites = {s.pk: (s.region_path, s.sector_id, s.grid.path) for s in Site.objects.select_related("grid")}
    for path, _sector, grid_path in sites.values():
        assert path == grid_path
    for model in (Hazard, RiskPoint):
        for site_id, path, sector in model.objects.values_list("site_id", "region_path", "sector_id"):
            assert (path, sector) == sites[site_id][:2]
    for path in Region.objects.values_list("path", flat=True):
        assert path.startswith("/990000/")
    for number, path in Hazard.objects.values_list("number", "region_path")[:50]:
        assert number.startswith(f"YH{path.split('/')[3]}")


def test_hazard_timelines_follow_the_transition_table(counts):
    events = defaultdict(list)
    for e in HazardEvent.objects.order_by("hazard_id", "at", "id"):
        events[e.hazard_id].append(e)
    for h in Hazard.objects.all():
        timeline = events[h.pk]
        assert timeline[0].action == HazardAction.REPORT
        assert (timeline[0].from_status, timeline[0].to_status) == ("", HazardStatus.REPORTED)
        assert h.version == len(timeline)
        assert (timeline[-1].to_status, timeline[-1].to_level) == (h.status, h.level)
        for before, after in itertools.pairwise(timeline):
            assert after.from_status == before.to_status and after.from_level == before.to_level
            assert after.at >= before.at
            if after.action == HazardAction.RECTIFY_ON_SPOT:
                assert h.on_the_spot and h.grade == HazardGrade.GENERAL
                continue
            froms, to = TRANSITIONS[after.action]
            assert after.from_status in froms
            assert after.to_status == (to or after.from_status)
            expected_level = (
                after.from_level + 1 if after.action == HazardAction.ESCALATE else after.from_level
            )
            assert after.to_level == expected_level
        assert all(e.at < province.datetime.datetime(2025, 6, 30, tzinfo=province.TZ) for e in timeline)
        if h.grade == HazardGrade.MAJOR:
            assert timeline[0].to_level >= 2
            if h.status in (HazardStatus.RECTIFYING, HazardStatus.VERIFYING, HazardStatus.CLOSED):
                assert h.missing_five_items() == [] and h.supervised
        assigns = [e for e in timeline if e.action == HazardAction.ASSIGN]
        if assigns:
            assert h.deadline >= province.datetime.date.fromisoformat(assigns[-1].data["deadline"])
            assert h.assigned_at == assigns[-1].at and h.assigned_by_id == assigns[-1].actor_id
        if h.status == HazardStatus.CLOSED:
            assert h.closed_at == timeline[-1].at and h.closed_by_id == timeline[-1].actor_id


def test_actors_hold_the_roles_the_services_require(counts):
    grants = defaultdict(list)
    for a in RoleAssignment.objects.prefetch_related("sectors"):
        grants[a.user_id].append(a)
    hazards = {h.pk: h for h in Hazard.objects.all()}
    for e in HazardEvent.objects.exclude(action__in=[HazardAction.REPORT, HazardAction.RECTIFY_ON_SPOT]):
        h = hazards[e.hazard_id]
        roles = {a.role for a in grants[e.actor_id]}
        assert all(h.region_path.startswith(a.region_path) for a in grants[e.actor_id] if a.site_id is None)
        if e.action in (HazardAction.ASSIGN, HazardAction.ESCALATE, HazardAction.EXTEND):
            assert any(ROLE_HANDLING_LEVEL.get(r) == e.from_level for r in roles), (e.action, roles)
    for a in RoleAssignment.objects.select_related("region"):
        assert a.region.kind in ROLE_REGION_KINDS[a.role]
        assert a.region_path == a.region.path
    county = Region.objects.get(kind=RegionKind.COUNTY)
    for role in (Role.COUNTY_LEADER, Role.COUNTY_OFFICE, Role.SECTOR_OFFICER, Role.EXPERT):
        assert RoleAssignment.objects.filter(role=role, region=county).exists()
    for role in (Role.TOWNSHIP_OFFICER, Role.GRID_WORKER, Role.ENTERPRISE_MANAGER):
        assert RoleAssignment.objects.filter(role=role, region_path__startswith=county.path).exists()
    # Sign-in names the benchmarks use.
    assert User.objects.filter(username__in=["province_supervisor", f"c{county.code}_office"]).count() == 2


def test_the_supervisors_above_the_county_hold_one_read_only_role_each(counts):
    """The province and the first city are read by a supervisor (上级监管人员) anchored there: one role
    assignment, one path prefix, a second factor enrolled (the role is privileged); no business role
    anywhere is held by them and nothing they hold handles hazards."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    province_region = Region.objects.get(kind=RegionKind.PROVINCE)
    city = Region.objects.filter(kind=RegionKind.CITY).order_by("code").first()
    expected = {
        "province_supervisor": (province_region.pk, province_region.path),
        "city_supervisor": (city.pk, city.path),
    }
    for username, (region_id, path) in expected.items():
        user = User.objects.get(username=username)
        assert list(user.role_assignments.values_list("role", "region_id", "region_path", "site_id")) == [
            (Role.SUPERVISOR, region_id, path, None)
        ]
        assert not user.role_assignments.get().sectors.exists()
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert set(
        RoleAssignment.objects.filter(role=Role.SUPERVISOR).values_list("user__username", flat=True)
    ) == set(expected)
    assert not User.objects.filter(username="province_leader").exists()
    assert not HazardEvent.objects.filter(actor__username__in=expected).exists()


def test_accounts_sign_in_with_the_demo_password_without_a_rehash(counts):
    from django.conf import settings
    from django.contrib.auth.hashers import identify_hasher

    user = User.objects.get(username="province_supervisor")
    assert user.check_password(settings.SAFEGRID_DEMO_PASSWORD)
    assert identify_hasher(user.password).must_update(user.password) is False


def test_people_and_risks_are_valid(counts):
    person = Person.objects.order_by("pk").first()
    assert Person.objects.filter(blind_q(Person, "id_number", person.id_number)).get() == person
    numbers = set()
    for p in Person.objects.all():
        assert normalise_id_number(p.id_number) == p.id_number
        assert normalise_phone(p.phone) == p.phone
        numbers.add(p.id_number)
    assert len(numbers) == 200
    for point in RiskPoint.objects.all():
        if point.method == AssessmentMethod.LEC:
            assert lec.lec_assess(point.l_value, point.e_value, point.c_value) == (point.score, point.level)
        else:
            assert ls.ls_assess(point.l_value, point.s_value) == (point.score, point.level)
        assert CONTROL_RANK[point.control_level] >= CONTROL_RANK[MIN_CONTROL_LEVEL[point.level]]
    assert Counter(RiskAssessment.objects.values_list("risk_point_id", flat=True)) == Counter(
        dict.fromkeys(RiskPoint.objects.values_list("pk", flat=True), 1)
    )


def test_same_seed_same_rows_and_another_seed_other_rows():
    first = _generate_and_digest(11)
    assert _generate_and_digest(11) == first
    assert _generate_and_digest(12) != first


def test_refuses_a_database_that_holds_regions():
    Region.objects.create(code="360000", name="江西省", kind=RegionKind.PROVINCE, path="/360000/", depth=1)
    with pytest.raises(ProvinceError, match="数据库中已有"):
        generate_province(scale=SCALE, seed=1, today=TODAY)
    with pytest.raises(CommandError, match="请使用一个新建的空数据库"):
        call_command("generate_province", "--scale", "0.001", "--today", "2025-06-30")
    assert Region.objects.count() == 1
    assert Site.objects.count() == Hazard.objects.count() == User.objects.count() == 0


@pytest.mark.parametrize(
    "args", [["--scale", "0"], ["--scale", "nan"], ["--scale", "11"], ["--today", "2025-13-01"]]
)
def test_bad_arguments_are_refused_in_chinese(args):
    with pytest.raises(CommandError, match=r"规模参数|日期"):
        call_command("generate_province", *args)
    assert Region.objects.count() == 0


def test_command_prints_progress():
    from io import StringIO

    out = StringIO()
    call_command("generate_province", "--scale", "0.001", "--seed", "3", "--today", "2025-06-30", stdout=out)
    text = out.getvalue()
    assert "隐患（hazards_hazard）：1,500 行" in text
    assert "行/秒" in text and "完成" in text
