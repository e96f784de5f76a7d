"""The four-colour risk map (红橙黄蓝风险分布图) and the sector × township matrix (DESIGN.md §6).

Everything is read through the scoped querysets (`visible_to(actor, Cap.VIEW_RISK)` and the risk
selectors), so every number equals a count of rows the actor could list, and a fixed number of
queries is used however many regions, sites and risk points there are."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.scope import ancestor_paths
from safegrid.core.selectors import scoped_get
from safegrid.orgs.models import Region, Sector
from safegrid.risks import summary
from safegrid.risks.choices import LEVEL_RANK, RiskLevel, worst_level
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
# Site points are listed only while there are at most this many (one scatter point each, plus a
# name and a link): a province has ~100,000, which no browser draws usefully and no payload should
# carry. Above the cap the map returns `"sites": []` and `"sites_omitted"`, and the page asks the
# user to drill down (a county has ~1,000; a township far fewer).
SITE_LIST_CAP = 5000


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
    or id) and `level` filter the risk points and the sites; the level filter picks the sites (and
    the counts), a listed site keeps its own colour. Raises NotInScope for a region outside the
    actor's scope. With `colour_by="count"` each area also gets a `count_band` (0–4, its total
    relative to the largest total among the areas) and is coloured on a sequential scale.

    Sites are listed only when there are at most SITE_LIST_CAP of them (a county or below in
    practice); otherwise `sites` is empty and `sites_omitted` is how many would have been listed
    (0 when they are listed), and the page asks the user to choose a county or township.

    The work is done in the database at the areas' granularity: one aggregate groups the scoped
    risk points by (area, site) and then by area, and counts the sites that would be listed in the
    same statement (for an actor above a county, the per-site summary kept by the risk services
    stands in for the points: risks.summary.serves); a second query lists the sites, with their
    colours computed in SQL, only when they are few enough. A fixed number of queries (at most
    seven) whatever the number of regions, sites and points."""
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

    # Children without an outline of their own are drawn as the outlines of their highest
    # descendants that have one: the grids of a township, the counties of a city (not its
    # thousands of grids, which would be most of the payload and of the time at province scale).
    missing = [a for a in areas if not a.geometry]
    fallback: dict[int, dict | None] = {}
    if missing:
        key = _area_key(missing, field_name="path")
        rows = (
            regions.filter(geometry__isnull=False)
            .filter(_any_prefix("path", [a.path for a in missing]))
            .annotate(map_area=key, top_depth=Window(Min("depth"), partition_by=[key]))
            .filter(depth=F("top_depth"))
            .order_by("path")
            .values_list("map_area", "geometry")
        )
        outlines = defaultdict(list)
        for area_path, geometry in rows:
            outlines[area_path].append(geometry)
        fallback = {a.pk: _merge_geometries(outlines[a.path]) for a in missing}

    # The points that colour the sites: in the map's region, of the sector; `level` then picks
    # which of them are counted and which sites are shown.
    points = risk_point_list(actor=actor).order_by().filter(_any_prefix("region_path", scope_paths))
    gradings = SiteRiskGrading.objects.visible_to(actor, Cap.VIEW_RISK).filter(
        _any_prefix("region_path", scope_paths)
    )
    if sector is not None:
        sector_id = getattr(sector, "pk", sector)
        points = points.filter(sector_id=sector_id)
        gradings = gradings.filter(sector_id=sector_id)
    counted = points.filter(level=level) if level else points
    # The sites shown are the visible ones with counted points and, without a level filter, the
    # graded ones (their grading colours them even without risk points).
    listed = Site.objects.visible_to(actor, Cap.VIEW_RISK).order_by()
    graded = None if level else Q(pk__in=gradings.order_by().values("site_id"))
    if summary.serves(actor):
        # Above a county, the per-site summary instead of the points: its rows carry the points'
        # scope keys, so the actor's rows hold exactly its points (risks.models.SiteRiskSummary).
        rows = _summary_rows(actor=actor, scope_paths=scope_paths, sector=sector, level=level)
        per_area, site_total = _area_counts_from_summary(
            rows=rows, level=level, listed=listed, graded=graded, areas=areas
        )
        counted_sites = rows.values("site_id")
    else:
        per_area, site_total = _area_counts(counted=counted, listed=listed, graded=graded, areas=areas)
        counted_sites = counted.values("site_id")

    features = []
    totals = _zero()
    for area in areas:
        counts, sites = per_area.get(area.pk, (_zero(), 0))
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

    sites: list[dict] = []
    if 0 < site_total <= SITE_LIST_CAP:
        shown = _or(Q(pk__in=counted_sites), graded)
        sites = _site_points(listed.filter(shown), points=points, gradings=gradings)
    return {
        "type": "FeatureCollection",
        "region": _region_ref(region) if region is not None else None,
        "breadcrumb": [_region_ref(r) for r in breadcrumb],
        "features": features,
        "sites": sites,
        "sites_omitted": site_total if site_total > SITE_LIST_CAP else 0,
        "totals": totals,
        "total": sum(totals.values()),
        "levels": levels_legend(),
        "filters": {"sector": getattr(sector, "pk", sector), "level": level or None},
        **extra,
    }


def _area_key(areas: list[Region], field_name: str = "region_path"):
    """The SQL expression naming the area a risk point lies in: the leading part of its path when
    the areas' paths have one length (siblings' codes do: GB/T 2260 and 10114), otherwise the
    first area whose path starts it (a CASE over the few areas)."""
    lengths = {len(a.path) for a in areas}
    if len(lengths) == 1:
        return Substr(field_name, 1, lengths.pop())
    whens = [When(**{f"{field_name}__startswith": a.path}, then=Value(a.path)) for a in areas]
    return Case(*whens, default=Value(None), output_field=CharField())


def _area_counts(*, counted, listed, graded: Q | None, areas) -> tuple[dict[int, tuple[dict, int]], int]:
    """Per area: the counted points per level and the number of sites with counted points; and the
    number of sites the map would list. One statement: the counted points are grouped by (area,
    site) once (`per_site`), then by area, and the listed sites are counted against `per_site`."""
    alias = counted.db
    per_site = (
        counted.annotate(map_area=_area_key(areas))
        .values("map_area", "site_id")
        .annotate(**{f"n_{lv}": Count("site_id", filter=Q(level=lv)) for lv in RiskLevel.values})
        .order_by()
    )
    per_site_sql, per_site_params = per_site.query.get_compiler(using=alias).as_sql()
    shown = _or(Q(pk__in=RawSQL("SELECT site_id FROM per_site", ())), graded)
    count_sql, count_params = listed.filter(shown).values("pk").query.get_compiler(using=alias).as_sql()
    sums = ", ".join(f"SUM(n_{lv})" for lv in RiskLevel.values)
    zeros = ", ".join("0" for _lv in RiskLevel.values)
    # Composed of SQL compiled by the ORM (its values stay parameters) and fixed names.
    sql = (
        f"WITH per_site AS ({per_site_sql}) "  # noqa: S608 - compiled ORM SQL, parameters kept  # nosec B608
        f"SELECT map_area, {sums}, COUNT(*) FROM per_site WHERE map_area IS NOT NULL GROUP BY map_area "
        f"UNION ALL SELECT NULL, {zeros}, (SELECT COUNT(*) FROM ({count_sql}) listed)"
    )
    return _fetch_area_counts(alias, sql, (*per_site_params, *count_params), areas)


def _summary_rows(*, actor, scope_paths: list[str], sector, level: str | None):
    """The summary rows the actor may read, in the map's region and sector, with counted points (of
    `level`, or of any level)."""
    rows = summary.summary_list(actor=actor).filter(_any_prefix("region_path", scope_paths))
    if sector is not None:
        rows = rows.filter(sector_id=getattr(sector, "pk", sector))
    has_counted = Q(pk__in=[])
    for lv in [level] if level else RiskLevel.values:
        has_counted |= Q(**{f"n_{lv}__gt": 0})
    return rows.filter(has_counted)


def _area_counts_from_summary(
    *, rows, level: str | None, listed, graded: Q | None, areas
) -> tuple[dict[int, tuple[dict, int]], int]:
    """`_area_counts` from the summary `rows` (`_summary_rows`): per area the sums of the count
    columns (the level filter's only) and the distinct sites of its rows — a site with rows under
    two paths of one area is one site there, and counts in each area its rows lie in, as its points
    do; the listed sites are counted against the rows' sites. One statement and no intermediate
    (area, site) grouping: a row is already one site's, and the two scans of ~100,000 narrow rows
    of a province cost less than materialising them."""
    alias = rows.db
    counted = [level] if level else list(RiskLevel.values)
    per_area = (
        rows.annotate(map_area=_area_key(areas))
        .values("map_area")
        .annotate(
            **{f"c_{lv}": Sum(f"n_{lv}") for lv in counted},
            c_sites=Count("site_id", distinct=True),
        )
        .order_by()
    )
    per_area_sql, per_area_params = per_area.query.get_compiler(using=alias).as_sql()
    shown = _or(Q(pk__in=rows.values("site_id")), graded)
    count_sql, count_params = listed.filter(shown).values("pk").query.get_compiler(using=alias).as_sql()
    sums = ", ".join(f"c_{lv}" if lv in counted else "0" for lv in RiskLevel.values)
    zeros = ", ".join("0" for _lv in RiskLevel.values)
    # Composed of SQL compiled by the ORM (its values stay parameters) and fixed names.
    sql = (
        f"SELECT map_area, {sums}, c_sites FROM ({per_area_sql}) per_area "  # noqa: S608 - compiled ORM SQL  # nosec B608
        f"WHERE map_area IS NOT NULL "
        f"UNION ALL SELECT NULL, {zeros}, (SELECT COUNT(*) FROM ({count_sql}) listed)"
    )
    return _fetch_area_counts(alias, sql, (*per_area_params, *count_params), areas)


def _fetch_area_counts(alias: str, sql: str, params, areas) -> tuple[dict[int, tuple[dict, int]], int]:
    """Run an area-counts statement (rows of area path, a count per level, sites; and one row with
    no area whose last column is the number of sites listed)."""
    by_path = {a.path: a.pk for a in areas}
    result: dict[int, tuple[dict, int]] = {}
    site_total = 0
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        for area, *numbers in cursor.fetchall():
            if area is None:
                site_total = numbers[-1]
            elif area in by_path:
                counts = {lv: int(n) for lv, n in zip(RiskLevel.values, numbers[:-1], strict=True)}
                result[by_path[area]] = (counts, int(numbers[-1]))
    return result, int(site_total)


_URL_PK = 987654321  # a stand-in pk, replaced by each site's own in the reversed URL


def _site_points(sites, *, points, gradings) -> list[dict]:
    """The listed sites as map points, by name. A site's colour is its latest enterprise grading
    (by date, then id) if it has one, otherwise its worst risk point of the map's region and sector
    (whatever the level filter): both computed per site in SQL."""
    rank = Case(
        *(When(level=lv, then=Value(LEVEL_RANK[lv])) for lv in RiskLevel.values),
        output_field=IntegerField(),
    )
    latest_grading = gradings.filter(site_id=OuterRef("pk")).order_by("-graded_on", "-id").values("level")[:1]
    worst_point = (
        points.filter(site_id=OuterRef("pk")).annotate(rank=rank).order_by("-rank").values("level")[:1]
    )
    # One reverse() for all the sites: resolving a URL per site was half the county map's time.
    url = reverse("sites:site_detail", kwargs={"pk": _URL_PK})
    rows = (
        sites.annotate(map_level=Coalesce(Subquery(latest_grading), Subquery(worst_point)))
        .order_by("name", "id")
        .values_list("id", "name", "longitude", "latitude", "map_level")
    )
    return [
        {
            "id": pk,
            "name": name,
            "lon": _float(lon),
            "lat": _float(lat),
            "level": site_level,
            "colour": LEVEL_HEX[site_level],
            "url": url.replace(str(_URL_PK), str(pk)),
        }
        for pk, name, lon, lat, site_level in rows
    ]


def _or(q: Q, other: Q | None) -> Q:
    return q if other is None else q | other


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
