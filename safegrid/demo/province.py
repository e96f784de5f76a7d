"""A synthetic province for benchmarks (issue 9): at scale 1.0, 100 counties × 16 townships × about
6 grids (≈ 9,600 grids), 100,000 sites, 1,500,000 hazards over five years (≈ 90 % closed, 5 % major)
with about 7,500,000 timeline events, 1,000,000 risk points (each with its assessment), 200,000
people, and the organisations, sectors and accounts that scope needs.

`generate_province(scale=…, seed=…, today=…)` writes into an empty migrated database, bypassing the
services (no audit record per row) but keeping their invariants: hazard timelines follow the
transition table and the services' rules (a major hazard starts at sector level and has its five
items before rectification, deadlines are never before the day of assignment, version = number of
events, the scope keys are copied from the site …), enterprises carry valid credit codes, people
valid ID numbers (GB 11643) stored encrypted with their blind index.

Deterministic: every table draws from its own `random.Random` seeded by (seed, table), ids are
assigned here and every timestamp derives from `today`, so the same seed, scale and `today` give the
same rows (ciphertexts differ — each encryption draws a fresh nonce — but decrypt to the same values).

Streaming: rows are generated in chunks and written with COPY on PostgreSQL (psycopg 3
`cursor.copy`), `executemany` in batches on SQLite; the per-site facts (≈ 100k small tuples) are the
only thing held in memory. On PostgreSQL the secondary indexes and foreign keys of the loaded tables
are dropped for the load and recreated from their own definitions before the one transaction
commits (an interrupted run leaves nothing), then sequences are reset and the tables vacuumed and
analysed.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils.crypto import RANDOM_STRING_CHARS

from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.policies import PRIVILEGED_ROLES
from safegrid.accounts.roles import Role
from safegrid.core import crypto
from safegrid.core.fields import EncryptedTextField, blind_index_field
from safegrid.hazards.choices import HazardAction, HazardGrade, HazardSource, HazardStatus
from safegrid.hazards.models import Hazard, HazardEvent, HazardTally
from safegrid.hazards.tally import rebuild as rebuild_tally
from safegrid.orgs.choices import DEFAULT_DUTIES, GridDutyRole, OrganisationKind, RegionKind
from safegrid.orgs.models import GridDuty, Organisation, Region, Sector
from safegrid.people.choices import Employment, Gender, PersonSource
from safegrid.people.models import Person
from safegrid.people.validators import id_check_character
from safegrid.risks import lec, ls
from safegrid.risks.choices import (
    CONTROL_RANK,
    MIN_CONTROL_LEVEL,
    AccidentType,
    AssessmentMethod,
    ControlLevel,
    RiskLevel,
)
from safegrid.risks.models import RiskAssessment, RiskPoint, SiteRiskSummary
from safegrid.risks.summary import rebuild as rebuild_risk_summary
from safegrid.sites.choices import BusinessStatus, SiteCategory, SiteKind, SiteSize
from safegrid.sites.credit_code import CHARSET, check_character
from safegrid.sites.models import Site

from . import activity
from .county import (
    ALWAYS_KEY,
    BRAND,
    GIVEN,
    KIND_SECTOR,
    KINDS,
    MOBILE_PREFIXES,
    PLACE_FIRST,
    PLACE_SECOND,
    SECTORS,
    SURNAMES,
)
from .twofactor import demo_totp_key_hex

DEFAULT_SEED = 2025

# Full-scale figures (scale 1.0).
COUNTIES = 100
TOWNSHIPS_PER_COUNTY = 16
GRIDS_PER_TOWNSHIP = (4, 8)  # ≈ 6 on average: ≈ 9,600 grids
SITES = 100_000
HAZARDS = 1_500_000
RISK_POINTS = 1_000_000
PEOPLE = 200_000
YEARS = 5
COUNTIES_PER_CITY = 10

PROVINCE = ("990000", "示范省")  # GB/T 2260 has no 99: never confused with a real province
MAJOR_SHARE = 0.05
ON_THE_SPOT_SHARE = 0.15  # of general hazards reported at the territorial level
STUCK_SHARE = 0.085  # hazards left open on purpose at some stage (the rest are open only if recent)
STUCK_STAGES = (("reported", 0.15), ("assigned", 0.2), ("rectifying", 0.45), ("verifying", 0.2))
# Probability of climbing one level before / after assignment, by level.
ESCALATE_PRE = {1: 0.07, 2: 0.03, 3: 0.01}
ESCALATE_POST = {1: 0.04, 2: 0.02, 3: 0.01}
EXTEND_SHARE = (0.18, 0.35)  # general, major
VERIFY_FAIL_SHARE = 0.1
RISK_LEVEL_WEIGHTS = {RiskLevel.MAJOR: 1, RiskLevel.SIGNIFICANT: 5, RiskLevel.GENERAL: 30, RiskLevel.LOW: 64}
CHUNK = 20_000  # hazards per COPY round (and rows per batch elsewhere)

TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai has had no DST since 1991
UTC = datetime.UTC
LOCAL_OFFSET = 8 * 3600
DAY = 86400


class ProvinceError(Exception):
    """The province cannot be generated here (the message is for the user, in Chinese)."""


# ---- plan -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    scale: float
    seed: int
    today: datetime.date

    @property
    def counties(self) -> int:
        return max(1, round(COUNTIES * self.scale))

    @property
    def townships_per_county(self) -> int:
        # Scales below one county keep one county with fewer townships (≥ 2): 0.001 → 2 townships.
        wanted = round(COUNTIES * TOWNSHIPS_PER_COUNTY * self.scale / self.counties)
        return min(TOWNSHIPS_PER_COUNTY, max(2, wanted))

    @property
    def sites(self) -> int:
        return max(1, round(SITES * self.scale))

    @property
    def hazards(self) -> int:
        return round(HAZARDS * self.scale)

    @property
    def risk_points(self) -> int:
        return round(RISK_POINTS * self.scale)

    @property
    def people(self) -> int:
        return round(PEOPLE * self.scale)

    def rng(self, table: str) -> random.Random:
        # Synthetic data, reproducible on purpose: not for anything secret.
        return random.Random(f"safegrid-province:{self.seed}:{table}")  # nosec B311


def validate_scale(scale: float) -> None:
    if not (isinstance(scale, int | float) and math.isfinite(scale) and 0 < scale <= 10):
        raise ProvinceError("规模参数 --scale 应为大于 0、不超过 10 的数（1.0 为全省规模）。")


# ---- writing: COPY on PostgreSQL, executemany on SQLite ------------------------------------------


def _names(text: str) -> list[str]:
    """Field names written as one string (long column lists stay readable)."""
    return text.split()


def _columns(model: type[models.Model], names: list[str]) -> list[str]:
    """Column names of `names` (attnames); every concrete field must be named exactly once, so a new
    field on a model fails here rather than loading a silent default."""
    concrete = {f.attname for f in model._meta.concrete_fields}
    missing, extra = concrete - set(names), set(names) - concrete
    if missing or extra or len(names) != len(set(names)):
        raise RuntimeError(f"{model._meta.label}: columns missing {sorted(missing)}, unknown {sorted(extra)}")
    return [model._meta.get_field(n).column if n in concrete else n for n in names]


def _field_by_attname(model: type[models.Model], attname: str) -> models.Field:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise KeyError(attname)


class _Sink:
    """Writes rows of one model; reports rows and rows/s per table."""

    def __init__(self, out: TextIO | None) -> None:
        self.out = out
        self.vendor = connection.vendor
        self.totals: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def write(self, model: type[models.Model], names: list[str], rows: Iterable[tuple]) -> int:
        columns = _columns(model, names)
        table = model._meta.db_table
        start = time.perf_counter()
        if self.vendor == "postgresql":
            count = self._copy(table, columns, rows)
        else:
            count = self._insert(model, table, names, columns, rows)
        self.totals[table] = self.totals.get(table, 0) + count
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - start
        return count

    def _copy(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        qn = connection.ops.quote_name
        sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        count = 0
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)
                count += 1
        return count

    def _insert(self, model, table: str, names: list[str], columns: list[str], rows: Iterable[tuple]) -> int:
        qn = connection.ops.quote_name
        # Only quoted table and column names from the models are interpolated; values are parameters.
        target = f"{qn(table)} ({', '.join(qn(c) for c in columns)})"
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {target} VALUES ({placeholders})"  # noqa: S608  # nosec B608
        adapters: list[Callable[[Any], Any] | None] = []
        for name in names:
            field = _field_by_attname(model, name)
            internal = field.get_internal_type()
            if internal == "DateTimeField":
                adapters.append(connection.ops.adapt_datetimefield_value)
            elif internal == "DateField":
                adapters.append(connection.ops.adapt_datefield_value)
            elif internal == "DecimalField":
                adapters.append(lambda v: None if v is None else str(v))
            else:
                adapters.append(None)
        count = 0
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(
                    tuple(a(v) if a and v is not None else v for a, v in zip(adapters, row, strict=True))
                )
                if len(batch) >= 2000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count

    def report(self, model: type[models.Model], label: str) -> None:
        table = model._meta.db_table
        rows, seconds = self.totals.get(table, 0), self.seconds.get(table, 0.0)
        rate = rows / seconds if seconds > 0 else 0.0
        self.line(f"  {label}（{table}）：{rows:,} 行，{seconds:.1f} 秒，{rate:,.0f} 行/秒")

    def line(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text + "\n")
            self.out.flush()


# The tables this generator fills, parents first.
def loaded_models() -> list[type[models.Model]]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return [
        Region,
        Organisation,
        Sector,
        GridDuty,
        Site,
        User,
        RoleAssignment,
        RoleAssignment.sectors.through,
        TOTPDevice,
        Hazard,
        HazardEvent,
        RiskPoint,
        RiskAssessment,
        Person,
    ]


def database_is_empty() -> bool:
    return not any(model.objects.exists() for model in loaded_models())


class _DeferredIndexes:
    """PostgreSQL: drop the secondary (non-unique) indexes and the foreign keys of the loaded tables
    for the load and recreate them, from their own definitions, in the same transaction. Building an
    index once is several times cheaper than maintaining it row by row, and one validation query per
    foreign key replaces a trigger call per row."""

    def __init__(self, tables: list[str], sink: _Sink) -> None:
        self.tables = tables
        self.sink = sink
        self.indexes: list[tuple[str, str]] = []
        self.foreign_keys: list[tuple[str, str, str]] = []

    def __enter__(self) -> _DeferredIndexes:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                " JOIN pg_namespace n ON n.oid = t.relnamespace"
                " WHERE n.nspname = current_schema() AND t.relname = ANY(%s)"
                " AND NOT x.indisunique AND NOT x.indisprimary ORDER BY i.relname",
                [self.tables],
            )
            self.indexes = cursor.fetchall()
            cursor.execute(
                "SELECT c.conname, t.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
                " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                " WHERE n.nspname = current_schema() AND c.contype = 'f' AND t.relname = ANY(%s)"
                " ORDER BY c.conname",
                [self.tables],
            )
            self.foreign_keys = cursor.fetchall()
            qn = connection.ops.quote_name
            for name, table, _definition in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {qn(name)}")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            return  # the transaction rolls back, the drops with it
        qn = connection.ops.quote_name
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, definition in self.indexes:
                cursor.execute(definition)
            indexes_done = time.perf_counter()
            for name, table, definition in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
        self.sink.line(
            f"  重建索引 {len(self.indexes)} 个 {indexes_done - start:.1f} 秒，"
            f"外键 {len(self.foreign_keys)} 个 {time.perf_counter() - indexes_done:.1f} 秒"
        )


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# ---- names ----------------------------------------------------------------------------------------


def _person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _place_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` new two-character place names (three when the two-character ones run out)."""
    names = []
    while len(names) < count:
        name = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)
        if len(taken) > 0.6 * len(PLACE_FIRST) * len(PLACE_SECOND):
            name = rng.choice(PLACE_FIRST) + name
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _credit_code(county_code: str, serial: int) -> str:
    """91 + the county's division code + a 9-character organisation code from the site's serial
    (unique by construction) + the GB 32100 check character."""
    body = ""
    for _ in range(9):
        serial, digit = divmod(serial, len(CHARSET))
        body = CHARSET[digit] + body
    first17 = "91" + county_code + body
    return first17 + check_character(first17)


def _rectangle(lon0: float, lat0: float, lon1: float, lat1: float) -> dict:
    ring = [
        [round(lon0, 6), round(lat0, 6)],
        [round(lon1, 6), round(lat0, 6)],
        [round(lon1, 6), round(lat1, 6)],
        [round(lon0, 6), round(lat1, 6)],
        [round(lon0, 6), round(lat0, 6)],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _dec(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


# ---- the province ---------------------------------------------------------------------------------


@dataclass
class _County:
    index: int
    region_id: int
    code: str
    name: str
    path: str
    township_ids: list[int]
    township_names: list[str]
    township_paths: list[str]
    grid_ids: list[list[int]]  # per township
    box: tuple[float, float, float, float]
    committee: int = 0
    office: int = 0
    expert_body: int = 0
    township_orgs: list[int] | None = None
    sector_ids: list[int] | None = None  # in SECTORS order
    sector_depts: list[int] | None = None  # lead department per sector
    users: dict[str, int] | None = None


@dataclass(frozen=True)
class _SiteFact:
    """What hazards, risk points and people need of a site."""

    id: int
    path: str
    sector_index: int
    sector_id: int
    county: int
    township: int
    grid: int  # grid region id
    grid_index: int  # index in the county's flattened grid list
    kind: str
    legal_rep: str
    contact: str
    lon: Decimal
    lat: Decimal


class _Ids:
    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, table: str) -> int:
        value = self.next.get(table, 1)
        self.next[table] = value + 1
        return value


class Generator:
    def __init__(self, plan: Plan, *, out: TextIO | None = None) -> None:
        self.plan = plan
        self.sink = _Sink(out)
        self.ids = _Ids()
        self.counties: list[_County] = []
        self.cities: list[tuple[int, str]] = []  # (region id, path) of each city, in code order
        self.grid_paths: dict[int, str] = {}
        self.grid_township: dict[int, int] = {}  # grid region id -> township index in county
        self.grid_units: dict[int, int] = {}  # grid region id -> grid unit organisation id
        self.grid_users: dict[int, int] = {}  # grid region id -> grid worker user id
        self.sites: list[_SiteFact] = []
        self.enterprise_sites: dict[int, int] = {}  # site id -> enterprise manager user id
        self.counts: dict[str, Any] = {}
        midnight = datetime.datetime.combine(plan.today, datetime.time(), tzinfo=TZ)
        self.horizon = int(midnight.timestamp())  # nothing happens at or after today's midnight
        self.start_day = (self.horizon + LOCAL_OFFSET) // DAY - YEARS * 365  # local day number
        self.stamp = midnight - datetime.timedelta(days=YEARS * 365 + 30)  # set-up time of reference rows

    # --- regions, sectors, organisations -----------------------------------------------------------

    def build_regions(self) -> None:
        plan = self.plan
        rng = plan.rng("regions")
        taken: set[str] = set()
        rows: list[tuple] = []
        stamp = self.stamp

        def region(parent_id, code, name, kind, path, depth, geometry=None, center=None, sort=0) -> int:
            pk = self.ids.take("region")
            lon = lat = None
            if center is not None:
                lon, lat = _dec(center[0]), _dec(center[1])
            rows.append(
                (
                    pk,
                    stamp,
                    stamp,
                    code,
                    name,
                    kind,
                    parent_id,
                    path,
                    depth,
                    None if geometry is None else json.dumps(geometry),
                    lon,
                    lat,
                    False,
                    sort,
                )
            )
            return pk

        province_path = f"/{PROVINCE[0]}/"
        province = region(None, PROVINCE[0], PROVINCE[1], RegionKind.PROVINCE, province_path, 1)
        n = plan.counties
        side = math.ceil(math.sqrt(n))
        cities = math.ceil(n / COUNTIES_PER_CITY)
        city_names = _place_names(rng, cities, taken)
        city_ids, city_paths = [], []
        for c in range(cities):
            code = f"99{c + 1:02d}00"
            path = f"{province_path}{code}/"
            city_ids.append(
                region(province, code, f"{city_names[c]}市", RegionKind.CITY, path, 2, sort=c + 1)
            )
            city_paths.append(path)
            self.cities.append((city_ids[-1], path))
        county_names = _place_names(rng, n, taken)
        per_township = plan.townships_per_county
        for k in range(n):
            city = k // COUNTIES_PER_CITY
            code = f"99{city + 1:02d}{k % COUNTIES_PER_CITY + 1:02d}"
            path = f"{city_paths[city]}{code}/"
            # Counties on a lattice over the province (1.0° × 0.6° each), townships 4 × 4 inside.
            lon0, lat0 = 110.0 + (k % side) * 1.0, 24.0 + (k // side) * 0.6
            box = (lon0, lat0, lon0 + 1.0, lat0 + 0.6)
            name = f"{county_names[k]}县"
            county_id = region(
                city_ids[city],
                code,
                name,
                RegionKind.COUNTY,
                path,
                3,
                _rectangle(*box),
                ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
                k + 1,
            )
            county = _County(k, county_id, code, name, path, [], [], [], [], box)
            town_names = _place_names(rng, per_township, taken)
            towns = villages = streets = 0
            for t in range(per_township):
                draw = rng.random()
                if t == 0 or draw < 0.15:
                    suffix, tcode = "街道", f"{code}{streets + 1:03d}"
                    streets += 1
                elif draw < 0.6:
                    suffix, tcode = "镇", f"{code}{100 + towns:03d}"
                    towns += 1
                else:
                    suffix, tcode = "乡", f"{code}{200 + villages:03d}"
                    villages += 1
                tname = town_names[t] + suffix
                tpath = f"{path}{tcode}/"
                tl0 = box[0] + (t % 4) * 0.25
                tb0 = box[1] + (t // 4) * 0.15
                tbox = (tl0, tb0, tl0 + 0.25, tb0 + 0.15)
                township_id = region(
                    county_id,
                    tcode,
                    tname,
                    RegionKind.TOWNSHIP,
                    tpath,
                    4,
                    _rectangle(*tbox),
                    ((tbox[0] + tbox[2]) / 2, (tbox[1] + tbox[3]) / 2),
                    t + 1,
                )
                county.township_ids.append(township_id)
                county.township_names.append(tname)
                county.township_paths.append(tpath)
                grids = []
                count = rng.randint(*GRIDS_PER_TOWNSHIP)
                width = 0.25 / count
                for g in range(count):
                    gcode = f"{tcode}{g + 1:03d}"
                    gbox = (tbox[0] + g * width, tbox[1], tbox[0] + (g + 1) * width, tbox[3])
                    gpath = f"{tpath}{gcode}/"
                    grid_id = region(
                        township_id,
                        gcode,
                        f"{tname}第{g + 1:02d}网格",
                        RegionKind.GRID,
                        gpath,
                        5,
                        _rectangle(*gbox),
                        ((gbox[0] + gbox[2]) / 2, (gbox[1] + gbox[3]) / 2),
                        g + 1,
                    )
                    # planning_area: the first township (the county seat's street) is the urban area
                    if t == 0:
                        rows[-1] = (*rows[-1][:12], True, rows[-1][13])
                    grids.append(grid_id)
                    self.grid_paths[grid_id] = gpath
                    self.grid_township[grid_id] = t
                county.grid_ids.append(grids)
            self.counties.append(county)
        names = _names(
            "id created_at updated_at code name kind parent_id path depth geometry center_lon center_lat "
            "planning_area sort_order"
        )
        self.sink.write(Region, names, rows)
        self.counts["regions"] = len(rows)
        self.counts["counties"] = n
        self.counts["townships"] = sum(len(c.township_ids) for c in self.counties)
        self.counts["grids"] = len(self.grid_paths)
        self.sink.report(Region, "区划")

    def build_organisations(self) -> None:
        rng = self.plan.rng("organisations")
        stamp = self.stamp
        orgs: list[tuple] = []
        sectors: list[tuple] = []
        duties: list[tuple] = []

        def org(
            name, short, kind, region_id, path, sector=None, parent=None, contact="", phone="", address=""
        ):
            pk = self.ids.take("organisation")
            orgs.append(
                (
                    pk,
                    stamp,
                    stamp,
                    name[:100],
                    short[:30],
                    kind,
                    region_id,
                    path,
                    sector,
                    parent,
                    contact,
                    phone,
                    address,
                    True,
                )
            )
            return pk

        def landline() -> str:
            return f"0{rng.randint(700, 799)}-{rng.randint(2, 8)}{rng.randrange(10**6):06d}"

        for county in self.counties:
            short = county.name[:-1]
            county.committee = org(
                f"{county.name}安全生产委员会",
                "县安委会",
                OrganisationKind.COUNTY_COMMITTEE,
                county.region_id,
                county.path,
                phone=landline(),
            )
            county.office = org(
                f"{county.name}安全生产委员会办公室",
                "县安委办",
                OrganisationKind.COUNTY_OFFICE,
                county.region_id,
                county.path,
                parent=county.committee,
                contact=_person_name(rng),
                phone=landline(),
                address=f"{county.name}人民路1号",
            )
            county.expert_body = org(
                f"{county.name}安全生产专家组",
                "县安全专家组",
                OrganisationKind.EXPERT_BODY,
                county.region_id,
                county.path,
                parent=county.office,
                contact=_person_name(rng),
                phone=_mobile(rng),
            )
            departments = {}
            for spec in SECTORS:
                if spec.lead not in departments:
                    departments[spec.lead] = org(
                        f"{short}{spec.lead}",
                        spec.lead,
                        OrganisationKind.DEPARTMENT,
                        county.region_id,
                        county.path,
                        contact=_person_name(rng),
                        phone=landline(),
                    )
            county.sector_ids, county.sector_depts = [], []
            for index, spec in enumerate(SECTORS):
                pk = self.ids.take("sector")
                sectors.append(
                    (
                        pk,
                        stamp,
                        stamp,
                        county.region_id,
                        county.path,
                        spec.code,
                        spec.name,
                        f"{county.name}{spec.name}安全生产委员会",
                        departments[spec.lead],
                        spec.members.replace("县", short + "县")[:300],
                        4,
                        index + 1,
                    )
                )
                county.sector_ids.append(pk)
                county.sector_depts.append(departments[spec.lead])
            county.township_orgs = []
            for t, (township_id, tname) in enumerate(
                zip(county.township_ids, county.township_names, strict=True)
            ):
                kind_name = "街道办事处" if tname.endswith("街道") else "人民政府"
                township_org = org(
                    f"{county.name}{tname}{kind_name}",
                    f"{tname}{kind_name}",
                    OrganisationKind.TOWNSHIP_GOVERNMENT,
                    township_id,
                    county.township_paths[t],
                    contact=_person_name(rng),
                    phone=landline(),
                    address=f"{county.name}{tname}政府路{t + 1}号",
                )
                county.township_orgs.append(township_org)
                for grid_id in county.grid_ids[t]:
                    path = self.grid_paths[grid_id]
                    people = {role: _person_name(rng) for role in GridDutyRole.values}
                    unit = org(
                        f"{tname}第{path.rstrip('/')[-2:]}网格工作站",
                        "",
                        OrganisationKind.GRID_UNIT,
                        grid_id,
                        path,
                        parent=township_org,
                        contact=people[GridDutyRole.GRID_WORKER],
                        phone=_mobile(rng),
                    )
                    self.grid_units[grid_id] = unit
                    instructor = rng.choice(county.sector_depts)
                    for role, organisation in (
                        (GridDutyRole.GRID_CHIEF, township_org),
                        (GridDutyRole.GRID_WORKER, unit),
                        (GridDutyRole.GRID_INSTRUCTOR, instructor),
                    ):
                        texts, interval = DEFAULT_DUTIES[role]
                        duties.append(
                            (
                                self.ids.take("gridduty"),
                                stamp,
                                stamp,
                                grid_id,
                                path,
                                role,
                                people[role],
                                organisation,
                                json.dumps(texts, ensure_ascii=False),
                                interval,
                            )
                        )
        # Sectors name their lead department: organisations first (sector_id of every one is NULL).
        org_names = _names(
            "id created_at updated_at name short_name kind region_id region_path sector_id parent_id "
            "contact_name contact_phone address is_active"
        )
        self.sink.write(Organisation, org_names, orgs)
        sector_names = _names(
            "id created_at updated_at region_id region_path code name committee_name lead_department_id "
            "member_departments meetings_per_year sort_order"
        )
        self.sink.write(Sector, sector_names, sectors)
        # The sector committees (one organisation per sector and county).
        committees = []
        for county in self.counties:
            for index, spec in enumerate(SECTORS):
                committees.append(
                    (
                        self.ids.take("organisation"),
                        stamp,
                        stamp,
                        f"{county.name}{spec.name}安全生产委员会",
                        f"{spec.name}安委会"[:30],
                        OrganisationKind.SECTOR_COMMITTEE,
                        county.region_id,
                        county.path,
                        county.sector_ids[index],
                        county.committee,
                        "",
                        "",
                        "",
                        True,
                    )
                )
        self.sink.write(Organisation, org_names, committees)
        duty_names = _names(
            "id created_at updated_at grid_id region_path role person_name organisation_id duties "
            "inspection_interval_days"
        )
        self.sink.write(GridDuty, duty_names, duties)
        self.counts["organisations"] = len(orgs) + len(committees)
        self.counts["sectors"] = len(sectors)
        self.counts["grid_duties"] = len(duties)
        self.sink.report(Organisation, "组织机构")
        self.sink.report(Sector, "行业领域")
        self.sink.report(GridDuty, "网格职责")

    # --- sites -------------------------------------------------------------------------------------

    def build_sites(self) -> None:
        plan = self.plan
        rng = plan.rng("sites")
        stamp = self.stamp
        kinds = list(KINDS)
        weights = [spec.count for spec in kinds]
        sector_index = {spec.code: i for i, spec in enumerate(SECTORS)}
        flat_grids = [
            (county, t, grid_id)
            for county in self.counties
            for t, grids in enumerate(county.grid_ids)
            for grid_id in grids
        ]
        grid_position = {}
        for county in self.counties:
            position = 0
            for grids in county.grid_ids:
                for grid_id in grids:
                    grid_position[grid_id] = position
                    position += 1
        n = plan.sites
        roads = ("人民路", "解放路", "建设路", "中山路", "新华路", "工业大道", "环城路", "文化路")

        def rows() -> Iterator[tuple]:
            for j in range(n):
                county, t, grid_id = flat_grids[j * len(flat_grids) // n]
                spec = rng.choices(kinds, weights=weights)[0]
                pk = self.ids.take("site")
                short = county.name[:-1]
                tname = county.township_names[t]
                template = rng.choice(spec.urban_names if t == 0 and spec.urban_names else spec.names)
                village = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)
                road = rng.choice(roads)
                name = (
                    template.replace("崇义县", county.name)
                    .replace("崇义", short)
                    .format(
                        place=village,
                        brand=rng.choice(BRAND) + rng.choice(BRAND),
                        town=tname,
                        town_short=tname[:-1] if not tname.endswith("街道") else tname[:-2],
                        road=road,
                    )
                )[:100]
                low, high = spec.employees
                employees = int(math.exp(rng.uniform(math.log(low), math.log(high + 1))))
                size = (
                    SiteSize.LARGE
                    if employees >= 1000
                    else SiteSize.MEDIUM
                    if employees >= 300
                    else SiteSize.SMALL
                    if employees >= 20
                    else SiteSize.MICRO
                )
                draw = rng.random()
                status = BusinessStatus.OPERATING
                if spec.category == SiteCategory.ENTERPRISE and draw < 0.05:
                    status = BusinessStatus.SUSPENDED if draw < 0.04 else BusinessStatus.CLOSED
                is_key = spec.kind in ALWAYS_KEY or rng.random() < spec.key_share
                s_index = sector_index[KIND_SECTOR[spec.kind]]
                sector_id = county.sector_ids[s_index]
                path = self.grid_paths[grid_id]
                # A point inside the grid's strip.
                box = county.box
                lon = _dec(box[0] + (t % 4) * 0.25 + rng.uniform(0.001, 0.249))
                lat = _dec(box[1] + (t // 4) * 0.15 + rng.uniform(0.001, 0.149))
                legal, contact = _person_name(rng), _person_name(rng)
                self.sites.append(
                    _SiteFact(
                        pk,
                        path,
                        s_index,
                        sector_id,
                        county.index,
                        t,
                        grid_id,
                        grid_position[grid_id],
                        spec.kind,
                        legal,
                        contact,
                        lon,
                        lat,
                    )
                )
                address = (
                    f"{county.name}{tname}{road}{rng.randint(1, 399)}号"
                    if t == 0
                    else f"{county.name}{tname}{village}村{rng.randint(1, 12)}组"
                )
                yield (
                    pk,
                    stamp,
                    stamp,
                    name,
                    spec.category,
                    spec.kind,
                    _credit_code(county.code, pk) if spec.category == SiteCategory.ENTERPRISE else None,
                    sector_id,
                    grid_id,
                    path,
                    address,
                    lon,
                    lat,
                    is_key,
                    size,
                    employees,
                    legal,
                    contact,
                    _mobile(rng),
                    status,
                )

        names = _names(
            "id created_at updated_at name category kind credit_code sector_id grid_id region_path address "
            "longitude latitude is_key size employees legal_representative safety_contact contact_phone "
            "business_status"
        )
        self.sink.write(Site, names, rows())
        self.counts["sites"] = len(self.sites)
        self.sink.report(Site, "场所")

    # --- accounts ----------------------------------------------------------------------------------

    def build_users(self) -> None:
        """One account per business role per county (a sector officer per sector, a township officer
        per township, a grid worker per grid, an enterprise manager at the county's first
        enterprise), a province-wide reader and the three province administrators."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        rng = self.plan.rng("users")
        stamp = datetime.datetime.combine(self.plan.today, datetime.time(), tzinfo=TZ)  # password set today
        # A salt as long as Django's own (22 characters, 128 bits), drawn from the seed: deterministic,
        # and not re-hashed at the first sign-in (Django re-hashes a password with a shorter salt).
        salt = "".join(random.Random(f"salt{self.plan.seed}").choices(RANDOM_STRING_CHARS, k=22))
        password = make_password(settings.SAFEGRID_DEMO_PASSWORD, salt=salt)
        users: list[tuple] = []
        assignments: list[tuple] = []
        assignment_sectors: list[tuple] = []
        devices: list[tuple] = []
        key = demo_totp_key_hex()
        # The account's phone is personal data where the model encrypts it (with its blind index).
        phone_field = User._meta.get_field("phone")
        encrypted = isinstance(phone_field, EncryptedTextField)
        phone_index = blind_index_field(User, "phone") if encrypted else None

        def private_phone(phone: str) -> tuple[str, ...]:
            if not encrypted:
                return (phone,)
            return crypto.encrypt_text(phone, aad=phone_field.aad), phone_index.digest(phone)

        def user(
            username: str, role: str, region_id: int, path: str, organisation: int | None, site=None
        ) -> int:
            pk = self.ids.take("user")
            users.append(
                (
                    pk,
                    password,
                    None,
                    False,
                    username,
                    "",
                    "",
                    "",
                    False,
                    True,
                    stamp,
                    _person_name(rng),
                    *private_phone(_mobile(rng)),
                    organisation,
                    stamp,
                )
            )
            assign(pk, role, region_id, path, site)
            if role in PRIVILEGED_ROLES:
                devices.append((self.ids.take("totp"), pk, "演示身份验证器", True, key))
            return pk

        def assign(user_id: int, role: str, region_id: int, path: str, site=None) -> int:
            pk = self.ids.take("roleassignment")
            assignments.append((pk, user_id, role, region_id, path, site, stamp))
            return pk

        site_by_county: dict[int, _SiteFact] = {}
        enterprise_kinds = {spec.kind for spec in KINDS if spec.category == SiteCategory.ENTERPRISE}
        for fact in self.sites:
            if fact.county not in site_by_county and fact.kind in enterprise_kinds:
                site_by_county[fact.county] = fact
        for county in self.counties:
            code = county.code
            u = {
                "leader": user(
                    f"c{code}_leader", Role.COUNTY_LEADER, county.region_id, county.path, county.committee
                ),
                "office": user(
                    f"c{code}_office", Role.COUNTY_OFFICE, county.region_id, county.path, county.office
                ),
                "expert": user(
                    f"c{code}_expert", Role.EXPERT, county.region_id, county.path, county.expert_body
                ),
            }
            for index, spec in enumerate(SECTORS):
                pk = user(
                    f"c{code}_{spec.code}",
                    Role.SECTOR_OFFICER,
                    county.region_id,
                    county.path,
                    county.sector_depts[index],
                )
                u[f"sector:{index}"] = pk
                assignment_sectors.append(
                    (self.ids.take("ra_sector"), assignments[-1][0], county.sector_ids[index])
                )
            for t, township_id in enumerate(county.township_ids):
                tpath = county.township_paths[t]
                u[f"township:{t}"] = user(
                    f"t{tpath.rstrip('/').rsplit('/', 1)[1]}",
                    Role.TOWNSHIP_OFFICER,
                    township_id,
                    tpath,
                    county.township_orgs[t],
                )
                for grid_id in county.grid_ids[t]:
                    gpath = self.grid_paths[grid_id]
                    self.grid_users[grid_id] = user(
                        f"g{gpath.rstrip('/').rsplit('/', 1)[1]}",
                        Role.GRID_WORKER,
                        grid_id,
                        gpath,
                        self.grid_units[grid_id],
                    )
            fact = site_by_county.get(county.index)
            if fact is not None:
                u["enterprise"] = user(
                    f"c{code}_enterprise", Role.ENTERPRISE_MANAGER, fact.grid, fact.path, None, site=fact.id
                )
                self.enterprise_sites[fact.id] = u["enterprise"]
            county.users = u
        # Reading above the county: the supervisor (上级监管人员, read-only) anchored at the province
        # (one subtree, one path prefix) and one at the first city.
        province_path = f"/{PROVINCE[0]}/"
        province_id = 1
        user("province_supervisor", Role.SUPERVISOR, province_id, province_path, None)
        city_id, city_path = self.cities[0]
        user("city_supervisor", Role.SUPERVISOR, city_id, city_path, None)
        for username, role in (
            ("province_sysadmin", Role.SYSTEM_ADMIN),
            ("province_secadmin", Role.SECURITY_ADMIN),
            ("province_auditor", Role.AUDIT_ADMIN),
        ):
            user(username, role, province_id, province_path, None)
        user_names = _names(
            "id password last_login is_superuser username first_name last_name email is_staff is_active "
            "date_joined display_name phone organisation_id password_changed_at"
        )
        if encrypted:
            user_names.insert(user_names.index("phone") + 1, phone_index.attname)
        self.sink.write(User, user_names, users)
        self.sink.write(
            RoleAssignment,
            ["id", "user_id", "role", "region_id", "region_path", "site_id", "created_at"],
            assignments,
        )
        self.sink.write(
            RoleAssignment.sectors.through, ["id", "roleassignment_id", "sector_id"], assignment_sectors
        )
        device_names = ["id", "user_id", "name", "confirmed", "key"]
        device_fields = {f.attname for f in TOTPDevice._meta.concrete_fields}
        defaults = [f for f in TOTPDevice._meta.concrete_fields if f.attname not in device_names]
        extra_names = [f.attname for f in defaults]
        extra_values = tuple(self._device_default(f, stamp) for f in defaults)
        if set(device_names + extra_names) != device_fields:  # pragma: no cover - a django-otp upgrade
            raise RuntimeError("TOTPDevice columns changed")
        self.sink.write(TOTPDevice, device_names + extra_names, (d + extra_values for d in devices))
        self.counts["users"] = len(users)
        self.counts["role_assignments"] = len(assignments)
        self.sink.report(User, "账号")

    @staticmethod
    def _device_default(field: models.Field, stamp: datetime.datetime) -> Any:
        if isinstance(field, models.DateTimeField):
            return stamp if (field.auto_now or field.auto_now_add) else (None if field.null else stamp)
        if field.has_default():
            return field.get_default()
        return None

    # --- hazards and their timelines ---------------------------------------------------------------

    def build_hazards(self) -> None:
        plan = self.plan
        rng = plan.rng("hazards")
        n = plan.hazards
        if n == 0 or not self.sites:
            self.counts.update(hazards=0, hazard_events=0)
            return
        # Descriptions: a few filled variants of each catalogue entry, per site kind.
        fill_rng = plan.rng("descriptions")
        catalogue: dict[str, tuple[list, list]] = {}
        for kind in SiteKind.values:
            entries = activity.CATALOGUE.get(kind, []) + activity.COMMON
            variants = []
            for entry in entries:
                for _ in range(3):
                    description, location = activity._fill(entry, fill_rng)
                    variants.append((entry.category, description, location, entry.fix, entry.major))
            general = [v for v in variants if not v[4]]
            major = [v for v in variants if v[4]] or general
            catalogue[kind] = (general, major)
        days = YEARS * 365
        start_day = self.start_day
        dates = [
            datetime.date.fromordinal(datetime.date(1970, 1, 1).toordinal() + start_day + d)
            for d in range(days + 800)
        ]
        horizon = self.horizon
        sites = self.sites
        n_sites = len(sites)
        counties = self.counties
        grid_users = self.grid_users
        enterprise_sites = self.enterprise_sites
        A, S = HazardAction, HazardStatus
        escalate_reasons = activity.ESCALATE_REASONS
        extend_reasons = activity.EXTEND_REASONS
        fail_notes = activity.VERIFY_FAIL_NOTES
        pass_notes = activity.VERIFY_PASS_NOTES
        plan_text = activity.EMERGENCY_PLAN
        stuck_names = [s for s, _w in STUCK_STAGES]
        stuck_weights = [w for _s, w in STUCK_STAGES]
        utc_from = datetime.datetime.fromtimestamp
        rand = rng.random
        randint = rng.randint
        choice = rng.choice

        def later(t: int, lo: int, hi: int) -> int:
            """A moment in working hours `lo`–`hi` days after `t` (never before it)."""
            day = (t + LOCAL_OFFSET) // DAY + randint(lo, hi)
            ts = day * DAY - LOCAL_OFFSET + 30600 + int(rand() * 32400)
            return ts if ts > t else t + 300 + int(rand() * 3300)

        def local_date(t: int) -> datetime.date:
            return dates[(t + LOCAL_OFFSET) // DAY - start_day]

        hazard_names = _names(
            "id number site_id region_path sector_id inspection_id criterion_id source category grade "
            "description location longitude latitude reported_by_id reported_at status level version "
            "responsible_org_id responsible_person deadline assigned_by_id assigned_at measures funds "
            "emergency_plan supervised rectification_note rectified_at closed_at closed_by_id on_the_spot "
            "last_notice_on escalated_at"
        )
        event_names = _names(
            "id hazard_id action from_status to_status from_level to_level actor_id at note data"
        )

        def one(k: int) -> tuple[tuple, list[tuple]]:
            """Hazard number k (0-based): its row and its timeline."""
            hid = k + 1
            # Evenly over five years, in working hours, in id order.
            pos = k * days / n
            day = int(pos)
            reported = (start_day + day) * DAY - LOCAL_OFFSET + 30600 + int((pos - day) * 32400)
            site = sites[int(rand() * n_sites)]
            county = counties[site.county]
            users = county.users
            township_user = users[f"township:{site.township}"]
            sector_user = users[f"sector:{site.sector_index}"]
            grid_user = grid_users[site.grid]
            handler = {1: township_user, 2: sector_user, 3: users["office"], 4: users["leader"]}
            major = rand() < MAJOR_SHARE
            general_list, major_list = catalogue[site.kind]
            category, description, location, fix, _m = choice(major_list if major else general_list)
            draw = rand()
            if major:
                source, reporter = (
                    (HazardSource.INSPECTION, sector_user) if draw < 0.5 else (HazardSource.PATROL, grid_user)
                )
                level = 2
            elif draw < 0.55:
                source, reporter, level = HazardSource.PATROL, grid_user, 1
            elif draw < 0.75:
                source, reporter, level = HazardSource.INSPECTION, township_user, 1
            elif draw < 0.9:
                source, reporter, level = HazardSource.INSPECTION, sector_user, 2
            elif draw < 0.95:
                source, reporter, level = HazardSource.EXPERT, users["expert"], 1
            else:
                source, reporter, level = HazardSource.TIP_OFF, township_user, 1
            grade = HazardGrade.MAJOR if major else HazardGrade.GENERAL
            # Fields the steps set.
            status = S.REPORTED
            responsible_org = assigned_by = assigned_at = deadline = rectified_at = None
            closed_at = closed_by = None
            responsible_person = measures = emergency_plan = rectification_note = ""
            funds = None
            supervised = on_the_spot = False
            stuck = rng.choices(stuck_names, weights=stuck_weights)[0] if rand() < STUCK_SHARE else ""
            hazard_events = [
                (hid, A.REPORT, "", S.REPORTED, None, level, reporter, reported, description[:200], "{}")
            ]
            t = reported

            # One step: appended unless it would happen after the horizon (the hazard then stays
            # where it is, as recent hazards do).
            def step(action, to_status, to_level, actor, at, note="", data="{}"):
                if at >= horizon:
                    return False
                hazard_events.append((hid, action, status, to_status, level, to_level, actor, at, note, data))
                return True

            def assign() -> bool:
                nonlocal t, status, responsible_org, responsible_person, deadline, assigned_by
                nonlocal assigned_at, measures, funds, emergency_plan, supervised
                t = later(t, 0, 2) if level == 1 else later(t, 1, 5)
                if major:
                    span = choice((20, 30, 30, 45, 60, 90))
                elif level == 1:
                    span = choice((3, 5, 7, 7, 10, 15))
                else:
                    span = choice((7, 10, 15, 15, 20, 30))
                due = local_date(t) + datetime.timedelta(days=span)
                if level == 1 or (level == 4 and rand() < 0.5):
                    org = county.township_orgs[site.township]
                elif level == 3:
                    org = county.office
                else:
                    org = county.sector_depts[site.sector_index]
                person = site.legal_rep if major else site.contact
                data = json.dumps(
                    {
                        "deadline": str(due),
                        "responsible_org": org,
                        "responsible_person": person,
                        "grade": grade,
                    },
                    ensure_ascii=False,
                )
                note = (
                    "重大事故隐患，已落实“五落实”，列入县级挂牌督办。"
                    if major
                    else ("" if rand() < 0.5 else "请按期完成整改并上传整改佐证材料。")
                )
                if not step(A.ASSIGN, S.ASSIGNED, level, handler[level], t, note, data):
                    return False
                status = S.ASSIGNED
                responsible_org, responsible_person, deadline = org, person, due
                assigned_by, assigned_at = handler[level], t
                if major:
                    measures, funds, emergency_plan, supervised = (
                        fix,
                        Decimal(randint(20, 800) * 1000),
                        plan_text,
                        True,
                    )
                return True

            while True:  # one pass; `break` ends the timeline where it stands
                if not major and level == 1 and reporter != users["expert"] and rand() < ON_THE_SPOT_SHARE:
                    at = t + 600 + int(rand() * 3000)
                    if step(A.RECTIFY_ON_SPOT, S.CLOSED, level, reporter, at, fix):
                        status, on_the_spot = S.CLOSED, True
                        rectification_note, rectified_at, closed_at, closed_by = fix, at, at, reporter
                    break
                if stuck == "reported":
                    break
                climbed = True
                while level < 4 and rand() < ESCALATE_PRE[level]:
                    t = later(t, 1, 4)
                    climbed = step(
                        A.ESCALATE,
                        S.REPORTED,
                        level + 1,
                        handler[level],
                        t,
                        choice(escalate_reasons[(level, "pre")]),
                    )
                    if not climbed:
                        break
                    level += 1
                if not climbed:
                    break  # an escalation fell after the horizon

                if not assign():
                    break
                if level < 4 and rand() < ESCALATE_POST[level]:
                    t = later(t, 1, 5)
                    if not step(
                        A.ESCALATE,
                        S.REPORTED,
                        level + 1,
                        handler[level],
                        t,
                        choice(escalate_reasons[(level, "post")]),
                    ):
                        break
                    level += 1
                    status = S.REPORTED
                    if not assign():
                        break
                if stuck == "assigned":
                    break
                unit = enterprise_sites.get(site.id) or handler[level]
                t = later(t, 0, 2)
                if not step(
                    A.START,
                    S.RECTIFYING,
                    level,
                    unit,
                    t,
                    "" if rand() < 0.6 else "已制定整改方案并组织实施。",
                ):
                    break
                status = S.RECTIFYING
                if stuck == "rectifying":
                    break
                span = max(1, (deadline - local_date(t)).days)
                if rand() < EXTEND_SHARE[1 if major else 0]:
                    t = later(t, max(1, span // 2), max(1, span - 1))
                    new = max(deadline, local_date(t)) + datetime.timedelta(
                        days=randint(7, 45 if major else 20)
                    )
                    if not step(
                        A.EXTEND,
                        S.RECTIFYING,
                        level,
                        handler[level],
                        t,
                        choice(extend_reasons),
                        json.dumps({"from": str(deadline), "to": str(new)}),
                    ):
                        break
                    deadline = new
                    span = max(1, (deadline - local_date(t)).days)
                t = later(t, max(1, round(span * 0.25)), span)
                if not step(A.SUBMIT, S.VERIFYING, level, unit, t, fix):
                    break
                status, rectification_note, rectified_at = S.VERIFYING, fix, t
                verifier = grid_user if level == 1 and rand() < 0.7 else handler[level]
                if rand() < VERIFY_FAIL_SHARE:
                    t = later(t, 1, 5)
                    if not step(A.VERIFY_FAIL, S.RECTIFYING, level, verifier, t, choice(fail_notes)):
                        break
                    status = S.RECTIFYING
                    if deadline < local_date(t) + datetime.timedelta(days=5):
                        t += 300 + int(rand() * 2100)
                        new = local_date(t) + datetime.timedelta(days=randint(7, 20))
                        if not step(
                            A.EXTEND,
                            S.RECTIFYING,
                            level,
                            handler[level],
                            t,
                            "复查不通过，限期重新整改。",
                            json.dumps({"from": str(deadline), "to": str(new)}),
                        ):
                            break
                        deadline = new
                    t = later(t, 2, 10)
                    again = f"已按复查意见重新整改：{fix}"
                    if not step(A.SUBMIT, S.VERIFYING, level, unit, t, again):
                        break
                    status, rectification_note, rectified_at = S.VERIFYING, again, t
                if stuck == "verifying":
                    break
                t = later(t, 1, 5)
                if step(A.VERIFY_PASS, S.CLOSED, level, verifier, t, choice(pass_notes)):
                    status, closed_at, closed_by = S.CLOSED, t, verifier
                break

            year = dates[(reported + LOCAL_OFFSET) // DAY - start_day].year
            escalated = [e[7] for e in hazard_events if e[1] == A.ESCALATE]
            return (
                (
                    hid,
                    f"YH{county.code}{year}{hid:07d}",
                    site.id,
                    site.path,
                    site.sector_id,
                    None,
                    None,
                    source,
                    category,
                    grade,
                    description,
                    location,
                    site.lon,
                    site.lat,
                    reporter,
                    utc_from(reported, UTC),
                    status,
                    level,
                    len(hazard_events),
                    responsible_org,
                    responsible_person,
                    deadline,
                    assigned_by,
                    None if assigned_at is None else utc_from(assigned_at, UTC),
                    measures,
                    funds,
                    emergency_plan,
                    supervised,
                    rectification_note,
                    None if rectified_at is None else utc_from(rectified_at, UTC),
                    None if closed_at is None else utc_from(closed_at, UTC),
                    closed_by,
                    on_the_spot,
                    None,
                    utc_from(escalated[0], UTC) if escalated else None,
                )
            ), hazard_events

        event_id = 0
        statuses: dict[str, int] = {}
        majors = overdue = 0
        today = plan.today
        for chunk_start in range(0, n, CHUNK):
            hazards: list[tuple] = []
            events: list[tuple] = []
            for k in range(chunk_start, min(n, chunk_start + CHUNK)):
                row, hazard_events = one(k)
                status, grade, deadline = row[16], row[9], row[21]
                hazards.append(row)
                statuses[status] = statuses.get(status, 0) + 1
                majors += grade == HazardGrade.MAJOR
                if status in (S.ASSIGNED, S.RECTIFYING) and deadline < today:
                    overdue += 1
                for e in hazard_events:
                    event_id += 1
                    events.append((event_id, *e[:7], utc_from(e[7], UTC), e[8], e[9]))
            self.sink.write(Hazard, hazard_names, hazards)
            self.sink.write(HazardEvent, event_names, events)
            done = min(n, chunk_start + CHUNK)
            if done == n or (done // CHUNK) % 10 == 0:
                self.sink.line(f"    隐患 {done:,} / {n:,}，处置记录 {event_id:,}")
        self.counts["hazards"] = n
        self.counts["hazard_events"] = event_id
        self.counts["hazards_by_status"] = dict(sorted(statuses.items()))
        self.counts["major_hazards"] = majors
        self.counts["overdue_hazards"] = overdue
        self.sink.report(Hazard, "隐患")
        self.sink.report(HazardEvent, "隐患处置记录")

    # --- risk points ---------------------------------------------------------------------------------

    def build_risks(self) -> None:
        plan = self.plan
        rng = plan.rng("risks")
        n = plan.risk_points
        if n == 0 or not self.sites:
            self.counts["risk_points"] = 0
            return
        by_level: dict[str, list[tuple]] = {level: [] for level in RiskLevel.values}
        for l_value in lec.L_VALUES:
            for e_value in lec.E_VALUES:
                for c_value in lec.C_VALUES:
                    d, level = lec.lec_assess(l_value, e_value, c_value)
                    by_level[level].append((AssessmentMethod.LEC, l_value, e_value, c_value, None, d))
        for l_value in ls.L_VALUES:
            for s_value in ls.S_VALUES:
                r, level = ls.ls_assess(l_value, s_value)
                by_level[level].append(
                    (AssessmentMethod.LS, Decimal(l_value), None, None, Decimal(s_value), Decimal(r))
                )
        levels = list(RISK_LEVEL_WEIGHTS)
        level_weights = [RISK_LEVEL_WEIGHTS[level] for level in levels]
        controls = sorted(ControlLevel.values, key=CONTROL_RANK.__getitem__)
        accident_types = AccidentType.values
        areas = (
            "生产车间",
            "仓库",
            "配电房",
            "锅炉房",
            "办公楼",
            "厂区道路",
            "装卸区",
            "储罐区",
            "作业现场",
            "食堂",
        )
        points = (
            "设备设施",
            "作业活动",
            "储存场所",
            "用电设施",
            "特种设备",
            "有限空间",
            "危险作业",
            "消防设施",
        )
        factors = (
            "设备老化、防护缺失",
            "作业人员违章操作",
            "安全警示标志缺失",
            "电气线路老化",
            "通风不良",
            "物料堆放不规范",
        )
        measures = (
            "定期检查维护，落实岗位责任制",
            "严格执行操作规程，作业前安全交底",
            "设置警示标志，配备个体防护用品",
        )
        sites = self.sites
        start_day = self.start_day
        n_sites = len(sites)
        stamp_base = (start_day + YEARS * 365 - 400) * DAY - LOCAL_OFFSET
        utc_from = datetime.datetime.fromtimestamp

        def rows() -> Iterator[tuple[tuple, tuple]]:
            for k in range(n):
                pk = k + 1
                site = sites[k * n_sites // n]
                county = self.counties[site.county]
                level = rng.choices(levels, weights=level_weights)[0]
                method, l_value, e_value, c_value, s_value, score = rng.choice(by_level[level])
                minimum = CONTROL_RANK[MIN_CONTROL_LEVEL[level]]
                control = rng.choice([c for c in controls if CONTROL_RANK[c] >= minimum])
                assessed = stamp_base + int(rng.random() * 380 * DAY)
                at = utc_from(assessed, UTC)
                review = datetime.date.fromordinal(
                    datetime.date(1970, 1, 1).toordinal() + (assessed + LOCAL_OFFSET) // DAY + 365
                )
                creator = self.enterprise_sites.get(site.id) or county.users["office"]
                name = f"{rng.choice(areas)}{rng.choice(points)}"
                types = json.dumps(sorted(rng.sample(accident_types, rng.randint(1, 3))))
                point = (
                    pk,
                    at,
                    at,
                    method,
                    l_value,
                    e_value,
                    c_value,
                    s_value,
                    score,
                    level,
                    site.id,
                    site.path,
                    site.sector_id,
                    name,
                    rng.choice(areas),
                    types,
                    rng.choice(factors),
                    rng.choice(measures),
                    control,
                    site.contact,
                    review,
                    at,
                    creator,
                )
                assessment = (
                    pk,
                    method,
                    l_value,
                    e_value,
                    c_value,
                    s_value,
                    score,
                    level,
                    pk,
                    creator,
                    at,
                    "",
                )
                yield point, assessment

        point_names = _names(
            "id created_at updated_at method l_value e_value c_value s_value score level site_id "
            "region_path sector_id name area accident_types hazardous_factors control_measures "
            "control_level responsible_person review_date assessed_at created_by_id"
        )
        assessment_names = _names(
            "id method l_value e_value c_value s_value score level risk_point_id assessed_by_id assessed_at "
            "note"
        )
        for chunk in _chunks(rows(), CHUNK * 5):
            self.sink.write(RiskPoint, point_names, (p for p, _a in chunk))
            self.sink.write(RiskAssessment, assessment_names, (a for _p, a in chunk))
        self.counts["risk_points"] = n
        self.sink.report(RiskPoint, "风险点")
        self.sink.report(RiskAssessment, "风险评估记录")

    # --- people --------------------------------------------------------------------------------------

    def build_people(self) -> None:
        """People with valid (synthetic) ID numbers and mobile numbers, encrypted as the field does
        (≈ 15 µs a value for SM4-GCM and the HMAC-SM3 blind index: 200k people cost ≈ 6 s)."""
        plan = self.plan
        rng = plan.rng("people")
        n = plan.people
        if n == 0:
            self.counts["people"] = 0
            return
        id_field = Person._meta.get_field("id_number")
        phone_field = Person._meta.get_field("phone")
        id_index = Person._meta.get_field("id_number_bidx")
        phone_index = Person._meta.get_field("phone_bidx")
        encrypt = crypto.encrypt_text
        used: set[str] = set()
        sites = self.sites
        stamp = self.stamp
        titles = {
            PersonSource.ENTERPRISE: ("安全员", "安全主管", "主要负责人", "班组长"),
            PersonSource.GRID_WORKER: ("网格员", "专职网格员"),
            PersonSource.SENT_DOWN: ("包片干部", "安监站干部"),
            PersonSource.HIRED: ("行业专业人员", "安全监管员"),
            PersonSource.EXPERT: ("安全专家", "注册安全工程师"),
        }
        all_grids = [
            (county, t, g) for county in self.counties for t, gs in enumerate(county.grid_ids) for g in gs
        ]

        def id_number(county_code: str, gender: str) -> str:
            while True:
                born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 42))
                serial = rng.randrange(500) * 2 + (1 if gender == Gender.MALE else 0)
                first17 = f"{county_code}{born:%Y%m%d}{serial:03d}"
                number = first17 + id_check_character(first17)
                if number not in used:
                    used.add(number)
                    return number

        def rows() -> Iterator[tuple]:
            for k in range(n):
                pk = k + 1
                draw = rng.random()
                site_id = None
                sector_id = None
                if draw < 0.4 and sites:
                    source, site = PersonSource.ENTERPRISE, sites[int(rng.random() * len(sites))]
                    county = self.counties[site.county]
                    region, path, site_id, sector_id, organisation = (
                        site.grid,
                        site.path,
                        site.id,
                        site.sector_id,
                        None,
                    )
                elif draw < 0.7:
                    county, _t, grid = all_grids[int(rng.random() * len(all_grids))]
                    source, region, path, organisation = (
                        PersonSource.GRID_WORKER,
                        grid,
                        self.grid_paths[grid],
                        self.grid_units[grid],
                    )
                elif draw < 0.85:
                    county = self.counties[int(rng.random() * len(self.counties))]
                    t = int(rng.random() * len(county.township_ids))
                    source, region = PersonSource.SENT_DOWN, county.township_ids[t]
                    path = county.township_paths[t]
                    organisation = county.township_orgs[t]
                elif draw < 0.95:
                    county = self.counties[int(rng.random() * len(self.counties))]
                    source, region, path = PersonSource.HIRED, county.region_id, county.path
                    organisation = rng.choice(county.sector_depts)
                else:
                    county = self.counties[int(rng.random() * len(self.counties))]
                    source, region, path, organisation = (
                        PersonSource.EXPERT,
                        county.region_id,
                        county.path,
                        county.expert_body,
                    )
                gender = Gender.MALE if rng.random() < 0.7 else Gender.FEMALE
                number = id_number(county.code, gender)
                phone = _mobile(rng)
                employment = Employment.FULL_TIME if rng.random() < 0.6 else Employment.PART_TIME
                yield (
                    pk,
                    stamp,
                    stamp,
                    path,
                    sector_id,
                    _person_name(rng),
                    gender,
                    encrypt(number, aad=id_field.aad),
                    id_index.digest(number),
                    encrypt(phone, aad=phone_field.aad),
                    phone_index.digest(phone),
                    source,
                    employment,
                    organisation,
                    site_id,
                    region,
                    None,
                    rng.choice(titles[source]),
                    True,
                    "",
                    county.users["office"],
                    None,
                )

        names = _names(
            "id created_at updated_at region_path sector_id name gender id_number id_number_bidx phone "
            "phone_bidx source employment organisation_id site_id region_id user_id title is_active note "
            "created_by_id personal_data_purged_on"
        )
        for chunk in _chunks(rows(), CHUNK * 5):
            self.sink.write(Person, names, chunk)
        self.counts["people"] = n
        self.sink.report(Person, "人员")

    # --- the whole province ------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        tables = [m._meta.db_table for m in (*loaded_models(), HazardTally, SiteRiskSummary)]
        self.sink.line(
            f"生成模拟省份：规模 {self.plan.scale:g}，随机种子 {self.plan.seed}，"
            f"截至 {self.plan.today:%Y-%m-%d}"
            f"（{connection.vendor}）"
        )
        with transaction.atomic():
            if not database_is_empty():
                raise ProvinceError(
                    "数据库中已有区划、场所、账号或业务数据，未生成模拟省份（不与演示县或其他数据混合）。"
                    "请使用一个新建的空数据库并执行 migrate 后再运行。"
                )
            if connection.vendor == "postgresql":
                with _DeferredIndexes(tables, self.sink):
                    self._build()
                _reset_sequences(loaded_models())
            else:
                self._build()
            start = time.perf_counter()
            rows = rebuild_tally()
            self.sink.line(
                f"  隐患月度汇总（hazards_hazardtally）：{rows:,} 行，{time.perf_counter() - start:.1f} 秒"
            )
            start = time.perf_counter()
            rows = rebuild_risk_summary()
            self.sink.line(
                f"  场所风险点汇总（risks_siterisksummary）：{rows:,} 行，"
                f"{time.perf_counter() - start:.1f} 秒"
            )
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # (Inside a caller's transaction — a test — VACUUM cannot run; autovacuum will.)
            start = time.perf_counter()
            qn = connection.ops.quote_name
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"VACUUM ANALYZE {qn(table)}")
            self.sink.line(f"  VACUUM ANALYZE {time.perf_counter() - start:.1f} 秒")
        self.counts["seconds"] = round(time.perf_counter() - started, 1)
        self.sink.line(f"完成，用时 {self.counts['seconds']} 秒。")
        return self.counts

    def _build(self) -> None:
        for label, build in (
            ("区划", self.build_regions),
            ("组织机构、行业领域和网格职责", self.build_organisations),
            ("场所", self.build_sites),
            ("账号和角色授权", self.build_users),
            ("隐患和处置记录", self.build_hazards),
            ("风险点和评估记录", self.build_risks),
            ("人员", self.build_people),
        ):
            start = time.perf_counter()
            build()
            self.counts.setdefault("phase_seconds", {})[label] = round(time.perf_counter() - start, 1)
            self.sink.line(f"  → {label}：生成和写入共 {time.perf_counter() - start:.1f} 秒")


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def generate_province(
    *,
    scale: float = 0.001,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    out: TextIO | None = None,
) -> dict[str, Any]:
    """Generate the province into an empty database and return its counts. Raises ProvinceError
    (Chinese message, nothing written) for a bad scale or a database that already holds data."""
    validate_scale(scale)
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    return Generator(Plan(scale=scale, seed=seed, today=today), out=out).run()
