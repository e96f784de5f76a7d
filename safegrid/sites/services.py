"""Writes for sites (场所)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record
from safegrid.core.exceptions import NotInScope
from safegrid.core.services import model_update
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Region, Sector

from .choices import SiteCategory
from .models import Site
from .selectors import site_territorial_writer


def normalise_credit_code(value: str | None) -> str | None:
    """Strip spaces and fold to upper case; empty → None (so uniqueness ignores blanks)."""
    if value is None:
        return None
    value = "".join(value.split()).upper()
    return value or None


def _may_write_at(actor, capability: str, *, path: str, sector_id: int, site_id: int | None) -> bool:
    """True when one grant with `capability` covers a site at `path` in `sector_id`."""
    for grant in actor.grants:
        if capability not in grant.capabilities:
            continue
        if grant.site_id is not None:
            if site_id is not None and grant.site_id == site_id:
                return True
            continue
        if not path.startswith(grant.path):
            continue
        if grant.sector_ids is not None and sector_id not in grant.sector_ids:
            continue
        return True
    return False


def _check_links(*, grid: Region, sector: Sector) -> None:
    if grid.kind != RegionKind.GRID:
        raise ValidationError({"grid": _("场所必须归属到网格。")})
    if not grid.path.startswith(sector.region_path):
        raise ValidationError({"sector": _("行业领域必须是场所所在县（区）设置的行业领域。")})


@transaction.atomic
def site_create(
    *,
    actor,
    name: str,
    category: str,
    kind: str,
    sector: Sector,
    grid: Region,
    address: str,
    credit_code: str | None = None,
    longitude=None,
    latitude=None,
    is_key: bool = False,
    size: str = "small",
    employees: int = 0,
    legal_representative: str = "",
    safety_contact: str = "",
    contact_phone: str = "",
    business_status: str = "operating",
) -> Site:
    """Register a site. The actor must be allowed to add sites at that grid and sector (otherwise
    NotInScope: the grid or sector does not exist for them). Enterprises need a valid credit code."""
    _check_links(grid=grid, sector=sector)
    if not _may_write_at(actor, Cap.ADD_SITE, path=grid.path, sector_id=sector.pk, site_id=None):
        raise NotInScope(_("未找到。"))
    credit_code = normalise_credit_code(credit_code)
    if category == SiteCategory.ENTERPRISE and not credit_code:
        raise ValidationError({"credit_code": _("企业必须填写统一社会信用代码。")})
    site = Site(
        name=name,
        category=category,
        kind=kind,
        credit_code=credit_code,
        sector=sector,
        grid=grid,
        region_path=grid.path,
        address=address,
        longitude=longitude,
        latitude=latitude,
        is_key=is_key,
        size=size,
        employees=employees,
        legal_representative=legal_representative,
        safety_contact=safety_contact,
        contact_phone=contact_phone,
        business_status=business_status,
    )
    site.full_clean()
    site.save()
    audit_record(
        actor=actor,
        action="site.create",
        obj=site,
        changes={"name": [None, name], "grid": [None, grid.pk], "sector": [None, sector.pk]},
    )
    return site


SITE_EDITABLE = [
    "name",
    "category",
    "kind",
    "credit_code",
    "sector",
    "grid",
    "address",
    "longitude",
    "latitude",
    "is_key",
    "size",
    "employees",
    "legal_representative",
    "safety_contact",
    "contact_phone",
    "business_status",
]
# Enterprise staff keep their own contact data current; the registry fields stay with the officers.
SITE_EDITABLE_BY_SITE_STAFF = [
    "address",
    "longitude",
    "latitude",
    "employees",
    "legal_representative",
    "safety_contact",
    "contact_phone",
]


@transaction.atomic
def site_update(*, actor, site: Site, data: dict[str, Any]) -> Site:
    """Edit a site. Moving it to another grid or sector is allowed only when the actor may write
    at both the old and the new place (re-checked inside the transaction)."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    if not _may_write_at(
        actor, Cap.CHANGE_SITE, path=site.region_path, sector_id=site.sector_id, site_id=site.pk
    ):
        raise NotInScope(_("未找到。"))
    territorial = site_territorial_writer(actor=actor, site=site)
    allowed = SITE_EDITABLE if territorial else SITE_EDITABLE_BY_SITE_STAFF
    forbidden = sorted(set(data) & set(SITE_EDITABLE) - set(allowed))
    if forbidden:
        raise ValidationError(dict.fromkeys(forbidden, _("您无权修改此项。")))
    if "credit_code" in data:
        data = {**data, "credit_code": normalise_credit_code(data["credit_code"])}
    grid = data.get("grid", site.grid)
    sector = data.get("sector", site.sector)
    _check_links(grid=grid, sector=sector)
    if (grid.pk != site.grid_id or sector.pk != site.sector_id) and not _may_write_at(
        actor, Cap.CHANGE_SITE, path=grid.path, sector_id=sector.pk, site_id=None
    ):
        raise ValidationError({"grid": _("您无权将场所移至该网格或行业领域。")})
    category = data.get("category", site.category)
    credit_code = data.get("credit_code", site.credit_code)
    if category == SiteCategory.ENTERPRISE and not credit_code:
        raise ValidationError({"credit_code": _("企业必须填写统一社会信用代码。")})
    if grid.pk != site.grid_id:
        site.region_path = grid.path
    changes = model_update(instance=site, fields=allowed, data={**data, "grid": grid})
    if "grid" in changes:
        site.save(update_fields=["region_path"])
    if changes:
        audit_record(actor=actor, action="site.update", obj=site, changes=changes)
    return site
