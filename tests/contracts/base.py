"""Shared vocabulary of the contract tests: where each test user is anchored, the region-tree walks
the oracles are written with, the shape of a registered resource and of an audited write. Kept apart
from registry.py so that per-module registries (registry_<app>.py) can build on it and registry.py
can merge them without import cycles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from safegrid.orgs.models import Region, Sector
from safegrid.sites.models import Site


def ancestors_or_self(region: Region) -> list[Region]:
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain


def in_subtree(region: Region, anchor: Region) -> bool:
    return anchor in ancestors_or_self(region)


@dataclass
class Anchor:
    region: Region
    sectors: list[Sector] | None = None
    site: Site | None = None
    user: Any = None  # the test user anchored here, for rules that depend on who it is (experts)


def anchors(w: SimpleNamespace) -> dict[str, Anchor]:
    return {
        "leader": Anchor(w.county, user=w.users["leader"]),
        "office": Anchor(w.county, user=w.users["office"]),
        "sector_mining": Anchor(w.county, sectors=[w.mining], user=w.users["sector_mining"]),
        "township1": Anchor(w.t1, user=w.users["township1"]),
        "township2": Anchor(w.t2, user=w.users["township2"]),
        "grid11": Anchor(w.g11, user=w.users["grid11"]),
        "enterprise11": Anchor(w.g11, site=w.site11_mine, user=w.users["enterprise11"]),
        "expert": Anchor(w.county, user=w.users["expert"]),
        "sysadmin": Anchor(w.county, user=w.users["sysadmin"]),
        "secadmin": Anchor(w.county, user=w.users["secadmin"]),
        "auditor": Anchor(w.county, user=w.users["auditor"]),
        "office_b": Anchor(w.county_b, user=w.users["office_b"]),
        "supervisor": Anchor(w.city, user=w.users["supervisor"]),
    }


def placed_visible(region: Region, sector: Sector | None, site: Site | None, a: Anchor) -> bool:
    """People rows (DESIGN.md §4): enterprise staff see their own site's rows; officers their
    subtree, restricted to their sectors (a row without a sector is not a sector officer's)."""
    if a.site is not None:
        return site == a.site
    return in_subtree(region, a.region) and (a.sectors is None or sector in a.sectors)


@dataclass
class Resource:
    key: str
    model: type
    objects: Callable[[SimpleNamespace], list]
    visible: Callable
    list_page: str
    detail_page: str
    edit_page: str | None
    create_page: str
    api: str  # router basename
    search: Callable = field(default=lambda obj: obj.name)


@dataclass
class Write:
    """One audited write for test_audit_contract: a good payload leaves exactly one audit record,
    a bad one (invalid or out of scope) is refused in Chinese and changes nothing."""

    name: str
    user: str
    kind: str  # "page" (form POST) or "api" (JSON)
    url: Any  # callable(world) -> str
    good: Any  # callable(world) -> dict
    bad: Any  # callable(world) -> dict (invalid or out of scope)
    action: str
    model: type
    method: str = "post"
    # For the event catalogue (test_each_event_type_emits_exactly_one_complete_record): the answer
    # the "good" request gets, the record's result, and what must exist before it (callable(world)).
    status: tuple[int, ...] = (200, 201, 302)
    result: str = "success"
    setup: Any = None
