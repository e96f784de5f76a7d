"""Writes for sites (场所)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record
from safegrid.core.exceptions import ApplicationError, NotInScope, RowsRefused
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


def _site_new(
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
    """The unsaved site `site_create` registers, after its links, scope and credit-code rules
    (not yet `full_clean`ed). Shared with `site_create_many`, so both store the same values."""
    _check_links(grid=grid, sector=sector)
    if not _may_write_at(actor, Cap.ADD_SITE, path=grid.path, sector_id=sector.pk, site_id=None):
        raise NotInScope(_("未找到。"))
    credit_code = normalise_credit_code(credit_code)
    if category == SiteCategory.ENTERPRISE and not credit_code:
        raise ValidationError({"credit_code": _("企业必须填写统一社会信用代码。")})
    return Site(
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
    site = _site_new(
        actor=actor,
        name=name,
        category=category,
        kind=kind,
        sector=sector,
        grid=grid,
        address=address,
        credit_code=credit_code,
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


# Sites written per INSERT by `site_create_many` (and the rows between two progress reports).
SITE_BATCH = 500
# Foreign keys `site_create_many` checks once per distinct value rather than once per row.
_LINK_FIELDS = ("sector", "grid")


class _Validator:
    """`full_clean` for many new sites, without the per-row queries whose answer is the same for
    every row or is given again by the database at insert: the foreign keys' existence is checked
    once per distinct value (one query each, as `full_clean` would per row), and uniqueness and the
    check constraints are left to the database (`_insert` turns a refused row back into
    `full_clean`'s own message)."""

    def __init__(self):
        self.links: dict[tuple[str, Any], ValidationError | None] = {}

    def __call__(self, site: Site) -> None:
        errors: dict[str, list] = {}
        try:
            site.full_clean(exclude=_LINK_FIELDS, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for name in _LINK_FIELDS:
            field = Site._meta.get_field(name)
            value = getattr(site, field.attname)
            key = (name, value)
            if key not in self.links:
                try:
                    field.clean(value, site)
                except ValidationError as exc:
                    self.links[key] = exc
                else:
                    self.links[key] = None
            if self.links[key] is not None:
                errors.setdefault(name, []).extend(self.links[key].error_list)
        if errors:
            raise ValidationError(errors)


def _insert(batch: list[tuple[int, Site]], ids: list[int]) -> list[tuple[int, Exception]]:
    """INSERT the batch at once; if the database refuses it (a credit code registered since the
    import's check, a constraint), insert its sites one at a time to name the refused rows, each
    with the message `site_create` would give (`full_clean`, else the database's refusal)."""
    if not batch:
        return []
    try:
        with transaction.atomic():
            Site.objects.bulk_create([site for _index, site in batch])
    except IntegrityError:
        pass
    else:
        ids.extend(site.pk for _index, site in batch)
        return []
    refusals: list[tuple[int, Exception]] = []
    for index, site in batch:
        site.pk = None
        try:
            with transaction.atomic():
                Site.objects.bulk_create([site])
        except IntegrityError as exc:
            site.pk = None
            try:
                site.full_clean()
            except ValidationError as invalid:
                refusals.append((index, invalid))
            else:
                refusals.append((index, exc))
        else:
            ids.append(site.pk)
    return refusals


def id_ranges(ids: list[int]) -> list[list[int]]:
    """Ids as [first, last] runs of consecutive ids: [3, 4, 5, 9] → [[3, 5], [9, 9]]."""
    ranges: list[list[int]] = []
    for pk in sorted(ids):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


def _ranges_text(ranges: list[list[int]]) -> str:
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


@transaction.atomic
def site_create_many(
    *,
    actor,
    rows: Sequence[dict[str, Any]],
    source: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Register many sites at once (an import): every row as `site_create` would register it —
    the same rules, scope and field validation, the same stored values — written `SITE_BATCH` at a
    time, with ONE audit record ("site.import": the count, the ids as runs, the file name
    `source`) instead of one per site. All or nothing: if any row is refused, RowsRefused lists
    every refused row as (its index in `rows`, the refusal) and nothing is written. Uniqueness is
    not re-checked row by row (the caller checks it for the whole file, the database enforces
    it). `progress(done, total)` after each batch. Returns the new ids."""
    validate = _Validator()
    refusals: list[tuple[int, Exception]] = []
    ids: list[int] = []
    total = len(rows)
    for start in range(0, total, SITE_BATCH):
        batch: list[tuple[int, Site]] = []
        for index in range(start, min(start + SITE_BATCH, total)):
            try:
                site = _site_new(actor=actor, **rows[index])
                validate(site)
            except (ValidationError, ApplicationError) as exc:
                refusals.append((index, exc))
            else:
                batch.append((index, site))
        refusals.extend(_insert(batch, ids))
        if progress is not None:
            progress(min(start + SITE_BATCH, total), total)
    if refusals:
        raise RowsRefused(_("有 %(count)d 行未能登记。") % {"count": len(refusals)}, refusals=refusals)
    if ids:
        ranges = id_ranges(ids)
        text = _ranges_text(ranges)
        changes: dict[str, Any] = {"count": [None, len(ids)], "ids": [None, ranges]}
        if source:
            changes["file"] = [None, source]
        audit_record(
            actor=actor,
            action="site.import",
            object_type=Site._meta.label_lower,
            object_id=text if len(text) <= 64 else f"{ranges[0][0]}…",
            object_repr=_("导入场所 %(count)d 个") % {"count": len(ids)},
            changes=changes,
        )
    return ids


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
