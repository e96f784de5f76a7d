"""The hazard tally (models.HazardTally): hazards per county, sector and month, kept by the services.

Maintained, not computed: the services that report a hazard, close it or change its grade call
`record_change(before, after)` with the hazard's `state_of` before and after, in their transaction,
and the difference is added to the rows it touches with one upsert per row (INSERT … ON CONFLICT DO
UPDATE, on SQLite and PostgreSQL alike). A hazard's region and sector never change after it is
reported and a closed hazard is never reopened, so the deltas are small and exact. Code that writes
hazards directly (the demo builder, the province generator) calls `rebuild()` afterwards; so can an
operator (`manage.py rebuild_hazard_tally`), and `tally_differences()` says whether the rows agree
with the hazards (a test checks it after random workflows).

Read by reports.statistics for actors whose every hazard grant is anchored above a county (a city
or a province, PERFORMANCE.md "summaries") over whole months: `serves(actor, date_from, date_to)`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import NamedTuple

from django.db import connections, router, transaction
from django.db.models import Count, DateField, F, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from safegrid.accounts.roles import Cap
from safegrid.core.scope import ancestor_paths, reads_above_county
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Region

from .choices import HazardGrade, HazardStatus
from .models import Hazard, HazardTally

COUNTS = ("found", "rectified", "major", "closed")


class State(NamedTuple):
    """What of a hazard the tally counts."""

    region_path: str
    sector_id: int
    reported_at: datetime.datetime
    status: str
    grade: str
    closed_at: datetime.datetime | None


def state_of(hazard: Hazard) -> State:
    return State(
        hazard.region_path,
        hazard.sector_id,
        hazard.reported_at,
        hazard.status,
        hazard.grade,
        hazard.closed_at if hazard.status == HazardStatus.CLOSED else None,
    )


def local_month(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


def _add(deltas: dict, state: State, county: str, sign: int) -> None:
    """`county` is the key the counts go under (the hazard's region path: the upsert finds its
    county)."""
    reported = deltas[(county, state.sector_id, local_month(state.reported_at))]
    reported["found"] += sign
    if state.status == HazardStatus.CLOSED:
        reported["rectified"] += sign
        deltas[(county, state.sector_id, local_month(state.closed_at))]["closed"] += sign
    if state.grade == HazardGrade.MAJOR:
        reported["major"] += sign


def record_change(before: State | None, after: State | None, *, using: str | None = None) -> None:
    """Add the difference between two states of one hazard (None: not there) to the tally: one
    upsert per row touched, the county found by a subquery in it. Must run in the transaction that
    changes the hazard."""
    if before == after:
        return
    using = using or router.db_for_write(HazardTally)
    deltas: dict = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for state, sign in ((before, -1), (after, 1)):
        if state is not None:
            _add(deltas, state, state.region_path, sign)
    connection = connections[using]
    qn = connection.ops.quote_name
    table = qn(HazardTally._meta.db_table)
    for (region_path, sector_id, month), counts in sorted(deltas.items()):
        if not any(counts.values()):
            continue
        ancestors = ancestor_paths(region_path)
        sql = (
            f"INSERT INTO {table} (region_path, sector_id, month, found, rectified, major, closed) "  # noqa: S608 - identifiers only
            f"SELECT COALESCE((SELECT path FROM {qn(Region._meta.db_table)} WHERE kind = %s AND path IN "
            f"({', '.join(['%s'] * len(ancestors))}) LIMIT 1), %s), %s, %s, %s, %s, %s, %s WHERE 1 = 1 "
            "ON CONFLICT (region_path, sector_id, month) DO UPDATE SET "
            + ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COUNTS)
        )
        params = [
            RegionKind.COUNTY.value,
            *ancestors,
            region_path,
            sector_id,
            connection.ops.adapt_datefield_value(month),
            *(counts[name] for name in COUNTS),
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _computed(using: str, hazard_model=Hazard, region_model=Region) -> dict:
    """The tally as the hazards stand, computed from them: {(county path, sector, month): counts}.
    Two GROUP BY queries per county path length (one length in practice) and two for hazards under
    no county, whatever the number of rows. The models are parameters for the data migration."""
    result: dict = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    counties = list(
        region_model.objects.using(using).filter(kind=RegionKind.COUNTY).values_list("path", flat=True)
    )
    by_length: dict[int, list[str]] = defaultdict(list)
    for path in counties:
        by_length[len(path)].append(path)
    hazards = hazard_model.objects.using(using).order_by()
    outside = hazards
    groups = []
    for length, paths in sorted(by_length.items()):
        groups.append(hazards.annotate(county=Substr("region_path", 1, length)).filter(county__in=paths))
        outside = outside.annotate(**{f"c{length}": Substr("region_path", 1, length)}).exclude(
            **{f"c{length}__in": paths}
        )
    groups.append(outside.annotate(county=F("region_path")))
    closed = Q(status=HazardStatus.CLOSED)
    for rows in groups:
        reported = (
            rows.annotate(month=TruncMonth("reported_at", output_field=DateField()))
            .values("county", "sector_id", "month")
            .annotate(
                found=Count("id"),
                rectified=Count("id", filter=closed),
                major=Count("id", filter=Q(grade=HazardGrade.MAJOR)),
            )
        )
        for row in reported:
            counts = result[(row["county"], row["sector_id"], row["month"])]
            for name in ("found", "rectified", "major"):
                counts[name] += row[name]
        closings = (
            rows.filter(closed)
            .annotate(month=TruncMonth("closed_at", output_field=DateField()))
            .values("county", "sector_id", "month")
            .annotate(closed=Count("id"))
        )
        for row in closings:
            result[(row["county"], row["sector_id"], row["month"])]["closed"] += row["closed"]
    return {key: counts for key, counts in result.items() if any(counts.values())}


def _stored(using: str) -> dict[tuple[str, int, datetime.date], dict[str, int]]:
    return {
        (row["region_path"], row["sector_id"], row["month"]): {name: row[name] for name in COUNTS}
        for row in HazardTally.objects.using(using).values("region_path", "sector_id", "month", *COUNTS)
        if any(row[name] for name in COUNTS)
    }


def rebuild(*, using: str | None = None, models: tuple | None = None) -> int:
    """Replace the tally with one computed from the hazards; the number of rows written. `models`:
    (Hazard, Region, HazardTally) of a migration's state."""
    hazard_model, region_model, tally_model = models or (Hazard, Region, HazardTally)
    using = using or router.db_for_write(tally_model)
    computed = _computed(using, hazard_model, region_model)
    with transaction.atomic(using=using):
        tally_model.objects.using(using).all().delete()
        tally_model.objects.using(using).bulk_create(
            (
                tally_model(region_path=path, sector_id=sector_id, month=month, **counts)
                for (path, sector_id, month), counts in sorted(computed.items())
            ),
            batch_size=2000,
        )
    return len(computed)


def tally_differences(*, using: str | None = None) -> dict:
    """{key: (stored, computed)} for every row where the tally and the hazards disagree ({} = exact)."""
    using = using or router.db_for_read(HazardTally)
    stored, computed = _stored(using), _computed(using)
    return {
        key: (stored.get(key), computed.get(key))
        for key in sorted(set(stored) | set(computed))
        if stored.get(key) != computed.get(key)
    }


def whole_months(date_from: datetime.date, date_to: datetime.date) -> bool:
    return date_from.day == 1 and (date_to + datetime.timedelta(days=1)).day == 1 and date_from <= date_to


def serves(actor, date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> bool:
    """True when the actor's hazard figures can be read from the tally: every VIEW_HAZARD grant is
    anchored at a city or a province (not bound to a site), and the period is whole months."""
    if date_from is not None and (date_to is None or not whole_months(date_from, date_to)):
        return False
    return reads_above_county(actor, Cap.VIEW_HAZARD)


def tally_list(*, actor):
    """The tally rows the actor may read (the hazards' scope rule)."""
    return HazardTally.objects.visible_to(actor, Cap.VIEW_HAZARD).order_by()


def refresh_derived(*, using: str | None = None) -> int:
    """For code that writes hazards and their timelines directly (the demo builder, the province
    generator): set `escalated_at` from each hazard's first escalation event, then rebuild the
    tally. The number of tally rows."""
    from django.db.models import Exists, Min, OuterRef, Subquery

    from .choices import HazardAction
    from .models import HazardEvent

    using = using or router.db_for_write(Hazard)
    events = HazardEvent.objects.using(using).filter(
        hazard=OuterRef("pk"), action__in=(HazardAction.ESCALATE, HazardAction.SWEEP_ESCALATE)
    )
    first = events.order_by().values("hazard").annotate(first=Min("at")).values("first")
    Hazard.objects.using(using).filter(Exists(events)).update(escalated_at=Subquery(first))
    return rebuild(using=using)
