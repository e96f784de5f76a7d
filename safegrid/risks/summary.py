"""The site risk summary (models.SiteRiskSummary): current risk points per (site, region path,
sector), counted per level, kept by the services.

Maintained, not computed: the services that register a risk point or change its level call
`record_change(before, after)` with the point's `state_of` before and after, in their transaction,
and the difference is added to the row it touches with one upsert (INSERT … ON CONFLICT DO UPDATE,
on SQLite ≥ 3.24 and PostgreSQL alike). Code that writes risk points directly (the demo builder, the
province generator) calls `rebuild()` afterwards — one DELETE and one INSERT … SELECT, set-based, so
it takes seconds on a province's million points; so can an operator (`manage.py
rebuild_risk_summary`), and `differences()` says whether the rows agree with the points.

Read by reports.risk_map for actors whose every VIEW_RISK grant is anchored at a city or a province
(`serves(actor)`), the maps whose live aggregate reads hundreds of thousands of points. The rows
would be exact for any actor (see the model's docstring: every scope rule of the points is a
condition on the row's key); below a city the live aggregate is cheap and those maps stay
independent of the summary's upkeep, as the hazard figures do with the hazard tally.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import connections, router, transaction
from django.db.models import Count, Q

from safegrid.accounts.roles import Cap
from safegrid.core.scope import reads_above_county

from .choices import RiskLevel
from .models import RiskPoint, SiteRiskSummary

KEY = ("site_id", "region_path", "sector_id")
# One count column per level, in RiskLevel order: "n_major", "n_significant", ….
COUNTS = tuple(f"n_{level}" for level in RiskLevel.values)


class State(NamedTuple):
    """What of a risk point the summary counts: its row key and its level."""

    site_id: int
    region_path: str
    sector_id: int
    level: str


def state_of(point: RiskPoint) -> State:
    return State(point.site_id, point.region_path, point.sector_id, point.level)


def record_change(before: State | None, after: State | None, *, using: str | None = None) -> None:
    """Add the difference between two states of one risk point (None: not there) to the summary:
    one upsert per row touched (one for a change of level, two for a change of key). Must run in
    the transaction that changes the point."""
    if before == after:
        return
    using = using or router.db_for_write(SiteRiskSummary)
    deltas: dict[tuple, dict[str, int]] = {}
    for state, sign in ((before, -1), (after, 1)):
        if state is not None:
            counts = deltas.setdefault(tuple(state[:3]), dict.fromkeys(COUNTS, 0))
            counts[f"n_{state.level}"] += sign
    connection = connections[using]
    qn = connection.ops.quote_name
    table = qn(SiteRiskSummary._meta.db_table)
    columns = (*KEY, *COUNTS)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - identifiers only  # nosec B608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET "
        + ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COUNTS)
    )
    with connection.cursor() as cursor:
        for key, counts in sorted(deltas.items()):
            if any(counts.values()):
                cursor.execute(sql, [*key, *(counts[name] for name in COUNTS)])


def _computed_rows(using: str):
    """The summary as the points stand: one row per key with its counts (a GROUP BY query)."""
    return (
        RiskPoint.objects.using(using)
        .order_by()
        .values(*KEY)
        .annotate(**{f"n_{lv}": Count("id", filter=Q(level=lv)) for lv in RiskLevel.values})
    )


def rebuild(*, using: str | None = None) -> int:
    """Replace the summary with one computed from the points, set-based (one DELETE, one INSERT …
    SELECT … GROUP BY); the number of rows written."""
    using = using or router.db_for_write(SiteRiskSummary)
    connection = connections[using]
    select_sql, params = _computed_rows(using).query.get_compiler(using=using).as_sql()
    table = connection.ops.quote_name(SiteRiskSummary._meta.db_table)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - identifier only  # nosec B608
        # Composed of SQL compiled by the ORM (its values stay parameters) and fixed names; the
        # SELECT's columns are KEY then COUNTS, in that order.
        cursor.execute(
            f"INSERT INTO {table} ({', '.join((*KEY, *COUNTS))}) {select_sql}",  # nosec B608
            params,
        )
        return cursor.rowcount


def _stored(using: str) -> dict[tuple, dict[str, int]]:
    return {
        tuple(row[k] for k in KEY): {name: row[name] for name in COUNTS}
        for row in SiteRiskSummary.objects.using(using).values(*KEY, *COUNTS)
        if any(row[name] for name in COUNTS)
    }


def _computed(using: str) -> dict[tuple, dict[str, int]]:
    return {tuple(row[k] for k in KEY): {name: row[name] for name in COUNTS} for row in _computed_rows(using)}


def differences(*, using: str | None = None) -> dict:
    """{key: (stored, computed)} for every row where the summary and the points disagree ({} = exact;
    rows whose counts are all zero count as absent)."""
    using = using or router.db_for_read(SiteRiskSummary)
    stored, computed = _stored(using), _computed(using)
    return {
        key: (stored.get(key), computed.get(key))
        for key in sorted(set(stored) | set(computed))
        if stored.get(key) != computed.get(key)
    }


def serves(actor) -> bool:
    """True when the actor's map figures are read from the summary: every VIEW_RISK grant is
    anchored at a city or a province and not bound to a site."""
    return reads_above_county(actor, Cap.VIEW_RISK)


def summary_list(*, actor):
    """The summary rows the actor may read (the points' scope rule, on the same keys)."""
    return SiteRiskSummary.objects.visible_to(actor, Cap.VIEW_RISK).order_by()
