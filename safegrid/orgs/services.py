"""Writes for regions, sectors, organisations and grid duties. Each takes the acting user, runs in
one transaction, validates, checks capability and scope, and writes exactly one audit record."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import shape

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record
from safegrid.core.exceptions import NotInScope
from safegrid.core.scope import PATH_SEPARATOR
from safegrid.core.services import model_update

from .choices import GridDutyRole, RegionKind
from .models import GridDuty, Organisation, Region, Sector

# Code shape per kind and the kind a parent must have.
_CODE_RULES: dict[int, tuple[re.Pattern[str], str]] = {
    RegionKind.PROVINCE: (
        re.compile(r"^\d{2}0000$"),
        gettext_lazy("省级区划代码应为 6 位数字，且以 0000 结尾（GB/T 2260）。"),
    ),
    RegionKind.CITY: (
        re.compile(r"^\d{4}00$"),
        gettext_lazy("市级区划代码应为 6 位数字，且以 00 结尾（GB/T 2260）。"),
    ),
    RegionKind.COUNTY: (re.compile(r"^\d{6}$"), gettext_lazy("县级区划代码应为 6 位数字（GB/T 2260）。")),
    RegionKind.TOWNSHIP: (
        re.compile(r"^\d{9}$"),
        gettext_lazy("乡镇代码应为县级代码加 3 位数字（GB/T 10114），共 9 位。"),
    ),
    RegionKind.GRID: (re.compile(r"^\d{12}$"), gettext_lazy("网格代码应为乡镇代码加 3 位顺序号，共 12 位。")),
}
_PREFIX_RULES = {RegionKind.TOWNSHIP: 6, RegionKind.GRID: 9}


def region_build_path(*, parent: Region | None, code: str) -> str:
    base = parent.path if parent is not None else PATH_SEPARATOR
    return f"{base}{code}{PATH_SEPARATOR}"


def validate_geometry(geometry: Any) -> dict | None:
    """A GeoJSON Polygon or MultiPolygon (lon/lat), valid and non-empty; returns it as a dict."""
    if geometry in (None, "", {}):
        return None
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except ValueError as exc:
            raise ValidationError({"geometry": _("边界不是有效的 GeoJSON。")}) from exc
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError({"geometry": _("边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。")})
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise ValidationError({"geometry": _("边界坐标格式不正确。")}) from exc
    if geom.is_empty or not geom.is_valid:
        raise ValidationError({"geometry": _("边界多边形无效（自相交或为空）。")})
    minx, miny, maxx, maxy = geom.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ValidationError({"geometry": _("边界坐标超出经纬度范围。")})
    return geometry


def _centroid(geometry: dict | None) -> tuple[Any, Any]:
    if not geometry:
        return None, None
    point = shape(geometry).representative_point()
    return round(point.x, 6), round(point.y, 6)


def _check_code(*, kind: int, code: str, parent: Region | None) -> None:
    pattern, message = _CODE_RULES[kind]
    if not pattern.match(code):
        raise ValidationError({"code": message})
    if parent is None:
        return
    if parent.kind >= kind:
        raise ValidationError({"parent": _("上级区划的层级必须高于本级。")})
    prefix_len = _PREFIX_RULES.get(kind)
    if prefix_len and kind - parent.kind == 1 and code[:prefix_len] != parent.code[:prefix_len]:
        raise ValidationError(
            {"code": _("代码应以上级代码 %(prefix)s 开头。") % {"prefix": parent.code[:prefix_len]}}
        )


def _require(actor, capability: str, obj_path: str) -> None:
    """The actor must hold `capability` in a grant whose subtree contains `obj_path` (else 404)."""
    for grant in actor.grants:
        if capability in grant.capabilities and grant.site_id is None and obj_path.startswith(grant.path):
            return
    raise NotInScope(_("未找到。"))


@transaction.atomic
def region_create(
    *,
    actor,
    parent: Region | None,
    code: str,
    name: str,
    kind: int,
    geometry: Any = None,
    planning_area: bool = False,
    sort_order: int = 0,
) -> Region:
    """Create a region node under `parent` (a root only for a system administrator anchored at
    the root itself, i.e. never through the UI). Raises ValidationError, NotInScope."""
    code = (code or "").strip()
    _check_code(kind=kind, code=code, parent=parent)
    if parent is None:
        raise ValidationError({"parent": _("请选择上级区划。")})
    _require(actor, Cap.MANAGE_REGION, parent.path)
    geometry = validate_geometry(geometry)
    lon, lat = _centroid(geometry)
    region = Region(
        parent=parent,
        code=code,
        name=name,
        kind=kind,
        path=region_build_path(parent=parent, code=code),
        depth=parent.depth + 1,
        geometry=geometry,
        center_lon=lon,
        center_lat=lat,
        planning_area=planning_area,
        sort_order=sort_order,
    )
    region.full_clean()
    region.save()
    audit_record(
        actor=actor,
        action="region.create",
        obj=region,
        changes={"code": [None, code], "name": [None, name], "kind": [None, kind]},
    )
    return region


REGION_EDITABLE = ["name", "geometry", "planning_area", "sort_order"]


@transaction.atomic
def region_update(*, actor, region: Region, data: dict[str, Any]) -> Region:
    """Edit a region's name, boundary and display order. Code and parent are fixed (see model)."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    _require(actor, Cap.MANAGE_REGION, region.path)
    if "geometry" in data:
        data = {**data, "geometry": validate_geometry(data["geometry"])}
    changes = model_update(instance=region, fields=REGION_EDITABLE, data=data)
    if "geometry" in changes:
        region.center_lon, region.center_lat = _centroid(region.geometry)
        region.save(update_fields=["center_lon", "center_lat"])
    if changes:
        if "geometry" in changes:
            changes["geometry"] = ["…", "…"]  # boundaries are large; the audit notes that they changed
        audit_record(actor=actor, action="region.update", obj=region, changes=changes)
    return region


def _check_county(region: Region) -> None:
    if region.kind > RegionKind.COUNTY:
        raise ValidationError({"region": _("行业领域由县级及以上区划设置。")})


@transaction.atomic
def sector_create(
    *,
    actor,
    region: Region,
    code: str,
    name: str,
    committee_name: str = "",
    lead_department: Organisation | None = None,
    member_departments: str = "",
    meetings_per_year: int = 4,
    sort_order: int = 0,
) -> Sector:
    _require(actor, Cap.MANAGE_SECTOR, region.path)
    _check_county(region)
    if lead_department is not None and not region.path.startswith(lead_department.region_path):
        raise ValidationError({"lead_department": _("牵头单位必须属于本区划或其上级。")})
    sector = Sector(
        region=region,
        region_path=region.path,
        code=code,
        name=name,
        committee_name=committee_name or f"{name}安全生产委员会",
        lead_department=lead_department,
        member_departments=member_departments,
        meetings_per_year=meetings_per_year,
        sort_order=sort_order,
    )
    sector.full_clean()
    sector.save()
    audit_record(actor=actor, action="sector.create", obj=sector, changes={"name": [None, name]})
    return sector


SECTOR_EDITABLE = [
    "name",
    "committee_name",
    "lead_department",
    "member_departments",
    "meetings_per_year",
    "sort_order",
]


@transaction.atomic
def sector_update(*, actor, sector: Sector, data: dict[str, Any]) -> Sector:
    sector = Sector.objects.select_for_update().get(pk=sector.pk)
    _require(actor, Cap.MANAGE_SECTOR, sector.region_path)
    lead = data.get("lead_department")
    if lead is not None and not sector.region_path.startswith(lead.region_path):
        raise ValidationError({"lead_department": _("牵头单位必须属于本区划或其上级。")})
    changes = model_update(instance=sector, fields=SECTOR_EDITABLE, data=data)
    if changes:
        audit_record(actor=actor, action="sector.update", obj=sector, changes=changes)
    return sector


def _check_org_links(*, region: Region, sector: Sector | None, parent: Organisation | None) -> None:
    if sector is not None and not region.path.startswith(sector.region_path):
        raise ValidationError({"sector": _("行业领域必须属于本区划或其上级。")})
    if parent is not None and not region.path.startswith(parent.region_path):
        raise ValidationError({"parent": _("上级单位必须属于本区划或其上级。")})


@transaction.atomic
def organisation_create(
    *,
    actor,
    name: str,
    kind: str,
    region: Region,
    sector: Sector | None = None,
    parent: Organisation | None = None,
    short_name: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
    is_active: bool = True,
) -> Organisation:
    _require(actor, Cap.MANAGE_ORGANISATION, region.path)
    _check_org_links(region=region, sector=sector, parent=parent)
    org = Organisation(
        name=name,
        short_name=short_name,
        kind=kind,
        region=region,
        region_path=region.path,
        sector=sector,
        parent=parent,
        contact_name=contact_name,
        contact_phone=contact_phone,
        address=address,
        is_active=is_active,
    )
    org.full_clean()
    org.save()
    audit_record(actor=actor, action="organisation.create", obj=org, changes={"name": [None, name]})
    return org


ORGANISATION_EDITABLE = [
    "name",
    "short_name",
    "kind",
    "sector",
    "parent",
    "contact_name",
    "contact_phone",
    "address",
    "is_active",
]


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require(actor, Cap.MANAGE_ORGANISATION, org.region_path)
    if data.get("parent") is not None and data["parent"].pk == org.pk:
        raise ValidationError({"parent": _("上级单位不能是自身。")})
    _check_org_links(
        region=org.region, sector=data.get("sector", org.sector), parent=data.get("parent", org.parent)
    )
    changes = model_update(instance=org, fields=ORGANISATION_EDITABLE, data=data)
    if changes:
        audit_record(actor=actor, action="organisation.update", obj=org, changes=changes)
    return org


def _clean_duties(duties: Any) -> list[str]:
    if isinstance(duties, str):
        duties = [line.strip() for line in duties.splitlines()]
    if not isinstance(duties, list) or not all(isinstance(d, str) for d in duties):
        raise ValidationError({"duties": _("职责应为文字列表，每行一条。")})
    cleaned = [d.strip() for d in duties if d.strip()]
    if not cleaned:
        raise ValidationError({"duties": _("请至少填写一条职责。")})
    if any(len(d) > 100 for d in cleaned) or len(cleaned) > 30:
        raise ValidationError({"duties": _("职责最多 30 条，每条不超过 100 字。")})
    return cleaned


@transaction.atomic
def grid_duty_create(
    *,
    actor,
    grid: Region,
    role: str,
    duties: Any,
    person_name: str = "",
    organisation: Organisation | None = None,
    inspection_interval_days: int = 90,
) -> GridDuty:
    if grid.kind != RegionKind.GRID:
        raise ValidationError({"grid": _("职责清单只能设置在网格上。")})
    _require(actor, Cap.MANAGE_GRIDDUTY, grid.path)
    if role not in GridDutyRole.values:
        raise ValidationError({"role": _("岗位无效。")})
    duty = GridDuty(
        grid=grid,
        region_path=grid.path,
        role=role,
        duties=_clean_duties(duties),
        person_name=person_name,
        organisation=organisation,
        inspection_interval_days=inspection_interval_days,
    )
    duty.full_clean()
    duty.save()
    audit_record(actor=actor, action="gridduty.create", obj=duty, changes={"role": [None, role]})
    return duty


GRIDDUTY_EDITABLE = ["person_name", "organisation", "duties", "inspection_interval_days"]


@transaction.atomic
def grid_duty_update(*, actor, duty: GridDuty, data: dict[str, Any]) -> GridDuty:
    duty = GridDuty.objects.select_for_update().get(pk=duty.pk)
    _require(actor, Cap.MANAGE_GRIDDUTY, duty.region_path)
    if "duties" in data:
        data = {**data, "duties": _clean_duties(data["duties"])}
    changes = model_update(instance=duty, fields=GRIDDUTY_EDITABLE, data=data)
    if changes:
        audit_record(actor=actor, action="gridduty.update", obj=duty, changes=changes)
    return duty
