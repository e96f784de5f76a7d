"""Excel import of hazards (隐患): the template and an all-or-nothing import (the generic machinery
of `safegrid.core.xlsx_import`; see its docstring).

Every row is checked first — the site resolving by name or credit code among the sites the actor
may report hazards at, the description, category, grade and source, the time found (not in the
future), the coordinates, and the same hazard twice in the file — then, in one transaction, goes
through `hazard_report`, which numbers the hazard, starts its timeline, writes its audit record and
sets its handling level from the reporter's roles exactly as a report from the form would. Any
error rolls the whole file back; whatever a service schedules with `on_commit` (notifications,
jobs) is discarded with it, so a rejected file notifies no one.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core import xlsx_import
from safegrid.core.xlsx_import import CheckedRow, Column, ImportResult, Limits, Lookup, Row, RowError
from safegrid.sites import selectors as site_selectors

from . import services
from .choices import HazardCategory, HazardGrade, HazardSource

SHEET = "隐患信息"
LIMITS = Limits()

COLUMNS: tuple[Column, ...] = (
    Column(
        "场所",
        required=True,
        max_length=100,
        width=26,
        help=gettext_lazy("场所名称或18位统一社会信用代码，须在您可上报隐患的范围内；名称重复时请填写代码。"),
    ),
    Column("隐患描述", required=True, max_length=2000, width=40),
    Column("隐患类别", required=True, choices=HazardCategory, width=16),
    Column(
        "隐患等级",
        choices=HazardGrade,
        width=10,
        help=gettext_lazy("可空，默认一般隐患；重大隐患由行业领域安委会及以上层级处置。"),
    ),
    Column("来源", choices=HazardSource, width=12, help=gettext_lazy("可空，默认网格巡查。")),
    Column(
        "发现时间",
        width=18,
        help=gettext_lazy("可空，默认导入时间；格式 YYYY-MM-DD 或 YYYY-MM-DD HH:MM，不能晚于当前时间。"),
    ),
    Column("位置", max_length=200, width=20, help=gettext_lazy("场所内的具体位置。")),
    Column("经度", width=12, help=gettext_lazy("可空；-180 到 180 之间的数字，最多6位小数。")),
    Column("纬度", width=12, help=gettext_lazy("可空；-90 到 90 之间的数字，最多6位小数。")),
)

# Service field → column, for refusals raised by `hazard_report`.
FIELD_COLUMNS = {
    "site": "场所",
    "description": "隐患描述",
    "category": "隐患类别",
    "grade": "隐患等级",
    "source": "来源",
    "reported_at": "发现时间",
    "location": "位置",
    "longitude": "经度",
    "latitude": "纬度",
}


def hazards_template() -> bytes:
    notes = [
        *xlsx_import.general_notes(LIMITS),
        _("每行登记一条隐患，导入后状态为“已上报”，按上报人的处置层级等待交办；照片请在隐患详情页补充。"),
    ]
    return xlsx_import.build_template(SHEET, COLUMNS, notes, template_rows=LIMITS.template_rows)


def _check(actor, rows: list[tuple[int, dict[str, Any]]], errors: list[RowError]) -> list[CheckedRow]:
    sites = Lookup(
        lambda v: xlsx_import.by_code_or_name(
            site_selectors.site_list(actor=actor, capability=Cap.REPORT_HAZARD), v, "credit_code"
        ),
        _("未找到场所“%(value)s”（或不在您可上报隐患的范围内）。"),
        _("名称“%(value)s”对应多个场所，请填写统一社会信用代码。"),
    )
    now = timezone.now()
    first = xlsx_import.FirstRow()
    checked: list[CheckedRow] = []
    for number, cells in rows:
        row = Row(number, cells, COLUMNS, errors)
        site = sites.get(row, "场所", row.text("场所"))
        values = {
            "site": site,
            "description": row.text("隐患描述"),
            "category": row.choice("隐患类别"),
            "grade": row.choice("隐患等级") or HazardGrade.GENERAL,
            "source": row.choice("来源") or HazardSource.PATROL,
            "reported_at": row.moment("发现时间", not_after=now),
            "location": row.text("位置"),
            "longitude": row.decimal("经度", places=6, minimum=-180, maximum=180),
            "latitude": row.decimal("纬度", places=6, minimum=-90, maximum=90),
        }
        # Only a row that is otherwise sound is compared, so a bad row gets no second error.
        if not row.bad:
            key = (site.pk, values["description"], values["location"], values["reported_at"])
            earlier = first.repeats(key, number)
            if earlier:
                row.error(
                    "隐患描述",
                    _("与第 %(row)d 行重复（同一场所、描述、位置和发现时间）。") % {"row": earlier},
                )
        if not row.bad:
            checked.append(CheckedRow(number, values))
    return checked


def import_hazards(*, actor, file, limits: Limits | None = None, progress=None) -> ImportResult:
    """Report every hazard in the workbook, or none. Each hazard gets its number, its first
    timeline event and the audit record of `hazard_report`."""
    return xlsx_import.run_import(
        actor=actor,
        file=file,
        sheet_title=SHEET,
        columns=COLUMNS,
        check=_check,
        create=lambda item: services.hazard_report(actor=actor, **item.kwargs),
        field_columns=FIELD_COLUMNS,
        limits=limits or LIMITS,
        progress=progress,
    )


__all__ = ["COLUMNS", "LIMITS", "SHEET", "hazards_template", "import_hazards"]
