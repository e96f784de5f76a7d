"""Geometry of the demo county: the real outline of 崇义县, township cells and grids.

Pure functions over shapely geometries (no Django). Everything random comes from the
`random.Random` passed in, so the same seed gives the same shapes; every stored geometry goes
through `to_geojson`, which snaps coordinates to 6 decimals (about 0.1 m) with GEOS' precision
reducer, so what is stored is valid as stored and not only before rounding.

Longitude/latitude are treated as plane coordinates, with distances scaled by the length of a
degree at the county's latitude where kilometres matter (the planning area). That is accurate to
well under 1 % over a county and is all a demo map needs.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import voronoi_diagram

OUTLINE_FILE = Path(__file__).resolve().parent / "data" / "chongyi-county.geojson"
PRECISION = 1e-6  # 6 decimals, the precision of Region.center_lon / Site.longitude
KM_PER_DEGREE_LAT = 110.9
EARTH_KM_PER_DEGREE = 111.32


def km_per_degree_lon(lat: float) -> float:
    return EARTH_KM_PER_DEGREE * math.cos(math.radians(lat))


# --- conversion -----------------------------------------------------------------------------------


def polygonal(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """The polygonal part of `geom` (an intersection may also yield lines and points)."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    polygons: list[Polygon] = []
    for part in getattr(geom, "geoms", ()):
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part.geoms)
    polygons = [p for p in polygons if not p.is_empty]
    if len(polygons) == 1:
        return polygons[0]
    return MultiPolygon(polygons)


def _round_coords(value: Any) -> Any:
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], float | int):
            return [round(float(c), 6) for c in value]
        return [_round_coords(v) for v in value]
    return value


def snap(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """`geom` on the 1e-6 grid, valid, exterior rings counter-clockwise (RFC 7946)."""
    snapped = polygonal(shapely.set_precision(geom, PRECISION))
    if not snapped.is_valid:
        snapped = polygonal(shapely.set_precision(snapped.buffer(0), PRECISION))
    if snapped.is_empty or not snapped.is_valid:
        raise ValueError("geometry collapsed or became invalid on the 1e-6 grid")
    return shapely.orient_polygons(snapped)


def to_geojson(geom: BaseGeometry) -> dict:
    """A GeoJSON Polygon/MultiPolygon dict with lists and coordinates rounded to 6 decimals."""
    snapped = snap(geom)
    data = mapping(snapped)
    result = {"type": data["type"], "coordinates": _round_coords(data["coordinates"])}
    stored = shape(result)
    if stored.is_empty or not stored.is_valid:  # rounding a snapped value cannot move it; checked anyway
        raise ValueError("rounded geometry is invalid")
    return result


def from_geojson(data: dict) -> Polygon | MultiPolygon:
    return shape(data)


def center_of(data: dict) -> tuple[Decimal, Decimal]:
    """Label point of a stored geometry (inside it, unlike a centroid), as 6-decimal Decimals."""
    point = shape(data).representative_point()
    return Decimal(f"{point.x:.6f}"), Decimal(f"{point.y:.6f}")


def load_outline(path: Path = OUTLINE_FILE) -> Polygon:
    """The county outline. The decoded ring touches itself once, so it is repaired with
    buffer(0), which splits off two slivers of ~0.01 km²; the main polygon is kept."""
    with path.open(encoding="utf-8") as fh:
        collection = json.load(fh)
    raw = shape(collection["features"][0]["geometry"])
    repaired = polygonal(raw.buffer(0))
    parts = list(repaired.geoms) if isinstance(repaired, MultiPolygon) else [repaired]
    main = max(parts, key=lambda p: p.area)
    main = shapely.remove_repeated_points(main)
    return snap(main)


# --- sampling and partitions ----------------------------------------------------------------------


def inset(geom: BaseGeometry, distance: float) -> BaseGeometry:
    """`geom` shrunk by `distance` (degrees) when enough of it remains, else `geom` itself: points
    drawn from it stay off the boundary, so that markers do not sit on a grid line."""
    inner = geom.buffer(-distance)
    if not inner.is_empty and inner.area > 0.25 * geom.area:
        return inner
    return geom


def random_point_in(
    geom: BaseGeometry, rng: random.Random, *, sample_from: BaseGeometry | None = None
) -> Point:
    """A uniformly random point of `sample_from` (default `geom`) with coordinates on the 1e-6 grid
    that lies strictly inside `geom` after rounding."""
    target = sample_from if sample_from is not None else geom
    shapely.prepare(geom)
    shapely.prepare(target)
    minx, miny, maxx, maxy = target.bounds
    for _ in range(100_000):
        point = Point(round(rng.uniform(minx, maxx), 6), round(rng.uniform(miny, maxy), 6))
        if target.contains(point) and geom.contains(point):
            return point
    raise ValueError("no point found inside geometry")


def partition(area: BaseGeometry, seeds: list[Point]) -> list[Polygon | MultiPolygon]:
    """Voronoi cells of `seeds` clipped to `area`, in the order of `seeds`. The cells tile `area`."""
    if len(seeds) == 1:
        return [polygonal(area)]
    minx, miny, maxx, maxy = area.bounds
    envelope = shapely.box(minx - 1, miny - 1, maxx + 1, maxy + 1)
    cells = list(voronoi_diagram(MultiPoint(seeds), envelope=envelope).geoms)
    ordered: list[Polygon | MultiPolygon] = []
    for seed in seeds:
        owner = [cell for cell in cells if cell.contains(seed)]
        if len(owner) != 1:
            raise ValueError("a seed is not inside exactly one Voronoi cell")
        ordered.append(polygonal(owner[0].intersection(area)))
    return _merge_fragments(ordered, seeds)


def _merge_fragments(cells: list[Polygon | MultiPolygon], seeds: list[Point]) -> list[Polygon | MultiPolygon]:
    """Where a clipped cell falls apart (a Voronoi cell crossing a notch of a concave outline),
    keep the part holding its seed and give each detached part to the neighbour it shares the
    longest border with, so that units are connected wherever the outline allows."""
    main: list[BaseGeometry] = []
    fragments: list[tuple[int, Polygon]] = []
    for i, cell in enumerate(cells):
        if isinstance(cell, MultiPolygon):
            parts = sorted(cell.geoms, key=lambda p: (not p.buffer(1e-9).contains(seeds[i]), -p.area))
            main.append(parts[0])
            fragments.extend((i, part) for part in parts[1:])
        else:
            main.append(cell)
    for i, fragment in fragments:
        edge = fragment.buffer(1e-7)
        best, best_length = i, 0.0
        for j, other in enumerate(main):
            if j != i:
                length = edge.intersection(other.boundary).length
                if length > best_length:
                    best, best_length = j, length
        main[best] = polygonal(shapely.union(main[best], fragment, grid_size=PRECISION / 10))
    return [polygonal(cell) for cell in main]


def _label_point(geom: BaseGeometry, area: BaseGeometry) -> Point:
    centroid = geom.centroid
    if area.contains(centroid) and geom.contains(centroid):
        return Point(round(centroid.x, 9), round(centroid.y, 9))
    return geom.representative_point()


def spread_points(
    area: BaseGeometry, count: int, rng: random.Random, *, candidates: int = 10, relax: int = 2
) -> list[Point]:
    """`count` well-spread points in `area`: Mitchell's best-candidate sampling, then `relax`
    rounds of Lloyd relaxation (each point moves to the centroid of its clipped Voronoi cell),
    which gives grids of similar size and compact shape."""
    points: list[Point] = []
    for _ in range(count):
        best, best_distance = None, -1.0
        for _ in range(candidates):
            candidate = random_point_in(area, rng)
            distance = min((candidate.distance(p) for p in points), default=math.inf)
            if distance > best_distance:
                best, best_distance = candidate, distance
        points.append(best)
    for _ in range(relax):
        cells = partition(area, points)
        points = [_label_point(cell, area) for cell in cells]
    return points


def planning_area_shape(
    *, center: tuple[float, float], radius_km: float, within: BaseGeometry
) -> BaseGeometry:
    """The county seat's planning area (县城规划区): a lobed disc of about `radius_km` around
    `center`, clipped to `within` (the seat's township)."""
    cx, cy = center
    kx, ky = km_per_degree_lon(cy), KM_PER_DEGREE_LAT
    ring = []
    for i in range(96):
        theta = 2 * math.pi * i / 96
        r = radius_km * (1 + 0.10 * math.sin(3 * theta + 0.5) + 0.06 * math.cos(5 * theta))
        ring.append((cx + r * math.cos(theta) / kx, cy + 0.85 * r * math.sin(theta) / ky))
    return polygonal(Polygon(ring).intersection(within))


def reading_order(geoms: list[BaseGeometry], *, rows: int) -> list[int]:
    """Indices of `geoms` sorted north to south in `rows` bands, west to east within a band."""
    if not geoms:
        return []
    centers = [g.representative_point() for g in geoms]
    top = max(c.y for c in centers)
    bottom = min(c.y for c in centers)
    band = (top - bottom) / rows or 1.0

    def key(i: int) -> tuple[int, float]:
        return min(int((top - centers[i].y) / band), rows - 1), centers[i].x

    return sorted(range(len(geoms)), key=key)


# --- the county layout ----------------------------------------------------------------------------


@dataclass
class GridShape:
    geometry: dict
    planning_area: bool


@dataclass
class TownshipShape:
    geometry: dict
    grids: list[GridShape] = field(default_factory=list)


@dataclass
class CountyShape:
    geometry: dict
    townships: list[TownshipShape]


def layout_county(
    *,
    rng: random.Random,
    anchors: list[tuple[float, float]],
    rural_grid_counts: list[int],
    seat_index: int = 0,
    planning_grids: int = 60,
    planning_radius_km: float = 4.3,
    outline: Polygon | None = None,
) -> CountyShape:
    """Township cells around `anchors` (the Voronoi diagram of the anchors clipped to the outline,
    so the townships tile the county), the seat's planning area split into `planning_grids` grids,
    and each township's remaining (rural) area split into `rural_grid_counts[i]` grids. Grids are
    cut from the *stored* (snapped) township polygon so that they lie within it as stored."""
    outline = outline if outline is not None else load_outline()
    county_geojson = to_geojson(outline)
    county = from_geojson(county_geojson)
    seeds = []
    for lon, lat in anchors:
        point = Point(lon, lat)
        if not county.contains(point):
            raise ValueError(f"township anchor {lon},{lat} lies outside the county outline")
        seeds.append(point)
    townships: list[TownshipShape] = []
    for index, cell in enumerate(partition(county, seeds)):
        township_geojson = to_geojson(cell)
        township = from_geojson(township_geojson)
        shape_ = TownshipShape(geometry=township_geojson)
        rural_area: BaseGeometry = township
        if index == seat_index:
            planning = planning_area_shape(
                center=anchors[index], radius_km=planning_radius_km, within=township
            )
            points = spread_points(planning, planning_grids, rng, relax=3)
            cells = partition(planning, points)
            for i in reading_order(cells, rows=8):
                shape_.grids.append(GridShape(geometry=to_geojson(cells[i]), planning_area=True))
            rural_area = polygonal(township.difference(planning))
        points = spread_points(rural_area, rural_grid_counts[index], rng)
        cells = partition(rural_area, points)
        for i in reading_order(cells, rows=3):
            shape_.grids.append(GridShape(geometry=to_geojson(cells[i]), planning_area=False))
        townships.append(shape_)
    return CountyShape(geometry=county_geojson, townships=townships)
