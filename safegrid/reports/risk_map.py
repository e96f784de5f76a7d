"""The four-colour risk map (红橙黄蓝风险分布图) and the sector × township matrix (DESIGN.md §6).

Everything is read through the scoped querysets (`visible_to(actor, Cap.VIEW_RISK)` and the risk
selectors), so every number equals a count of rows the actor could list, and a fixed number of
queries is used however many regions, sites and risk points there are."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.scope import ancestor_paths
from safegrid.core.selectors import scoped_get
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Region, Sector
from safegrid.risks.choices import RiskLevel, worst_level
from safegrid.risks.models import SiteRiskGrading
from safegrid.risks.selectors import risk_point_list
from safegrid.sites.models import Site

# The map's colours (red, orange, yellow, blue), most severe first.
LEVEL_HEX: dict[str, str] = {
    RiskLevel.MAJOR: "#d9363e",
    RiskLevel.SIGNIFICANT: "#f08c00",
    RiskLevel.GENERAL: "#f5c400",
    RiskLevel.LOW: "#1c7ed6",
}
NO_RISK_HEX = "#e9ecef"
# The sequential scale of the map coloured by counts: band 0 (no risk points) to 4 (the most).
COUNT_BAND_HEX = ["#e9ecef", "#fdd49e", "#fc8d59", "#e34a33", "#b30000"]
COLOUR_BY = ("level", "count")


def count_band(total: int, maximum: int) -> int:
    """0 for no risk points, otherwise 1–4 by quarter of the largest total among the areas
    (the area with the most points is 4)."""
    if total <= 0 or maximum <= 0:
        return 0
    return max(1, min(4, math.ceil(4 * total / maximum)))


def count_legend(maximum: int) -> list[dict]:
    """The bands of the count scale with the totals each covers, for the legend."""
    legend = [{"band": 0, "label": _("无风险点"), "colour": COUNT_BAND_HEX[0]}]
    for band in range(1, 5):
        low = math.floor(maximum * (band - 1) / 4) + 1
        high = math.floor(maximum * band / 4)
        if maximum and low <= high:
            label = str(low) if low == high else f"{low}–{high}"
            legend.append({"band": band, "label": label, "colour": COUNT_BAND_HEX[band]})
    return legend


def _zero() -> dict[str, int]:
    return dict.fromkeys(RiskLevel.values, 0)


def map_region_list(*, actor):
    """Regions whose risk figures the actor may see (the subtree of each VIEW_RISK grant)."""
    return Region.objects.visible_to(actor, Cap.VIEW_RISK)


def map_region_get(*, actor, pk) -> Region:
    return scoped_get(map_region_list(actor=actor), pk)


def _merge_geometries(geometries: list[dict]) -> dict | None:
    """One MultiPolygon of the given Polygon / MultiPolygon geometries (no union is computed: the
    parts are drawn side by side, which is all the map needs for a region without its own outline)."""
    parts: list = []
    for geometry in geometries:
        if geometry.get("type") == "Polygon":
            parts.append(geometry["coordinates"])
        elif geometry.get("type") == "MultiPolygon":
            parts.extend(geometry["coordinates"])
    return {"type": "MultiPolygon", "coordinates": parts} if parts else None


def levels_legend() -> list[dict]:
    return [
        {"value": level.value, "label": str(level.label), "colour": LEVEL_HEX[level.value]}
        for level in RiskLevel
    ]


def risk_map_data(
    *,
    actor,
    region: Region | None = None,
    sector=None,
    level: str | None = None,
    colour_by: str = "level",
) -> dict:
    """The map of `region` (default: the actor's top visible region) as a GeoJSON FeatureCollection
    of its visible child regions (a grid, which has none, is shown itself), each with its worst
    level, counts per level and number of sites with risk points; and the visible sites as points
    with their level (current enterprise grading, otherwise worst risk point). `sector` (a Sector
    or id) and `level` filter the risk points and the sites. Raises NotInScope for a region outside
    the actor's scope. With `colour_by="count"` each area also gets a `count_band` (0–4, its total
    relative to the largest total among the areas) and is coloured on a sequential scale."""
    if colour_by not in COLOUR_BY:
        raise ValueError(f"unknown colour_by {colour_by!r}")
    regions = map_region_list(actor=actor).only(
        "id", "name", "code", "kind", "path", "depth", "geometry", "center_lon", "center_lat", "parent_id"
    )
    if region is not None:
        region = scoped_get(regions, region.pk)
    tops: list[Region] = []
    if region is None:
        tops = list(regions.order_by("depth", "path")[:50])
        tops = [r for r in tops if tops and r.depth == tops[0].depth]
        if len(tops) == 1:
            region = tops[0]
    if region is not None:
        areas = list(regions.filter(parent_id=region.pk).order_by("sort_order", "code")) or [region]
        breadcrumb = list(regions.filter(path__in=ancestor_paths(region.path)).order_by("depth"))
        scope_paths = [region.path]
    else:
        areas, breadcrumb, scope_paths = tops, [], [r.path for r in tops]

    # Children without an outline of their own are drawn as the outlines of their grids.
    missing = [a for a in areas if not a.geometry]
    fallback: dict[int, dict | None] = {}
    if missing:
        grids = defaultdict(list)
        rows = regions.filter(kind=RegionKind.GRID, geometry__isnull=False)
        rows = rows.filter(_any_prefix("path", [a.path for a in missing])).values_list("path", "geometry")
        for path, geometry in rows:
            for area in missing:
                if path.startswith(area.path):
                    grids[area.pk].append(geometry)
        fallback = {a.pk: _merge_geometries(grids[a.pk]) for a in missing}

    points = risk_point_list(actor=actor).order_by().filter(_any_prefix("region_path", scope_paths))
    gradings = SiteRiskGrading.objects.visible_to(actor, Cap.VIEW_RISK).filter(
        _any_prefix("region_path", scope_paths)
    )
    if sector is not None:
        sector_id = getattr(sector, "pk", sector)
        points = points.filter(sector_id=sector_id)
        gradings = gradings.filter(sector_id=sector_id)

    # Counted in Python by level so that a site keeps its own colour (its worst point overall)
    # when the map is filtered to one level: the filter picks the sites, not their colour.
    per_site: dict[int, dict[str, int]] = defaultdict(_zero)
    site_path: dict[int, str] = {}
    for row in points.values("site_id", "region_path", "level").annotate(n=Count("id")):
        per_site[row["site_id"]][row["level"]] += row["n"]
        site_path[row["site_id"]] = row["region_path"]
    site_level = {sid: worst_level(lv for lv, n in counts.items() if n) for sid, counts in per_site.items()}
    # The current (latest) enterprise-level grading decides a site's colour where one exists.
    graded: dict[int, str] = {}
    for site_id, graded_level in gradings.order_by("site_id", "-graded_on", "-id").values_list(
        "site_id", "level"
    ):
        graded.setdefault(site_id, graded_level)
    site_level.update(graded)
    if level:
        per_site = {
            sid: {lv: (n if lv == level else 0) for lv, n in c.items()} for sid, c in per_site.items()
        }
        per_site = {sid: c for sid, c in per_site.items() if c[level]}
        site_path = {sid: path for sid, path in site_path.items() if sid in per_site}
        site_level = {sid: lv for sid, lv in site_level.items() if sid in per_site}

    features = []
    totals = _zero()
    for area in areas:
        counts = _zero()
        sites = 0
        for site_id, path in site_path.items():
            if path.startswith(area.path):
                sites += 1
                for lv, n in per_site[site_id].items():
                    counts[lv] += n
        for lv, n in counts.items():
            totals[lv] += n
        worst = worst_level(lv for lv, n in counts.items() if n)
        features.append(
            {
                "type": "Feature",
                "id": area.pk,
                "properties": {
                    "id": area.pk,
                    "name": area.name,
                    "code": area.code,
                    "kind": area.kind,
                    "drillable": area != region,
                    "level": worst,
                    "colour": LEVEL_HEX.get(worst, NO_RISK_HEX),
                    "counts": counts,
                    "total": sum(counts.values()),
                    "site_count": sites,
                    "center": [_float(area.center_lon), _float(area.center_lat)],
                },
                "geometry": area.geometry or fallback.get(area.pk),
            }
        )

    extra: dict = {}
    if colour_by == "count":
        maximum = max((f["properties"]["total"] for f in features), default=0)
        for feature in features:
            band = count_band(feature["properties"]["total"], maximum)
            feature["properties"]["count_band"] = band
            feature["properties"]["colour"] = COUNT_BAND_HEX[band]
        extra = {"colour_by": "count", "count_max": maximum, "count_bands": count_legend(maximum)}

    site_rows = (
        Site.objects.visible_to(actor, Cap.VIEW_RISK)
        .filter(pk__in=sorted(site_level))
        .order_by("name", "id")
        .values_list("id", "name", "longitude", "latitude")
    )
    sites = [
        {
            "id": pk,
            "name": name,
            "lon": _float(lon),
            "lat": _float(lat),
            "level": site_level[pk],
            "colour": LEVEL_HEX[site_level[pk]],
            "url": reverse("sites:site_detail", kwargs={"pk": pk}),
        }
        for pk, name, lon, lat in site_rows
    ]
    return {
        "type": "FeatureCollection",
        "region": _region_ref(region) if region is not None else None,
        "breadcrumb": [_region_ref(r) for r in breadcrumb],
        "features": features,
        "sites": sites,
        "totals": totals,
        "total": sum(totals.values()),
        "levels": levels_legend(),
        "filters": {"sector": getattr(sector, "pk", sector), "level": level or None},
        **extra,
    }


def _region_ref(region: Region) -> dict:
    return {"id": region.pk, "name": region.name, "code": region.code, "kind": region.kind}


def _float(value) -> float | None:
    return None if value is None else float(value)


def _any_prefix(field_name: str, prefixes: list[str]):
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(**{f"{field_name}__startswith": prefix})
    return q


@dataclass
class RiskMatrix:
    """Current risk points per sector (rows) × township (columns), counted per level."""

    sectors: list[Sector]
    townships: list[Region]
    cells: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)

    def cell(self, sector_id: int, township_id: int) -> dict[str, int]:
        return self.cells.get((sector_id, township_id)) or _zero()

    def rows(self) -> list[dict]:
        """One row per sector: its cells in township order and its totals per level."""
        result = []
        for sector in self.sectors:
            cells = [self.cell(sector.pk, t.pk) for t in self.townships]
            totals = {lv: sum(c[lv] for c in cells) for lv in RiskLevel.values}
            result.append({"sector": sector, "cells": cells, "totals": totals})
        return result

    def records(self) -> list[tuple[Sector, Region, dict[str, int]]]:
        """The non-empty cells, sector by sector (for the spreadsheet)."""
        return [
            (sector, township, self.cells[(sector.pk, township.pk)])
            for sector in self.sectors
            for township in self.townships
            if (sector.pk, township.pk) in self.cells
        ]


def risk_matrix(*, actor) -> RiskMatrix:
    """Sector × township counts per level of the actor's current risk points. Three queries."""
    cells: dict[tuple[int, int], dict[str, int]] = defaultdict(_zero)
    rows = (
        risk_point_list(actor=actor)
        .order_by()
        .values("sector_id", "site__grid__parent_id", "level")
        .annotate(n=Count("id"))
    )
    for row in rows:
        cells[(row["sector_id"], row["site__grid__parent_id"])][row["level"]] += row["n"]
    sector_ids = sorted({s for s, _t in cells})
    township_ids = sorted({t for _s, t in cells})
    # Read through the scoped querysets, with the read rule (a township officer reads the county's
    # sectors); a row the actor's risk points refer to is always visible to it.
    sectors = list(
        Sector.objects.visible_to(actor, Cap.VIEW_RISK, write=False)
        .filter(pk__in=sector_ids)
        .order_by("sort_order", "id")
    )
    # The townships are named by the actor's own risk points: a grid worker's township lies above
    # its scope, but the points counted under it are the worker's.
    townships = list(Region.objects.filter(pk__in=township_ids).order_by("sort_order", "code"))
    return RiskMatrix(sectors=sectors, townships=townships, cells=dict(cells))


def matrix_header() -> list[str]:
    return [_("行业领域"), _("乡镇（街道）"), *(str(lv.label) for lv in RiskLevel), _("合计")]
