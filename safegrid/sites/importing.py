"""Excel import of sites (场所): the template and an all-or-nothing import (the generic machinery of
`safegrid.core.xlsx_import`; see its docstring).

Every row is checked first — required cells, choices, lengths, the credit code's check character
(required for enterprises, as `site_create` requires), coordinates, the phone, the grid and the
sector resolving among those the actor may add sites in, duplicates within the file and against
the register (credit code; name within a grid) — then, in one transaction, the rows that passed go
through `site_create_many`: each is built and validated as `site_create` does (its scope rule and
field validation apply exactly as in the form; uniqueness was checked here for the whole file, and
the database enforces it again), they are inserted in batches, and ONE audit record ("site.import",
with the count and the ids) covers the file. Any error rolls the whole file back.

The address is required here although the issue lists it as optional: the model requires it, so
a blank address would only come back as a refusal from the service.
"""

from __future__ import annotations

import os
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core import xlsx_import
from safegrid.core.xlsx_import import CheckedRow, Column, ImportResult, Limits, Lookup, Row, RowError
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Sector

from . import services
from .choices import BusinessStatus, SiteCategory, SiteKind, SiteSize
from .credit_code import credit_code_error
from .models import Site

SHEET = "场所信息"
LIMITS = Limits()

COLUMNS: tuple[Column, ...] = (
    Column("名称", required=True, max_length=100, width=26),
    Column("类别", required=True, choices=SiteCategory, width=12),
    Column("类型", required=True, choices=SiteKind, width=18),
    Column(
        "统一社会信用代码",
        is_text=True,
        width=22,
        help=gettext_lazy("18位，校验位须正确；类别为企业时必填，在系统中不能重复。请以文本格式填写。"),
    ),
    Column(
        "行业领域",
        required=True,
        max_length=60,
        width=14,
        help=gettext_lazy("所在网格所属县（区）设置的行业领域名称或代码，须在您的管理范围内。"),
    ),
    Column(
        "所在网格",
        required=True,
        max_length=60,
        width=20,
        help=gettext_lazy("网格名称或区划代码，须在您可登记场所的范围内；名称重复时请填写代码。"),
    ),
    Column("地址", required=True, max_length=200, width=30),
    Column("经度", width=12, help=gettext_lazy("可空；-180 到 180 之间的数字，最多6位小数。")),
    Column("纬度", width=12, help=gettext_lazy("可空；-90 到 90 之间的数字，最多6位小数。")),
    Column("规模", choices=SiteSize, width=8, help=gettext_lazy("可空，默认小型。")),
    Column("从业人数", width=10, help=gettext_lazy("可空，默认0；不小于0的整数。")),
    Column("法定代表人", max_length=30, width=12),
    Column("安全负责人", max_length=30, width=12),
    Column(
        "联系电话",
        is_text=True,
        max_length=20,
        width=15,
        help=gettext_lazy("11位手机号或带区号的固定电话。"),
    ),
    Column("经营状态", choices=BusinessStatus, width=10, help=gettext_lazy("可空，默认正常经营。")),
)

# Service field → column, for refusals raised by `site_create`.
FIELD_COLUMNS = {
    "name": "名称",
    "category": "类别",
    "kind": "类型",
    "credit_code": "统一社会信用代码",
    "sector": "行业领域",
    "grid": "所在网格",
    "address": "地址",
    "longitude": "经度",
    "latitude": "纬度",
    "size": "规模",
    "employees": "从业人数",
    "legal_representative": "法定代表人",
    "safety_contact": "安全负责人",
    "contact_phone": "联系电话",
    "business_status": "经营状态",
}


def sites_template() -> bytes:
    notes = [
        *xlsx_import.general_notes(LIMITS),
        _("统一社会信用代码在系统中不能重复；同一网格内场所名称不能重复，同一文件中也不能重复。"),
    ]
    return xlsx_import.build_template(SHEET, COLUMNS, notes, template_rows=LIMITS.template_rows)


class _Sectors:
    """Sectors the actor may register sites in, by name or code, among those set up by the county
    (or an ancestor) of the row's grid: sector names and codes repeat from county to county."""

    def __init__(self, actor):
        self.sectors: list[Sector] = list(org_selectors.sector_choices(actor=actor, capability=Cap.ADD_SITE))

    def get(self, row: Row, header: str, value: str, grid) -> Sector | None:
        if not value:
            return None
        found = [s for s in self.sectors if value in (s.name, s.code)]
        if grid is not None:
            found = [s for s in found if grid.path.startswith(s.region_path)]
        if not found:
            row.error(header, _("未找到行业领域“%(value)s”（或不在您的管理范围内）。") % {"value": value})
            return None
        if len(found) > 1:
            if grid is not None:
                row.error(header, _("“%(value)s”对应多个行业领域，请填写行业领域代码。") % {"value": value})
            return None  # without a grid the row already has an error there
        return found[0]


def _check(actor, rows: list[tuple[int, dict[str, Any]]], errors: list[RowError]) -> list[CheckedRow]:
    grids = Lookup(
        lambda v: xlsx_import.by_code_or_name(
            org_selectors.grid_choices(actor=actor, capability=Cap.ADD_SITE), v, "code"
        ),
        _("未找到网格“%(value)s”（或不在您可登记场所的范围内）。"),
        _("名称“%(value)s”对应多个网格，请填写区划代码。"),
    )
    sectors = _Sectors(actor)
    first_code = xlsx_import.FirstRow()
    first_name = xlsx_import.FirstRow()
    parsed: list[tuple[Row, dict[str, Any]]] = []
    for number, cells in rows:
        row = Row(number, cells, COLUMNS, errors)
        name = row.text("名称")
        category = row.choice("类别")
        kind = row.choice("类型")
        credit_code = services.normalise_credit_code(row.text("统一社会信用代码")) or None
        if credit_code:
            problem = credit_code_error(credit_code)
            if problem:
                row.error("统一社会信用代码", problem)
                credit_code = None
        elif category == SiteCategory.ENTERPRISE:
            row.error("统一社会信用代码", _("企业必须填写统一社会信用代码。"))
        sector_value = row.text("行业领域")
        grid = grids.get(row, "所在网格", row.text("所在网格"))
        sector = sectors.get(row, "行业领域", sector_value, grid)
        values = {
            "name": name,
            "category": category,
            "kind": kind,
            "credit_code": credit_code,
            "sector": sector,
            "grid": grid,
            "address": row.text("地址"),
            "longitude": row.decimal("经度", places=6, minimum=-180, maximum=180),
            "latitude": row.decimal("纬度", places=6, minimum=-90, maximum=90),
            "size": row.choice("规模") or SiteSize.SMALL,
            "employees": row.integer("从业人数", minimum=0, maximum=10_000_000) or 0,
            "legal_representative": row.text("法定代表人"),
            "safety_contact": row.text("安全负责人"),
            "contact_phone": row.phone("联系电话"),
            "business_status": row.choice("经营状态") or BusinessStatus.OPERATING,
        }
        if credit_code:
            earlier = first_code.repeats(credit_code, number)
            if earlier:
                row.error("统一社会信用代码", _("与第 %(row)d 行的统一社会信用代码重复。") % {"row": earlier})
        if name and grid is not None:
            earlier = first_name.repeats((grid.pk, name), number)
            if earlier:
                row.error("名称", _("与第 %(row)d 行重复（同一网格内场所名称相同）。") % {"row": earlier})
        parsed.append((row, values))

    # Against the register: the credit code is unique among all sites (the database says so too),
    # whoever's scope they are in; a name is unique within its grid.
    codes = [v["credit_code"] for _row, v in parsed if v["credit_code"]]
    taken_codes = set(Site.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True))
    grid_ids = {v["grid"].pk for _row, v in parsed if v["grid"] is not None}
    names = {v["name"] for _row, v in parsed if v["name"]}
    taken_names = set(
        Site.objects.filter(grid_id__in=grid_ids, name__in=names).values_list("grid_id", "name")
    )
    checked: list[CheckedRow] = []
    for row, v in parsed:
        if v["credit_code"] in taken_codes and "统一社会信用代码" not in row.bad_columns:
            row.error("统一社会信用代码", _("该统一社会信用代码已登记。"))
        if (
            v["grid"] is not None
            and (v["grid"].pk, v["name"]) in taken_names
            and "名称" not in row.bad_columns
        ):
            row.error("名称", _("该网格内已登记同名场所。"))
        if not row.bad:
            checked.append(CheckedRow(row.number, v))
    return checked


def _source_name(file) -> str:
    """The uploaded file's name, for the audit record (bytes and paths, from jobs, have none)."""
    name = getattr(file, "name", None)
    return name[:200] if isinstance(name, str) and not isinstance(file, str | os.PathLike) else ""


def import_sites(*, actor, file, limits: Limits | None = None, progress=None) -> ImportResult:
    """Register every site in the workbook, or none, through `site_create_many`: the rules and
    stored values of `site_create`, and one audit record ("site.import") for the whole file."""
    source = _source_name(file)
    return xlsx_import.run_import(
        actor=actor,
        file=file,
        sheet_title=SHEET,
        columns=COLUMNS,
        check=_check,
        create_many=lambda items, report: services.site_create_many(
            actor=actor, rows=[item.kwargs for item in items], source=source, progress=report
        ),
        field_columns=FIELD_COLUMNS,
        limits=limits or LIMITS,
        progress=progress,
    )


__all__ = ["COLUMNS", "LIMITS", "SHEET", "import_sites", "sites_template"]
