"""The demo county's safety work force (队伍建设): people, their posts, 300+ "专兼结合" teams,
certificates, a year of trainings and a handful of commendations.

`build_demo_people(seed=…, today=…)` runs on a county written by `build_demo_county` and reads it
back in natural-key order (region codes, names), so it depends only on the rows, not on their
primary keys. Everything random comes from one `random.Random` seeded from `seed`, consumed in a
fixed order: the same seed and the same `today` give the same rows. Nothing is dated after today;
trainings and commendations fall in the 365 days before it.

The scale is the county's 2024 bulletin (DESIGN.md §1): 300+ safety teams of government staff sent
down (下沉干部), hired professionals (招聘) and community grid workers (社区网格员); 50+ trainings by
the county committee, its office and the sector committees, 500+ person-times by the office and
2,000+ person-times in all. People: the grid chief and grid worker of every grid's duty list (plus
some part-time grid workers), staff sent down to and hired by every township, sector committee
staff, experts and the safety staff of the operating enterprises (their principal and safety
manager as in the site registry, and special operators) — under 2,000 in all.

Rows carry the scope keys exactly as the services compute them (`people.services`: `_place_person`,
`posting_create`, `_place_team`, `_place_training`, `certificate_create`, `commendation_create`);
special-operation certificate dates come from `people.certificates`, and every special operator's
post started on a day its certificate qualified them (the posting gate, 先培训后上岗). A few
operators (3–6) have since let their certificate expire or missed its review, so the "uncertified
operator" flag has something to show; everyone else at work holds a qualifying certificate today.

Rows are bulk-created; no audit record per row (the county's `demo.seed` record carries the
counts). The recorder of a row is the demo account that may keep it — the enterprise's manager, the
township officer, the sector officer — else the county office (县安委办代录).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.roles import Role
from safegrid.orgs.choices import GridDutyRole, OrganisationKind, RegionKind
from safegrid.orgs.models import GridDuty, Organisation, Region, Sector
from safegrid.people import certificates
from safegrid.people.choices import (
    CertificateKind,
    CertificateStatus,
    CommendationKind,
    Employment,
    Gender,
    OperationCategory,
    PersonSource,
    PostKind,
    TeamKind,
    TeamRole,
    TrainingKind,
)
from safegrid.people.models import (
    Certificate,
    Commendation,
    Person,
    Posting,
    Team,
    TeamMembership,
    Training,
    TrainingAttendance,
)
from safegrid.people.validators import id_check_character
from safegrid.sites.choices import BusinessStatus, SiteCategory, SiteKind
from safegrid.sites.models import Site

from .county import COUNTY, _clean, _Names

YEAR_DAYS = 365
BIRTH_YEARS = (1965, 2000)
TEAMS_TARGET = 310  # the bulletin's "300+": township sector teams fill up to this
OFFICE_PERSON_TIMES = 520  # the office's "500+": grid-worker sessions are added until reached
UNCERTIFIED_RANGE = (4, 5)  # planted uncertified special operators (the bulletin-style "a few")
LEFT_OPERATORS = 12  # special operators who left their post; their certificate has since lapsed

C = OperationCategory
K = SiteKind

# Special operations at each kind of site: (category, operation item of 30号令's catalogue).
OPERATIONS: dict[str, list[tuple[str, str]]] = {
    K.MINE: [
        (C.METAL_MINE, "金属非金属矿井通风作业"),
        (C.METAL_MINE, "金属非金属矿山提升机操作作业"),
        (C.METAL_MINE, "金属非金属矿山支柱作业"),
        (C.METAL_MINE, "金属非金属矿山井下电气作业"),
        (C.METAL_MINE, "金属非金属矿山排水作业"),
        (C.METAL_MINE, "金属非金属矿山爆破作业"),
        (C.METAL_MINE, "金属非金属矿山安全检查作业"),
        (C.ELECTRICAL, "高压电工作业"),
    ],
    K.TAILINGS_POND: [(C.METAL_MINE, "尾矿作业"), (C.METAL_MINE, "金属非金属矿山安全检查作业")],
    K.HAZCHEM: [
        (C.HAZCHEM, "氟化工艺作业"),
        (C.HAZCHEM, "氯化工艺作业"),
        (C.HAZCHEM, "氧化工艺作业"),
        (C.HAZCHEM, "化工自动化控制仪表作业"),
        (C.ELECTRICAL, "防爆电气作业"),
    ],
    K.FIREWORKS: [(C.FIREWORKS, "烟花爆竹储存作业")],
    K.GAS_STATION: [(C.ELECTRICAL, "低压电工作业")],
    K.GAS: [(C.WELDING, "熔化焊接与热切割作业"), (C.ELECTRICAL, "低压电工作业")],
    K.HYDROPOWER: [
        (C.ELECTRICAL, "高压电工作业"),
        (C.ELECTRICAL, "低压电工作业"),
        (C.ELECTRICAL, "继电保护作业"),
    ],
    K.FORESTRY: [(C.ELECTRICAL, "低压电工作业"), (C.WELDING, "熔化焊接与热切割作业")],
    K.FACTORY: [
        (C.WELDING, "熔化焊接与热切割作业"),
        (C.WELDING, "压力焊作业"),
        (C.ELECTRICAL, "低压电工作业"),
        (C.REFRIGERATION, "制冷与空调设备运行操作作业"),
    ],
    K.CONSTRUCTION: [
        (C.HEIGHT, "登高架设作业"),
        (C.HEIGHT, "高处安装、维护、拆除作业"),
        (C.ELECTRICAL, "低压电工作业"),
        (C.WELDING, "熔化焊接与热切割作业"),
    ],
    K.OTHER: [(C.WELDING, "熔化焊接与热切割作业"), (C.ELECTRICAL, "低压电工作业")],
    K.HOTEL: [(C.REFRIGERATION, "制冷与空调设备安装修理作业"), (C.ELECTRICAL, "低压电工作业")],
}
# Tungsten smelting and powder metallurgy: 冶金（有色）生产安全作业 (煤气作业).
METALLURGY_NAMES = ("硬质合金", "粉末冶金", "新材料")

# Who works at an operating enterprise: (share with a principal on the register, operators low–high).
# Every staffed site has a safety manager; key sites always have a principal (they field a team).
STAFFING: dict[str, tuple[float, tuple[int, int]]] = {
    K.MINE: (1.0, (3, 6)),
    K.TAILINGS_POND: (1.0, (1, 2)),
    K.HAZCHEM: (1.0, (2, 5)),
    K.FIREWORKS: (0.3, (0, 0)),  # wholesalers store products: one 储存作业 operator (below)
    K.GAS_STATION: (0.4, (0, 1)),
    K.GAS: (0.5, (1, 3)),
    K.HYDROPOWER: (0.15, (1, 1)),
    K.FORESTRY: (0.15, (0, 1)),
    K.FACTORY: (0.25, (0, 2)),
    K.CONSTRUCTION: (0.3, (1, 2)),
    K.OTHER: (0.2, (0, 1)),
    K.TRANSPORT: (1.0, (0, 0)),
}
# Principals and safety managers of these kinds must pass the 安全生产知识和管理能力考核 (安全生产法
# 第二十七条: 矿山、危险物品、建筑施工、道路运输 …); the certificate is valid for 3 years.
ASSESSED_KINDS = frozenset(
    {K.MINE, K.TAILINGS_POND, K.HAZCHEM, K.FIREWORKS, K.GAS_STATION, K.CONSTRUCTION, K.TRANSPORT}
)
# Forklift and boiler operators hold a special-equipment certificate (valid 4 years).
EQUIPMENT_KINDS = {K.FACTORY: "叉车司机（N1）", K.FORESTRY: "工业锅炉司炉（G1）", K.OTHER: "气瓶充装（P）"}

OPERATION_AUTHORITY = "江西省应急管理厅"
ASSESSMENT_AUTHORITY = "赣州市应急管理局"
EQUIPMENT_AUTHORITY = "赣州市市场监督管理局"

DEPT_TITLES = ("下沉干部（包村）", "下沉干部（驻村）", "下沉干部（挂点）")
HIRED_TITLES = ("安全生产专业技术人员", "注册安全工程师", "安全监管协管员")
EXPERT_TITLES = (
    "高级工程师（采矿）",
    "高级工程师（安全）",
    "工程师（电气）",
    "高级工程师（化工）",
    "工程师（建筑）",
)
EXPERT_FIELDS = ("矿山安全", "危险化学品", "电气安全", "建筑施工", "消防安全", "水利水电", "特种设备")


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.1f}")


@dataclass
class _County:
    """What the people need of the county, read back in natural-key order."""

    county: Region
    townships: list[Region]
    grids: dict[int, list[Region]]  # township id -> its grids by code
    sectors: list[Sector]
    sites: list[Site]
    committee: Organisation
    office: Organisation
    expert_body: Organisation
    departments: list[Organisation]
    sector_committees: dict[int, Organisation]  # sector id -> committee
    township_govs: dict[int, Organisation]  # township id -> government
    grid_units: dict[int, Organisation]  # grid id -> work station
    duty_names: dict[tuple[int, str], str]  # (grid id, duty role) -> name on the duty list
    users: dict[str, User]  # demo accounts by username
    township_users: list[tuple[str, User]]  # (township path, officer)
    sector_users: dict[int, User]
    enterprise_users: dict[int, User]  # site id -> manager
    grid_users: dict[int, User]  # grid id -> grid worker

    @classmethod
    def load(cls) -> _County:
        regions = list(Region.objects.filter(kind__gte=RegionKind.COUNTY).order_by("code"))
        counties = [r for r in regions if r.kind == RegionKind.COUNTY]
        if not counties:
            raise ValueError("演示县尚未生成（没有县级区划），请先生成演示县。")
        county = counties[0]
        townships = [r for r in regions if r.kind == RegionKind.TOWNSHIP]
        grids: dict[int, list[Region]] = {t.pk: [] for t in townships}
        for region in regions:
            if region.kind == RegionKind.GRID:
                grids[region.parent_id].append(region)
        sites = list(Site.objects.select_related("grid", "sector").order_by("grid__code", "name"))
        orgs = list(Organisation.objects.select_related("region").order_by("region__code", "kind", "name"))

        def one(kind: str) -> Organisation:
            found = [o for o in orgs if o.kind == kind]
            if not found:
                raise ValueError(f"演示县缺少 {kind} 组织。")
            return found[0]

        assignments = list(
            RoleAssignment.objects.select_related("user", "region")
            .prefetch_related("sectors")
            .order_by("user__username", "id")
        )
        township_users: list[tuple[str, User]] = []
        sector_users: dict[int, User] = {}
        enterprise_users: dict[int, User] = {}
        grid_users: dict[int, User] = {}
        for a in assignments:
            if a.role == Role.TOWNSHIP_OFFICER:
                township_users.append((a.region_path, a.user))
            elif a.role == Role.SECTOR_OFFICER:
                for sector in sorted(a.sectors.all(), key=lambda s: s.code):
                    sector_users.setdefault(sector.pk, a.user)
            elif a.role == Role.ENTERPRISE_MANAGER and a.site_id is not None:
                enterprise_users.setdefault(a.site_id, a.user)
            elif a.role == Role.GRID_WORKER:
                grid_users.setdefault(a.region_id, a.user)
        return cls(
            county=county,
            townships=townships,
            grids=grids,
            sectors=list(Sector.objects.select_related("lead_department").order_by("sort_order", "code")),
            sites=sites,
            committee=one(OrganisationKind.COUNTY_COMMITTEE),
            office=one(OrganisationKind.COUNTY_OFFICE),
            expert_body=one(OrganisationKind.EXPERT_BODY),
            departments=[o for o in orgs if o.kind == OrganisationKind.DEPARTMENT],
            sector_committees={
                o.sector_id: o for o in orgs if o.kind == OrganisationKind.SECTOR_COMMITTEE and o.sector_id
            },
            township_govs={o.region_id: o for o in orgs if o.kind == OrganisationKind.TOWNSHIP_GOVERNMENT},
            grid_units={o.region_id: o for o in orgs if o.kind == OrganisationKind.GRID_UNIT},
            duty_names={
                (d["grid_id"], d["role"]): d["person_name"]
                for d in GridDuty.objects.order_by("grid__code", "role").values(
                    "grid_id", "role", "person_name"
                )
            },
            users={u.username: u for u in User.objects.order_by("username")},
            township_users=township_users,
            sector_users=sector_users,
            enterprise_users=enterprise_users,
            grid_users=grid_users,
        )

    def office_user(self) -> User:
        office = [u for u in self.users.values() if u.username == "office"]
        if office:
            return office[0]
        raise ValueError("演示县缺少县安委办账号（office）。")


@dataclass
class _Operator:
    person: Person
    category: str
    item: str
    fate: str = "active"  # active | uncertified | left


@dataclass
class _Staff:
    site: Site
    principal: Person | None = None
    manager: Person | None = None
    operators: list[_Operator] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        found = [p for p in (self.principal, self.manager) if p is not None]
        return found + [o.person for o in self.operators]


class _Builder:
    def __init__(self, county: _County, *, seed: int, today: datetime.date) -> None:
        self.c = county
        self.seed = seed
        self.rng = random.Random(f"people-{seed}")
        self.names = _Names(self.rng)
        self.today = today
        self.first_day = today - datetime.timedelta(days=YEAR_DAYS)
        self.last_day = today - datetime.timedelta(days=1)
        self.office_user = county.office_user()
        self.id_numbers: set[str] = set()
        self.people: list[Person] = []
        self.postings: list[Posting] = []
        self.certificates: list[Certificate] = []
        self.teams: list[tuple[Team, list[tuple[Person, str]]]] = []
        self.trainings: list[tuple[Training, list[TrainingAttendance]]] = []
        self.commendations: list[Commendation] = []
        self.grid_people: dict[int, list[Person]] = {}  # grid id -> chief, worker, part-timers
        self.township_people: dict[int, list[Person]] = {}  # township id -> sent down and hired
        self.sector_people: dict[int, list[Person]] = {}  # sector id -> committee staff
        self.experts: list[Person] = []
        self.staff: list[_Staff] = []
        self.uncertified: list[_Operator] = []
        self.seq = Counter()  # certificate serials per kind and year

    # --- dates ----------------------------------------------------------------------------------

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def day_in_year(self) -> datetime.date:
        """A working day of the year before today."""
        day = self.first_day + datetime.timedelta(days=self.rng.randrange(YEAR_DAYS))
        if day.weekday() >= 5:
            day -= datetime.timedelta(days=day.weekday() - 4)  # back to Friday
        return max(day, self.first_day)

    # --- people ---------------------------------------------------------------------------------

    def id_number(self, born: datetime.date, gender: str) -> str:
        """A GB 11643 number registered in the county: address code, birth date, order code (odd
        for men, even for women) and the ISO 7064 MOD 11-2 check character."""
        while True:
            order = (
                2 * self.rng.randrange(500) + 1 if gender == Gender.MALE else 2 * self.rng.randrange(1, 500)
            )
            first17 = f"{COUNTY[0]}{born:%Y%m%d}{order:03d}"
            number = first17 + id_check_character(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def birth(self, low: int = BIRTH_YEARS[0], high: int = BIRTH_YEARS[1]) -> datetime.date:
        start = datetime.date(low, 1, 1)
        return start + datetime.timedelta(
            days=self.rng.randrange((datetime.date(high, 12, 31) - start).days + 1)
        )

    def recorder(self, path: str, sector_id: int | None, site_id: int | None) -> User:
        """The demo account that may keep a row with these keys (MANAGE_PEOPLE there)."""
        c = self.c
        if site_id is not None and site_id in c.enterprise_users:
            return c.enterprise_users[site_id]
        for township_path, user in c.township_users:
            if path.startswith(township_path):
                return user
        if sector_id is not None and sector_id in c.sector_users:
            return c.sector_users[sector_id]
        return self.office_user

    def person(
        self,
        *,
        source: str,
        employment: str,
        region: Region | None = None,
        organisation: Organisation | None = None,
        site: Site | None = None,
        name: str = "",
        title: str = "",
        male_share: float = 0.6,
        born: tuple[int, int] = BIRTH_YEARS,
        user: User | None = None,
    ) -> Person:
        gender = Gender.MALE if self.rng.random() < male_share else Gender.FEMALE
        birth = self.birth(*born)
        person = Person(
            name=name or self.names.person(),
            gender=gender,
            id_number=self.id_number(birth, gender),
            phone=self.names.mobile(),
            source=source,
            employment=employment,
            organisation=organisation,
            site=site,
            region=region,
            user=user,
            title=title,
        )
        # The keys as `services._place_person` copies them.
        if site is not None:
            person.region = site.grid
            person.region_path = site.region_path
            person.sector_id = site.sector_id
        else:
            person.region_path = region.path
            person.sector_id = organisation.sector_id if organisation is not None else None
        person.created_by = self.recorder(person.region_path, person.sector_id, person.site_id)
        self.people.append(person)
        return person

    def post(
        self,
        person: Person,
        post: str,
        *,
        started_on: datetime.date,
        region: Region | None = None,
        site: Site | None = None,
        category: str = "",
        ended_on: datetime.date | None = None,
    ) -> Posting:
        """A posting with the keys and region `posting_create` gives it."""
        if site is not None:
            region = site.grid
        elif region is None:
            region = person.region
        posting = Posting(
            person=person,
            post=post,
            operation_category=category,
            region=region,
            site=site,
            region_path=site.region_path if site else region.path,
            sector_id=site.sector_id if site else person.sector_id,
            started_on=started_on,
            ended_on=ended_on,
            created_by=person.created_by,
        )
        self.postings.append(posting)
        return posting

    @staticmethod
    def born_on(person: Person) -> datetime.date:
        return datetime.date(
            int(person.id_number[6:10]), int(person.id_number[10:12]), int(person.id_number[12:14])
        )

    def since(self, person: Person, low_years: int, high_years: int) -> datetime.date:
        """A start date `low`–`high` years ago, but not before the person turned 20."""
        day = self.days_ago(max(1, low_years * 365), high_years * 365)
        return max(day, certificates.add_years(self.born_on(person), 20))

    def plan_grid_people(self) -> None:
        c = self.c
        for township in c.townships:
            government = c.township_govs[township.pk]
            for grid in c.grids[township.pk]:
                unit = c.grid_units[grid.pk]
                chief = self.person(
                    source=PersonSource.GRID_WORKER,
                    employment=Employment.PART_TIME,
                    region=grid,
                    organisation=government,
                    name=c.duty_names.get((grid.pk, GridDutyRole.GRID_CHIEF), ""),
                    title="网格长（村（社区）党组织书记）",
                    male_share=0.8,
                    born=(1965, 1988),
                )
                worker = self.person(
                    source=PersonSource.GRID_WORKER,
                    employment=Employment.FULL_TIME if self.rng.random() < 0.8 else Employment.PART_TIME,
                    region=grid,
                    organisation=unit,
                    name=c.duty_names.get((grid.pk, GridDutyRole.GRID_WORKER), ""),
                    title="专职网格员",
                    male_share=0.45,
                    born=(1972, 1998),
                    user=c.grid_users.get(grid.pk),
                )
                if worker.employment == Employment.PART_TIME:
                    worker.title = "兼职网格员"
                crew = [chief, worker]
                for _ in range(self.rng.randint(0, 1)):
                    crew.append(
                        self.person(
                            source=PersonSource.GRID_WORKER,
                            employment=Employment.PART_TIME,
                            region=grid,
                            organisation=unit,
                            title="兼职网格员（村（社区）安全员）",
                            male_share=0.5,
                            born=(1970, 1998),
                        )
                    )
                self.grid_people[grid.pk] = crew
                self.post(chief, PostKind.GRID_CHIEF, region=grid, started_on=self.since(chief, 1, 6))
                for member in crew[1:]:
                    self.post(member, PostKind.GRID_WORKER, region=grid, started_on=self.since(member, 1, 5))

    def plan_township_people(self) -> None:
        c = self.c
        for township in c.townships:
            government = c.township_govs[township.pk]
            crew = []
            for _ in range(self.rng.randint(3, 5)):
                department = self.rng.choice(c.departments)
                crew.append(
                    self.person(
                        source=PersonSource.SENT_DOWN,
                        employment=Employment.PART_TIME if self.rng.random() < 0.6 else Employment.FULL_TIME,
                        region=township,
                        organisation=department,
                        title=f"{department.short_name or department.name}{self.rng.choice(DEPT_TITLES)}",
                        male_share=0.7,
                        born=(1968, 1995),
                    )
                )
            for _ in range(self.rng.randint(1, 3)):
                crew.append(
                    self.person(
                        source=PersonSource.HIRED,
                        employment=Employment.FULL_TIME,
                        region=township,
                        organisation=government,
                        title=self.rng.choice(HIRED_TITLES),
                        male_share=0.65,
                        born=(1980, 2000),
                    )
                )
            self.township_people[township.pk] = crew
            for member in crew:
                self.post(
                    member, PostKind.TOWNSHIP_SAFETY, region=township, started_on=self.since(member, 1, 4)
                )

    def plan_sector_people(self) -> None:
        c = self.c
        for sector in c.sectors:
            committee = c.sector_committees.get(sector.pk)
            if committee is None:
                continue
            crew = [
                self.person(
                    source=PersonSource.HIRED if self.rng.random() < 0.4 else PersonSource.SENT_DOWN,
                    employment=Employment.FULL_TIME if self.rng.random() < 0.5 else Employment.PART_TIME,
                    region=c.county,
                    organisation=committee,
                    title=f"{sector.name}行业监管员",
                    male_share=0.7,
                    born=(1968, 1996),
                )
                for _ in range(self.rng.randint(3, 5))
            ]
            self.sector_people[sector.pk] = crew
            for member in crew:
                self.post(
                    member, PostKind.SECTOR_INSPECTOR, region=c.county, started_on=self.since(member, 1, 6)
                )

    def plan_experts(self) -> None:
        c = self.c
        expert_user = c.users.get("expert")
        for index in range(12):
            self.experts.append(
                self.person(
                    source=PersonSource.EXPERT,
                    employment=Employment.PART_TIME,
                    region=c.county,
                    organisation=c.expert_body,
                    name=expert_user.display_name if index == 0 and expert_user else "",
                    user=expert_user if index == 0 else None,
                    title=f"{self.rng.choice(EXPERT_TITLES)}，{self.rng.choice(EXPERT_FIELDS)}专家",
                    male_share=0.8,
                    born=(1965, 1985),
                )
            )

    def plan_enterprise_people(self) -> None:
        c = self.c
        for site in c.sites:
            spec = STAFFING.get(site.kind)
            if spec is None or site.business_status != BusinessStatus.OPERATING:
                continue
            if site.category not in (SiteCategory.ENTERPRISE, SiteCategory.PROJECT):
                continue
            principal_share, (low, high) = spec
            staff = _Staff(site=site)
            user = c.enterprise_users.get(site.pk)
            if site.is_key or self.rng.random() < principal_share:
                staff.principal = self.person(
                    source=PersonSource.ENTERPRISE,
                    employment=Employment.PART_TIME,
                    site=site,
                    name=site.legal_representative,
                    title="矿长" if site.kind == K.MINE else "主要负责人",
                    male_share=0.85,
                    born=(1965, 1988),
                )
            staff.manager = self.person(
                source=PersonSource.ENTERPRISE,
                employment=Employment.FULL_TIME
                if site.is_key or site.employees >= 100
                else Employment.PART_TIME,
                site=site,
                name=user.display_name if user else site.safety_contact,
                user=user,
                title="安全生产管理人员（安全员）",
                male_share=0.75,
                born=(1968, 1995),
            )
            operations = list(OPERATIONS.get(site.kind, []))
            if site.kind == K.FACTORY and any(word in site.name for word in METALLURGY_NAMES):
                operations.append((C.METALLURGY, "煤气作业"))
            count = self.rng.randint(low, high) if operations else 0
            if site.kind == K.FIREWORKS and "批发" in site.name:
                count = 1
            for _ in range(count):
                category, item = self.rng.choice(operations)
                person = self.person(
                    source=PersonSource.ENTERPRISE,
                    employment=Employment.FULL_TIME,
                    site=site,
                    title=item.removesuffix("作业") + "作业人员",
                    male_share=1.0 if site.kind == K.MINE else 0.95,  # no women underground (禁忌劳动)
                )
                staff.operators.append(_Operator(person=person, category=category, item=item))
            self.staff.append(staff)

    # --- certificates and enterprise postings ----------------------------------------------------

    def _number(self, kind: str, issue: datetime.date, person: Person) -> str:
        if kind == CertificateKind.SPECIAL_OPERATION:
            return f"T{person.id_number}"  # since 2019 the operation certificate carries the ID number
        self.seq[(kind, issue.year)] += 1
        prefix = "赣安考" if kind == CertificateKind.SAFETY_MANAGEMENT else "赣特"
        return f"{prefix}{issue.year}{self.seq[(kind, issue.year)]:05d}"

    def certificate(
        self,
        person: Person,
        *,
        kind: str,
        issue: datetime.date,
        category: str = "",
        item: str = "",
        expiry: datetime.date | None = None,
        reviewed_on: datetime.date | None = None,
        extended: bool = False,
        continuous_since: datetime.date | None = None,
        violations: int = 0,
    ) -> Certificate:
        """A certificate with the keys and dates `certificate_create` (and the review and extension
        services) give it."""
        cert = Certificate(
            person=person,
            region_path=person.region_path,
            sector_id=person.sector_id,
            site_id=person.site_id,
            kind=kind,
            category=category,
            item=item,
            number=self._number(kind, issue, person),
            issuing_authority={
                CertificateKind.SPECIAL_OPERATION: OPERATION_AUTHORITY,
                CertificateKind.SAFETY_MANAGEMENT: ASSESSMENT_AUTHORITY,
            }.get(kind, EQUIPMENT_AUTHORITY),
            issue_date=issue,
            reviewed_on=reviewed_on,
            review_extended=extended,
            continuous_since=continuous_since or issue,
            violations=violations,
            created_by=person.created_by,
        )
        if kind == CertificateKind.SPECIAL_OPERATION:
            cert.expiry_date = certificates.expiry_date(issue)
            cert.review_due_date = certificates.review_due_date(issue, extended=extended)
        else:
            cert.expiry_date = expiry
            cert.review_due_date = None
        self.certificates.append(cert)
        return cert

    def _review_on(self, due: datetime.date) -> datetime.date:
        """A day `certificate_review` accepts: within the 60 days up to the review date."""
        return min(
            due - datetime.timedelta(days=self.rng.randint(1, certificates.REMINDER_DAYS - 1)), self.last_day
        )

    def operation_certificate(self, op: _Operator) -> Certificate:
        """The certificate of an operator at work: it qualifies them today and since the day it was
        issued (their post starts on or after it). A spread of states: recent, review due within 60
        days, reviewed, reviews extended (10+ clean years in the trade), expiry within 60 days."""
        rng, today = self.rng, self.today
        person = op.person
        adult = certificates.add_years(self.born_on(person), 18)
        state = rng.choices(
            ["recent", "review_due", "reviewed", "extended", "expiry_due"], weights=[40, 7, 35, 12, 6]
        )[0]
        if state == "review_due":  # the 3-year review falls due in the next 60 days
            issue = certificates.add_years(today + datetime.timedelta(days=rng.randint(1, 58)), -3)
        elif state == "expiry_due":  # the 6-year validity ends in the next 60 days
            issue = certificates.add_years(today + datetime.timedelta(days=rng.randint(1, 58)), -6)
        elif state == "recent":
            issue = self.days_ago(30, 3 * 365 - 70)
        else:  # reviewed or extended: between the first review and the reminder window of the expiry
            issue = self.days_ago(3 * 365 + 5, 6 * 365 - 70)
        issue = max(issue, adult)  # a young operator: issued as an adult (then simply recent)
        years_before = rng.choice([0, 0, 0, 3, 6, 9, 12])  # renewed holders were in the trade before
        continuous = max(certificates.add_years(issue, -years_before), adult)
        review_due = certificates.review_due_date(issue, extended=False)
        pending_review_passed = review_due <= self.last_day
        extended = False
        if state in ("extended", "expiry_due") or (state == "reviewed" and rng.random() < 0.1):
            # Extension was granted on a day the certificate was valid: before its review fell due.
            on = min(review_due, self.last_day)
            extended = certificates.may_extend_review(continuous_since=continuous, on=on, violations=0)
        reviewed_on = None
        if pending_review_passed and not extended:
            reviewed_on = self._review_on(review_due)
        cert = self.certificate(
            person,
            kind=CertificateKind.SPECIAL_OPERATION,
            issue=issue,
            category=op.category,
            item=op.item,
            reviewed_on=reviewed_on,
            extended=extended,
            continuous_since=continuous,
            violations=0 if extended or rng.random() < 0.95 else 1,
        )
        _require(cert.dates.qualifies(today), "operator not qualified", person.name, cert.number)
        return cert

    def lapsed_certificate(self, op: _Operator, lapse: str) -> tuple[Certificate, datetime.date]:
        """A certificate that has lapsed since its holder took the post: `expired` (6 years passed
        although reviewed in time) or `review_overdue` (the 3-year review missed). Returns it and
        the last day it qualified."""
        person = op.person
        adult = certificates.add_years(self.born_on(person), 18)
        if lapse == "expired":
            issue = max(certificates.add_years(self.days_ago(10, 200), -6), adult)
            due = certificates.review_due_date(issue, extended=False)
            cert = self.certificate(
                person,
                kind=CertificateKind.SPECIAL_OPERATION,
                issue=issue,
                category=op.category,
                item=op.item,
                reviewed_on=self._review_on(due),
            )
            last_valid = cert.expiry_date
        else:
            issue = max(certificates.add_years(self.days_ago(10, 200), -3), adult)
            cert = self.certificate(
                person,
                kind=CertificateKind.SPECIAL_OPERATION,
                issue=issue,
                category=op.category,
                item=op.item,
            )
            last_valid = cert.review_due_date
        wanted = CertificateStatus.EXPIRED if lapse == "expired" else CertificateStatus.REVIEW_OVERDUE
        _require(cert.status_on(self.today) == wanted, "lapse not as planned", person.name, lapse)
        return cert, last_valid

    def plan_enterprise_posts(self) -> None:
        """Principal, safety manager and special operators at their sites, with certificates. A few
        operators are planted without a qualifying certificate today (the flag), and a few who
        left their post keep a certificate that has since lapsed."""
        rng = self.rng
        operators = [op for staff in self.staff for op in staff.operators]
        # The planted few: one at the enterprise account's own mine when it has operators, the
        # rest spread over the county; alternately expired and overdue for review.
        planted_count = rng.randint(*UNCERTIFIED_RANGE)
        own = [op for op in operators if op.person.site_id in self.c.enterprise_users]
        others = [op for op in operators if op.person.site_id not in self.c.enterprise_users]
        rng.shuffle(others)
        planted = own[:1]
        kinds = {op.person.site.kind for op in planted}
        for op in others:  # one per kind of site: a miner, a welder, an electrician …
            if len(planted) < planted_count and op.person.site.kind not in kinds:
                planted.append(op)
                kinds.add(op.person.site.kind)
        for op in planted:
            op.fate = "uncertified"
        for op in [op for op in others if op.fate == "active"][:LEFT_OPERATORS]:
            op.fate = "left"
        for staff in self.staff:
            site = staff.site
            for person, post in (
                (staff.principal, PostKind.PRINCIPAL),
                (staff.manager, PostKind.SAFETY_MANAGER),
            ):
                if person is None:
                    continue
                started = self.since(person, 1, 8)
                self.post(person, post, site=site, started_on=started)
                if site.kind in ASSESSED_KINDS and rng.random() < 0.9:
                    # 考核合格证: valid 3 years; renewed on time by most, a few run out.
                    issue = self.days_ago(20, 3 * 365 + 200)
                    self.certificate(
                        person,
                        kind=CertificateKind.SAFETY_MANAGEMENT,
                        issue=issue,
                        item="主要负责人" if post == PostKind.PRINCIPAL else "安全生产管理人员",
                        expiry=certificates.add_years(issue, 3),
                    )
            for op in staff.operators:
                ended = None
                if op.fate == "active":
                    cert = self.operation_certificate(op)
                    started = self.days_ago(1, (self.today - cert.issue_date).days)
                else:
                    if op.fate == "uncertified":  # still at work: alternately expired and overdue
                        lapse = "expired" if len(self.uncertified) % 2 == 0 else "review_overdue"
                        self.uncertified.append(op)
                    else:  # left the post while qualified; the certificate lapsed afterwards
                        lapse = rng.choice(["expired", "review_overdue"])
                    cert, last_valid = self.lapsed_certificate(op, lapse)
                    if op.fate == "left":
                        ended = last_valid - datetime.timedelta(days=rng.randint(31, 120))
                        op.person.is_active, op.person.note = False, "已离岗"
                    latest = (ended or last_valid) - cert.issue_date
                    started = cert.issue_date + datetime.timedelta(days=rng.randint(0, latest.days))
                # The posting gate (先培训后上岗): the certificate qualified them the day they started.
                _require(cert.dates.qualifies(started), "posting gate", op.person.name, str(started))
                self.post(
                    op.person,
                    PostKind.SPECIAL_OPERATOR,
                    site=site,
                    category=op.category,
                    started_on=started,
                    ended_on=ended,
                )
            if site.kind in EQUIPMENT_KINDS and staff.operators and rng.random() < 0.3:
                holder = staff.operators[0].person
                if holder.is_active:
                    issue = self.days_ago(60, 4 * 365 + 150)
                    self.certificate(
                        holder,
                        kind=CertificateKind.SPECIAL_EQUIPMENT,
                        issue=issue,
                        item=EQUIPMENT_KINDS[site.kind],
                        expiry=certificates.add_years(issue, 4),
                    )

    # --- teams ----------------------------------------------------------------------------------

    def team(
        self,
        *,
        name: str,
        kind: str,
        leader: Person,
        members: list[Person],
        region: Region | None = None,
        sector_id: int | None = None,
        site: Site | None = None,
        organisation: Organisation | None = None,
    ) -> None:
        """A team with the keys `_place_team` (and `team_create`'s sector) give it."""
        team = Team(name=name, kind=kind, organisation=organisation, note="专兼结合")
        if kind == TeamKind.ENTERPRISE:
            team.site = site
            team.region = site.grid
            team.region_path = site.region_path
            team.sector_id = site.sector_id
        else:
            team.region = region
            team.region_path = region.path
            team.sector_id = sector_id
        team.created_by = self.recorder(team.region_path, team.sector_id, team.site_id)
        roster = _unique([leader, *members])
        self.teams.append((team, [(p, TeamRole.LEADER if p is leader else TeamRole.MEMBER) for p in roster]))

    def plan_teams(self) -> None:
        c, rng = self.c, self.rng
        staff_by_grid: dict[int, list[_Staff]] = {}
        for staff in self.staff:
            staff_by_grid.setdefault(staff.site.grid_id, []).append(staff)
        # One team per grid: the grid chief leads the grid workers, a cadre sent down to the
        # township (包片) and the safety managers of up to two of the grid's enterprises.
        for township in c.townships:
            cadres = self.township_people[township.pk]
            for grid in c.grids[township.pk]:
                crew = self.grid_people[grid.pk]
                managers = [s.manager for s in staff_by_grid.get(grid.pk, []) if s.manager is not None]
                self.team(
                    name=f"{grid.name}安全队伍",
                    kind=TeamKind.GRID,
                    region=grid,
                    organisation=c.grid_units[grid.pk],
                    leader=crew[0],
                    members=[*crew[1:], rng.choice(cadres), *managers[:2]],
                )
        # One team per township: its cadres and hired professionals, with a few grid workers.
        for township in c.townships:
            cadres = self.township_people[township.pk]
            workers = [self.grid_people[g.pk][1] for g in c.grids[township.pk]]
            self.team(
                name=f"{township.name}安全生产专兼职队伍",
                kind=TeamKind.TOWNSHIP,
                region=township,
                organisation=c.township_govs[township.pk],
                leader=cadres[0],
                members=[*cadres[1:], *rng.sample(workers, min(3, len(workers)))],
            )
        # One team per sector committee: its staff, two experts and safety managers of the sector.
        for sector in c.sectors:
            crew = self.sector_people.get(sector.pk)
            if not crew:
                continue
            managers = [s.manager for s in self.staff if s.site.sector_id == sector.pk and s.manager]
            self.team(
                name=f"{sector.name}行业领域安全队伍",
                kind=TeamKind.SECTOR,
                region=c.county,
                sector_id=sector.pk,
                organisation=c.sector_committees[sector.pk],
                leader=crew[0],
                members=[
                    *crew[1:],
                    *rng.sample(self.experts, 2),
                    *rng.sample(managers, min(3, len(managers))),
                ],
            )
        # A team at every key enterprise with a principal and a safety manager on the register.
        for staff in self.staff:
            if staff.site.is_key and staff.principal is not None and staff.manager is not None:
                self.team(
                    name=f"{staff.site.name}安全队伍",
                    kind=TeamKind.ENTERPRISE,
                    site=staff.site,
                    leader=staff.principal,
                    members=[staff.manager, *(o.person for o in staff.operators if o.fate != "left")],
                )
        # Township teams of the sectors with the most enterprises there, up to the bulletin's 300+.
        missing = max(0, TEAMS_TARGET - len(self.teams))
        per_township = max(2, -(-missing // len(c.townships)))
        sector_names = {s.pk: s.name for s in c.sectors}
        for township in c.townships:
            cadres = self.township_people[township.pk]
            local = [s for s in self.staff if s.site.grid.parent_id == township.pk]
            busiest = Counter(s.site.sector_id for s in local).most_common(per_township)
            for sector_id, _count in busiest:
                managers = [s.manager for s in local if s.site.sector_id == sector_id and s.manager]
                workers = [self.grid_people[g.pk][1] for g in c.grids[township.pk]]
                self.team(
                    name=f"{township.name}{sector_names[sector_id]}安全监管队伍",
                    kind=TeamKind.SECTOR,
                    region=township,
                    sector_id=sector_id,
                    organisation=c.township_govs[township.pk],
                    leader=rng.choice(cadres),
                    members=[*rng.sample(managers, min(3, len(managers))), rng.choice(workers)],
                )

    # --- trainings ------------------------------------------------------------------------------

    def training(
        self,
        *,
        kind: str,
        title: str,
        organiser: Organisation,
        attendees: list[Person],
        outside: int,
        hours: float,
        location: str,
        content: str,
        site: Site | None = None,
        held_on: datetime.date | None = None,
        scored: bool = False,
    ) -> Training:
        """A training with the keys `_place_training` gives it and the counts `_count` keeps."""
        training = Training(
            kind=kind,
            title=title,
            organiser=organiser,
            site=site,
            held_on=held_on or self.day_in_year(),
            hours=_decimal(hours),
            location=location,
            content=content,
            outside_trainees=outside,
        )
        if site is not None:
            training.region_path, training.sector_id = site.region_path, site.sector_id
        else:
            training.region_path, training.sector_id = organiser.region_path, organiser.sector_id
        training.created_by = self.recorder(training.region_path, training.sector_id, training.site_id)
        people = _unique(attendees)
        rows = []
        for person in people:
            row = TrainingAttendance(training=training, person=person)
            if scored:
                score = self.rng.randint(110, 200) / 2
                row.score, row.passed = _decimal(score), score >= 60
            rows.append(row)
        training.attendee_count = len(rows)
        training.person_times = training.attendee_count + outside
        passed = sum(1 for r in rows if r.passed)
        training.results = (
            f"参训{training.person_times}人次，其中系统内人员{training.attendee_count}人"
            + (f"，考核合格{passed}人" if scored else "")
            + "。"
        )
        self.trainings.append((training, rows))
        return training

    def plan_trainings(self) -> None:
        c, rng = self.c, self.rng
        grid_people = [p for crew in self.grid_people.values() for p in crew]
        cadres = [p for crew in self.township_people.values() for p in crew]
        sector_staff = [p for crew in self.sector_people.values() for p in crew]
        bosses = [p for s in self.staff for p in (s.principal, s.manager) if p is not None and p.is_active]
        hired = [p for p in cadres if p.source == PersonSource.HIRED]
        office, committee = c.office, c.committee
        hall = "县行政中心三楼会议室"
        # The county committee: leaders' and cadres' study sessions.
        for index in range(3):
            self.training(
                kind=TrainingKind.IN_SERVICE,
                title=f"全县安全生产专题培训班（第{index + 1}期）",
                organiser=committee,
                attendees=rng.sample(cadres, rng.randint(20, 30)),
                outside=rng.randint(30, 50),
                hours=8,
                location=hall,
                content="学习习近平总书记关于安全生产的重要论述，解读《安全生产法》和“三管三必须”责任体系。",
            )
        # The county office: its own sessions, until 500+ person-times.
        office_plan = [
            (
                TrainingKind.IN_SERVICE,
                "下沉干部和招聘人员安全生产在职教育",
                cadres + sector_staff,
                (25, 40),
                (0, 5),
                16,
            ),
            (TrainingKind.BUSINESS, "企业主要负责人和安全管理人员培训", bosses, (30, 45), (10, 30), 16),
            (TrainingKind.CONTEST, "网格员隐患排查技能比武", grid_people, (30, 40), (0, 0), 8),
            (TrainingKind.SHADOWING, "招聘专业人员跟班实训", hired, (4, 8), (0, 0), 40),
            (TrainingKind.BUSINESS, "网格员业务培训", grid_people, (30, 40), (0, 8), 8),
        ]
        for kind, title, pool, size, outside, hours in office_plan:
            for index in range(2):
                self.training(
                    kind=kind,
                    title=f"{title}（第{index + 1}期）",
                    organiser=office,
                    attendees=rng.sample(pool, min(len(pool), rng.randint(*size))),
                    outside=rng.randint(*outside),
                    hours=hours,
                    location="县应急管理局执法大队" if kind == TrainingKind.SHADOWING else hall,
                    content=_CONTENT[kind],
                    scored=kind == TrainingKind.CONTEST,
                )
        batch = 2
        while (
            sum(t.person_times for t, _rows in self.trainings if t.organiser_id == office.pk)
            < OFFICE_PERSON_TIMES
        ):
            batch += 1
            self.training(
                kind=TrainingKind.BUSINESS,
                title=f"网格员业务培训（第{batch}期）",
                organiser=office,
                attendees=rng.sample(grid_people, rng.randint(30, 40)),
                outside=rng.randint(0, 8),
                hours=8,
                location=hall,
                content=_CONTENT[TrainingKind.BUSINESS],
            )
        # The sector committees: two sessions each for their enterprises; special-operation
        # training where the sector has operators (welders and others without certificates among
        # the trainees, counted from outside the register).
        for sector in c.sectors:
            committee_org = c.sector_committees.get(sector.pk)
            if committee_org is None:
                continue
            local = [s for s in self.staff if s.site.sector_id == sector.pk]
            managers = [p for s in local for p in (s.principal, s.manager) if p is not None]
            operators = [o for s in local for o in s.operators if o.fate == "active"]
            for index in range(2):
                pool = managers + self.sector_people[sector.pk]
                self.training(
                    kind=TrainingKind.BUSINESS,
                    title=f"{sector.name}行业安全生产业务培训（第{index + 1}期）",
                    organiser=committee_org,
                    attendees=rng.sample(pool, min(len(pool), rng.randint(8, 20))),
                    outside=rng.randint(5, 20),
                    hours=rng.choice([4, 8, 12]),
                    location=f"{(sector.lead_department or committee_org).short_name}会议室",
                    content=f"{sector.name}行业安全生产法律法规、重大事故隐患判定标准和典型事故案例。",
                )
            by_category: dict[str, list[Person]] = {}
            for op in operators:
                by_category.setdefault(op.category, []).append(op.person)
            for category, people in sorted(by_category.items(), key=lambda kv: -len(kv[1]))[:2]:
                label = OperationCategory(category).label
                self.training(
                    kind=TrainingKind.SPECIAL_OPERATION,
                    title=f"{label}人员安全技术培训（取证、复审）",
                    organiser=committee_org,
                    attendees=rng.sample(people, min(len(people), rng.randint(5, 20))),
                    outside=rng.randint(10, 35),
                    hours=rng.choice([24, 32, 48]),
                    location="县职业中等专业学校实训基地",
                    content=f"{label}安全技术理论和实际操作；未持证人员参加取证培训，持证人员参加复审培训。",
                    scored=True,
                )
        # Each township: its grid workers and village safety officers.
        for township in c.townships:
            crew = [p for g in c.grids[township.pk] for p in self.grid_people[g.pk]]
            self.training(
                kind=TrainingKind.BUSINESS,
                title=f"{township.name}网格员及村（社区）安全员培训",
                organiser=c.township_govs[township.pk],
                attendees=[*crew[:30], *self.township_people[township.pk]],
                outside=rng.randint(5, 25),
                hours=4,
                location=f"{township.name}人民政府会议室",
                content=_CONTENT[TrainingKind.BUSINESS],
            )
        # Whole-staff training at a dozen key enterprises, organised by the sector's lead department.
        keyed = [s for s in self.staff if s.site.is_key and len(s.people) >= 3]
        for staff in rng.sample(keyed, min(12, len(keyed))):
            site = staff.site
            sector = next(s for s in c.sectors if s.pk == site.sector_id)
            organiser = sector.lead_department or c.sector_committees[sector.pk]
            self.training(
                kind=TrainingKind.ENTERPRISE,
                title=f"{site.name}全员安全生产培训",
                organiser=organiser,
                site=site,
                attendees=[p for p in staff.people if p.is_active],
                outside=min(site.employees, rng.randint(10, 40)),
                hours=8,
                location=site.name,
                content=_CONTENT[TrainingKind.ENTERPRISE],
            )

    # --- commendations --------------------------------------------------------------------------

    def commendation(
        self,
        *,
        kind: str,
        title: str,
        issuer: Organisation,
        awarded_on: datetime.date,
        number: str,
        reason: str,
        person: Person | None = None,
        organisation: Organisation | None = None,
        site: Site | None = None,
    ) -> None:
        """A commendation with the keys `commendation_create` gives it; `number` is the document
        number with `{year}` for the year it was issued."""
        item = Commendation(
            kind=kind,
            title=title,
            awarded_on=awarded_on,
            issuer=issuer,
            document_number=number.format(year=awarded_on.year),
            person=person,
            organisation=organisation,
            recipient_site=site,
            reason=reason,
        )
        if person is not None:
            item.region_path, item.sector_id, item.site_id = (
                person.region_path,
                person.sector_id,
                person.site_id,
            )
        elif organisation is not None:
            item.region_path, item.sector_id, item.site_id = (
                organisation.region_path,
                organisation.sector_id,
                None,
            )
        else:
            item.region_path, item.sector_id, item.site_id = site.region_path, site.sector_id, site.pk
        sector_user = self.c.sector_users.get(issuer.sector_id) if issuer.sector_id else None
        item.created_by = sector_user or self.office_user
        self.commendations.append(item)

    @staticmethod
    def prefix(sector: Sector) -> str:
        """The issuing department's 代字 (as the enforcement numbering of the demo uses)."""
        from .activity import DEPT_PREFIXES

        lead = sector.lead_department
        return DEPT_PREFIXES.get(lead.short_name, "安") if lead is not None else "安"

    def plan_commendations(self) -> None:
        """The annual awards of the previous year (one document of the county committee, early in
        the year), two enterprises commended by their sector committees, and notices of praise."""
        c, rng = self.c, self.rng
        spring = [
            self.first_day + datetime.timedelta(days=i)
            for i in range(YEAR_DAYS)
            if (self.first_day + datetime.timedelta(days=i)).month <= 3
        ]
        day = rng.choice([d for d in spring if d.weekday() < 5])
        number = f"崇安委字〔{{year}}〕{rng.randint(3, 12)}号"
        workers = [crew[1] for crew in self.grid_people.values()]
        for person in rng.sample(workers, 4):
            self.commendation(
                kind=CommendationKind.AWARD,
                title=f"{day.year - 1}年度全县优秀网格员",
                issuer=c.committee,
                awarded_on=day,
                number=number,
                reason="坚持常态化网格巡查，及时发现并督促整改各类安全隐患，推动隐患闭环管理。",
                person=person,
            )
        for government in rng.sample(sorted(c.township_govs.values(), key=lambda o: o.region.code), 2):
            self.commendation(
                kind=CommendationKind.AWARD,
                title=f"{day.year - 1}年度安全生产工作先进单位",
                issuer=c.committee,
                awarded_on=day,
                number=number,
                reason="安全生产责任落实到位，网格化监管体系运行良好，全年未发生较大以上生产安全事故。",
                organisation=government,
            )
        keyed = [s.site for s in self.staff if s.site.is_key]
        for site in rng.sample(keyed, 2):
            self.commendation(
                kind=CommendationKind.AWARD,
                title="安全生产标准化建设先进企业",
                issuer=c.sector_committees[site.sector_id],
                awarded_on=self.day_in_year(),
                number=f"崇{self.prefix(site.sector)}字〔{{year}}〕{rng.randint(1, 20)}号",
                reason="安全生产标准化达标，双重预防机制运行有效，隐患自查自改常态化。",
                site=site,
            )
        awarded = [item.person for item in self.commendations if item.person is not None]
        for person in rng.sample([p for p in workers if p not in awarded], 2):
            self.commendation(
                kind=CommendationKind.NOTICE,
                title="网格巡查发现重大事故隐患通报表扬",
                issuer=c.office,
                awarded_on=self.day_in_year(),
                number=f"崇安办字〔{{year}}〕{rng.randint(10, 90)}号",
                reason="日常巡查中及时发现并报告重大事故隐患，避免了事故发生。",
                person=person,
            )
        sector = rng.choice([s for s in c.sectors if s.pk in c.sector_committees])
        july = [  # after June's 安全生产月
            d for d in (self.first_day + datetime.timedelta(days=i) for i in range(YEAR_DAYS)) if d.month == 7
        ]
        self.commendation(
            kind=CommendationKind.NOTICE,
            title="安全生产月活动组织得力通报表扬",
            issuer=c.office,
            awarded_on=rng.choice(july),
            number=f"崇安办字〔{{year}}〕{rng.randint(10, 90)}号",
            reason="安全生产月期间组织开展进企业宣讲和应急演练，活动扎实有效。",
            organisation=c.sector_committees[sector.pk],
        )

    # --- write ----------------------------------------------------------------------------------

    def plan(self) -> None:
        self.plan_grid_people()
        self.plan_township_people()
        self.plan_sector_people()
        self.plan_experts()
        self.plan_enterprise_people()
        self.plan_enterprise_posts()
        self.plan_teams()
        self.plan_trainings()
        self.plan_commendations()

    def write(self) -> None:
        for row in self.people:
            _clean(row)
        Person.objects.bulk_create(self.people, batch_size=500)
        for row in self.postings:
            row.person_id = row.person.pk
            _clean(row)
        Posting.objects.bulk_create(self.postings, batch_size=500)
        for row in self.certificates:
            row.person_id = row.person.pk
            _clean(row)
        Certificate.objects.bulk_create(self.certificates, batch_size=500)
        teams = [team for team, _members in self.teams]
        for team in teams:
            _clean(team)
        Team.objects.bulk_create(teams, batch_size=500)
        memberships = []
        for team, members in self.teams:
            joined = self.days_ago(YEAR_DAYS, 3 * YEAR_DAYS)
            memberships.extend(
                TeamMembership(team=team, person=person, role=role, joined_on=joined)
                for person, role in members
            )
        TeamMembership.objects.bulk_create(memberships, batch_size=1000)
        self.membership_count = len(memberships)
        trainings = [training for training, _rows in self.trainings]
        for training in trainings:
            _clean(training)
        Training.objects.bulk_create(trainings, batch_size=500)
        attendance = []
        for training, rows in self.trainings:
            for row in rows:
                row.training, row.person_id = training, row.person.pk
                attendance.append(row)
        TrainingAttendance.objects.bulk_create(attendance, batch_size=1000)
        self.attendance_count = len(attendance)
        for item in self.commendations:
            if item.person is not None:
                item.person_id = item.person.pk
            _clean(item)
        Commendation.objects.bulk_create(self.commendations)

    def counts(self) -> dict[str, Any]:
        kinds = {
            OrganisationKind.COUNTY_COMMITTEE,
            OrganisationKind.COUNTY_OFFICE,
            OrganisationKind.SECTOR_COMMITTEE,
        }
        trainings = [t for t, _rows in self.trainings]
        committees = [t for t in trainings if t.organiser.kind in kinds]
        statuses = Counter(
            c.status_on(self.today) for c in self.certificates if c.kind == CertificateKind.SPECIAL_OPERATION
        )
        return {
            "period": [str(self.first_day), str(self.last_day)],
            "people": len(self.people),
            "people_by_source": dict(sorted(Counter(p.source for p in self.people).items())),
            "full_time": sum(1 for p in self.people if p.employment == Employment.FULL_TIME),
            "postings": len(self.postings),
            "teams": len(self.teams),
            "teams_by_kind": dict(sorted(Counter(t.kind for t, _m in self.teams).items())),
            "team_members": self.membership_count,
            "certificates": len(self.certificates),
            "certificates_by_kind": dict(sorted(Counter(c.kind for c in self.certificates).items())),
            "operation_certificates_by_status": dict(sorted(statuses.items())),
            "trainings": len(trainings),
            "committee_trainings": len(committees),
            "office_person_times": sum(
                t.person_times for t in trainings if t.organiser.kind == "county_office"
            ),
            "person_times": sum(t.person_times for t in trainings),
            "attendance": self.attendance_count,
            "commendations": len(self.commendations),
            # Names only (never ID numbers): the audit record of the seed carries these counts.
            "uncertified_operators": sorted(
                [op.person.name, op.person.site.name, op.category] for op in self.uncertified
            ),
        }


_CONTENT = {
    TrainingKind.IN_SERVICE: "安全生产法律法规、网格化监管职责和隐患闭环管理流程。",
    TrainingKind.BUSINESS: "网格巡查要点、隐患识别与上报、平台手机端操作和典型事故案例警示教育。",
    TrainingKind.CONTEST: "隐患排查实地比武和安全生产知识笔试，按成绩评定名次。",
    TrainingKind.SHADOWING: "随县应急管理局执法人员开展执法检查，学习检查方法、执法文书制作和隐患判定。",
    TrainingKind.ENTERPRISE: "全员安全生产责任制、岗位操作规程、应急处置和自救互救。",
}


def _unique(people: list[Person]) -> list[Person]:
    """Without repeats, in order (unsaved rows are unhashable: compare by identity)."""
    seen: set[int] = set()
    return [p for p in people if not (id(p) in seen or seen.add(id(p)))]


def _require(ok: bool, *what: Any) -> None:
    """The builder only writes what the services would accept; a bug here must not write rows."""
    if not ok:
        raise RuntimeError(f"demo people: {what!r}")


# --- entry points -----------------------------------------------------------------------------------


def build_demo_people(*, seed: int, today: datetime.date | None = None) -> dict[str, Any]:
    """Write the demo county's people, posts, teams, certificates, trainings and commendations
    (the county must exist and have none yet) and return their counts. One transaction; no audit
    record of its own."""
    today = today or timezone.localdate()
    with transaction.atomic():
        builder = _Builder(_County.load(), seed=seed, today=today)
        builder.plan()
        builder.write()
        return builder.counts()


def summary_lines(counts: dict[str, Any]) -> list[str]:
    """The people part of `seed_demo`'s summary."""
    source = counts["people_by_source"]
    statuses = counts["operation_certificates_by_status"]
    return [
        f"  安全队伍 {counts['teams']} 支（队员 {counts['team_members']} 人次）；人员 {counts['people']} 人："
        f"社区网格员 {source.get('grid_worker', 0)}，下沉干部 {source.get('sent_down', 0)}，"
        f"招聘专业人员 {source.get('hired', 0)}，企业安全管理和特种作业人员 {source.get('enterprise', 0)}，"
        f"专家 {source.get('expert', 0)}（专职 {counts['full_time']}）",
        f"  证书 {counts['certificates']} 本（特种作业操作证：待复审 {statuses.get('review_due', 0)}，"
        f"即将到期 {statuses.get('expiry_due', 0)}，已过期 {statuses.get('expired', 0)}，"
        f"逾期未复审 {statuses.get('review_overdue', 0)}）；"
        f"无证上岗预警 {len(counts['uncertified_operators'])} 人",
        f"  培训 {counts['trainings']} 期"
        f"（县安委会、县安委办和行业领域安委会 {counts['committee_trainings']} 期，"
        f"县安委办 {counts['office_person_times']} 人次），参训 {counts['person_times']} 人次；"
        f"表彰 {counts['commendations']} 项",
    ]


def wipe_demo_people() -> None:
    """Delete every people row (commendations, certificates, trainings and their registers, teams,
    postings, people), dependants first."""
    Commendation.objects.all().delete()
    Certificate.objects.all().delete()
    TrainingAttendance.objects.all().delete()
    Training.objects.all().delete()
    TeamMembership.objects.all().delete()
    Team.objects.all().delete()
    Posting.objects.all().delete()
    Person.objects.all().delete()
