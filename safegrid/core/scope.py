"""Scope primitives: the single place where "which rows may this actor see" is turned into SQL.

A user's role assignments resolve to a tuple of `Grant`s (accounts.scope). Every scoped model's
queryset derives from `ScopedQuerySet` and answers `visible_to(actor, capability=None)` with one
`WHERE` over denormalised, indexed scope keys (the region materialised path, sector, site). With a
capability, only the grants whose role has it count (NetBox's `restrict(user, action)`), so a user
who is a grid worker in one grid and a township officer elsewhere edits only where the township role
allows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models
from django.db.models import Q

PATH_SEPARATOR = "/"


@dataclass(frozen=True)
class Grant:
    """One role assignment, reduced to what scoping needs."""

    role: str
    path: str  # materialised path of the anchor region, e.g. "/360000/360700/360725/"
    sector_ids: frozenset[int] | None = None  # None: every sector
    site_id: int | None = None  # set for a user bound to one site (enterprise staff)
    capabilities: frozenset[str] = frozenset()
    region_kind: int | None = None  # the anchor's RegionKind, when known (None: look it up)


class ScopedActor(Protocol):
    pk: Any
    is_authenticated: bool

    @property
    def grants(self) -> tuple[Grant, ...]: ...


def ancestor_paths(path: str) -> list[str]:
    """All paths from the root down to and including `path`."""
    parts = [p for p in path.split(PATH_SEPARATOR) if p]
    return [PATH_SEPARATOR + PATH_SEPARATOR.join(parts[: i + 1]) + PATH_SEPARATOR for i in range(len(parts))]


def grants_for(actor, capability: str | None) -> tuple[Grant, ...]:
    if (
        actor is None
        or not getattr(actor, "is_authenticated", False)
        or not getattr(actor, "is_active", True)
    ):
        return ()
    grants = getattr(actor, "grants", ())
    if capability is None:
        return tuple(grants)
    return tuple(g for g in grants if capability in g.capabilities)


def reads_above_county(actor, capability: str) -> bool:
    """True when the actor holds `capability` and every grant giving it is anchored at a city or a
    province and bound to no site: an actor reading many counties whole. Such actors read the
    summaries kept per county or per site (hazards.tally, risks.summary) and compare the counties'
    sectors by kind (orgs.selectors.reads_sector_kinds). The anchors' kinds are looked up only for
    grants built without them."""
    from safegrid.orgs.choices import RegionKind

    above_county = {RegionKind.PROVINCE, RegionKind.CITY}
    grants = grants_for(actor, capability)
    if not grants or any(g.site_id is not None for g in grants):
        return False
    if all(g.region_kind is not None for g in grants):
        return all(g.region_kind in above_county for g in grants)
    from safegrid.orgs.models import Region

    paths = {g.path for g in grants}
    found = dict(Region.objects.filter(path__in=paths).values_list("path", "kind"))
    return len(found) == len(paths) and all(kind in above_county for kind in found.values())


def row_scope_q(
    grant: Grant,
    *,
    region: str = "region_path",
    sector: str | None = "sector_id",
    site: str | None = None,
    ancestors: bool = False,
    sector_nullable: bool = False,
) -> Q | None:
    """The condition for the rows one grant can see.

    region:   field holding the row's region path (subtree rule: path starts with the anchor's).
    sector:   field holding the row's sector id, restricted when the grant names sectors.
    site:     field holding the row's site id; a site-bound grant sees only that site's rows.
    ancestors: reference rows (sectors, organisations) defined above the anchor are visible too:
              the county's sector committees concern a township officer in that county.
    """
    if grant.site_id is not None:
        if site is not None:
            return Q(**{site: grant.site_id})
        q = Q(**{f"{region}__in": ancestor_paths(grant.path)}) if ancestors else Q(**{region: grant.path})
    else:
        q = Q(**{f"{region}__startswith": grant.path})
        if ancestors:
            q |= Q(**{f"{region}__in": ancestor_paths(grant.path)})
    if grant.sector_ids is not None and sector is not None:
        sector_q = Q(**{f"{sector}__in": sorted(grant.sector_ids)})
        if sector_nullable:
            sector_q |= Q(**{f"{sector}__isnull": True})
        q &= sector_q
    return q


class ScopedQuerySet(models.QuerySet):
    """Base queryset for every scoped model; subclasses define `scope_q`."""

    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def visible_to(
        self, actor, capability: str | None = None, *, write: bool | None = None
    ) -> ScopedQuerySet:
        """Rows the actor may see or, with a write capability, act on.

        Capabilities named `<app>.view_<model>` read; every other capability writes. Writes never reach
        the reference rows above the anchor that reads include (a township officer reads the county's
        sector committees but does not edit them). `write=False` forces the read rule, for reference
        rows offered as choices while writing something else (the sector of a new site)."""
        grants = grants_for(actor, capability)
        if write is None:
            write = capability is not None and not capability.partition(".")[2].startswith("view_")
        condition: Q | None = None
        for grant in grants:
            q = self.scope_q(grant, actor, write=write)
            if q is None:
                continue
            condition = q if condition is None else condition | q
        if condition is None:
            return self.none()
        return self.filter(condition)
