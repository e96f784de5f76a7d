"""Reading the criteria workbook (判定标准导入表) for `import_criteria`: every row is checked before
anything is written, and every problem is reported by row and column, in Chinese."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

# Header text → field, in the order the template lists them.
COLUMNS = {
    "文件名称": "instrument",
    "文号": "number",
    "适用行业代码": "sector_codes",
    "施行日期": "effective_from",
    "条": "article",
    "项": "item",
    "内容": "text",
    "重大事故隐患": "is_major",
}
REQUIRED = ("文件名称", "适用行业代码", "条", "内容")
MAX_LENGTH = {"文件名称": 120, "文号": 60, "条": 20, "项": 20, "内容": 1000}
SECTOR_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
YES = {"是", "Y", "y", "yes", "1", "true", "True"}
NO = {"否", "N", "n", "no", "0", "false", "False"}


@dataclass
class CriterionRow:
    row: int
    instrument: str
    number: str
    sector_codes: str
    effective_from: datetime.date | None
    article: str
    item: str
    text: str
    is_major: bool


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def criteria_read(path: str | Path) -> list[CriterionRow]:
    """Rows of the first sheet, validated. Raises ImportFailed with every error found."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any unreadable file gets the same message
        raise ImportFailed([_("无法读取文件：%(error)s") % {"error": exc}]) from exc
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        raise ImportFailed([_("工作表为空。")])
    header = [_text(h) for h in rows[0]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ImportFailed([_("第 1 行缺少列：%(columns)s。") % {"columns": "、".join(missing)}])
    index = {name: header.index(name) for name in COLUMNS}
    errors: list[str] = []
    result: list[CriterionRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    instruments: dict[str, tuple[str, str, datetime.date | None, int]] = {}
    for number, values in enumerate(rows[1:], start=2):
        cells = {name: values[i] if i < len(values) else None for name, i in index.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue  # blank lines between groups are allowed

        def error(column: str, message: str, number=number) -> None:
            errors.append(
                _("第 %(row)d 行“%(column)s”列：%(message)s")
                % {"row": number, "column": column, "message": message}
            )

        text = {name: _text(cells[name]) for name in COLUMNS if name not in ("施行日期",)}
        bad = False
        for column in REQUIRED:
            if not text[column]:
                error(column, _("不能为空。"))
                bad = True
        for column, limit in MAX_LENGTH.items():
            if len(text[column]) > limit:
                error(column, _("不能超过 %(limit)d 个字。") % {"limit": limit})
                bad = True
        codes = [c.strip() for c in re.split(r"[,，、\s]+", text["适用行业代码"]) if c.strip()]
        if any(not SECTOR_CODE.match(c) for c in codes):
            error("适用行业代码", _("行业代码只能由字母、数字、下划线组成，多个以逗号分隔。"))
            bad = True
        try:
            effective = _date(cells["施行日期"])
        except (TypeError, ValueError):
            error("施行日期", _("日期格式应为 YYYY-MM-DD。"))
            effective, bad = None, True
        major = text["重大事故隐患"]
        if major and major not in YES | NO:
            error("重大事故隐患", _("只能填“是”或“否”。"))
            bad = True
        key = (text["文件名称"], text["条"], text["项"])
        if not bad and key in seen:
            error("项", _("与第 %(row)d 行重复（同一文件的同一条、项）。") % {"row": seen[key]})
            bad = True
        sector_codes = ",".join(codes)
        described = instruments.get(text["文件名称"])
        if not bad and described and described[:3] != (text["文号"], sector_codes, effective):
            error(
                "文件名称",
                _("同一文件的文号、适用行业代码、施行日期须与第 %(row)d 行一致。") % {"row": described[3]},
            )
            bad = True
        if bad:
            continue
        seen[key] = number
        instruments.setdefault(text["文件名称"], (text["文号"], sector_codes, effective, number))
        result.append(
            CriterionRow(
                row=number,
                instrument=text["文件名称"],
                number=text["文号"],
                sector_codes=sector_codes,
                effective_from=effective,
                article=text["条"],
                item=text["项"],
                text=text["内容"],
                is_major=major not in NO,
            )
        )
    if errors:
        raise ImportFailed(errors)
    if not result:
        raise ImportFailed([_("没有可导入的数据行。")])
    return result


# --- checklists (检查表导入表) for `import_checklist` -------------------------------------------

CHECKLIST_COLUMNS = {
    "检查表名称": "checklist",
    "适用行业代码": "sector_code",
    "序号": "order",
    "检查内容": "text",
    "引用条款（文号+条+项，可空）": "citation",
}
CHECKLIST_MAX_LENGTH = {"检查表名称": 120, "适用行业代码": 40, "检查内容": 200}


@dataclass
class ChecklistRow:
    row: int
    checklist: str
    sector_code: str | None
    order: int
    text: str
    criterion_id: int | None


def _citation_key(value: str) -> str:
    return re.sub(r"\s+", "", value)


def _citations() -> dict[str, int]:
    """Current criteria by their citation (文号 + 条 + 项, spaces ignored)."""
    from .models import Criterion

    rows = Criterion.objects.filter(
        superseded_by__isnull=True, instrument__superseded_by__isnull=True
    ).values_list("id", "instrument__number", "article", "item")
    return {_citation_key(f"{number}{article}{item}"): pk for pk, number, article, item in rows if number}


def checklist_read(path: str | Path) -> list[ChecklistRow]:
    """Rows of the first sheet of a checklist workbook, validated (the sector codes and citations
    against the database). Raises ImportFailed with every error found."""
    from openpyxl import load_workbook

    from safegrid.orgs.models import Sector

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any unreadable file gets the same message
        raise ImportFailed([_("无法读取文件：%(error)s") % {"error": exc}]) from exc
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        raise ImportFailed([_("工作表为空。")])
    header = [_text(h) for h in rows[0]]
    missing = [name for name in CHECKLIST_COLUMNS if name not in header]
    if missing:
        raise ImportFailed([_("第 1 行缺少列：%(columns)s。") % {"columns": "、".join(missing)}])
    index = {name: header.index(name) for name in CHECKLIST_COLUMNS}
    sector_codes = set(Sector.objects.values_list("code", flat=True))
    citations = _citations()
    errors: list[str] = []
    result: list[ChecklistRow] = []
    seen: dict[tuple[str, int], int] = {}
    sectors: dict[str, tuple[str, int]] = {}
    for number, values in enumerate(rows[1:], start=2):
        cells = {name: values[i] if i < len(values) else None for name, i in index.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue

        def error(column: str, message: str, number=number) -> None:
            errors.append(
                _("第 %(row)d 行“%(column)s”列：%(message)s")
                % {"row": number, "column": column, "message": message}
            )

        text = {name: _text(cells[name]) for name in CHECKLIST_COLUMNS}
        bad = False
        for column in ("检查表名称", "序号", "检查内容"):
            if not text[column]:
                error(column, _("不能为空。"))
                bad = True
        for column, limit in CHECKLIST_MAX_LENGTH.items():
            if len(text[column]) > limit:
                error(column, _("不能超过 %(limit)d 个字。") % {"limit": limit})
                bad = True
        code = text["适用行业代码"]
        if code and code not in sector_codes:
            error("适用行业代码", _("行业代码“%(code)s”不存在（留空表示通用检查表）。") % {"code": code})
            bad = True
        order = 0
        if text["序号"]:
            if text["序号"].isdigit() and int(text["序号"]) > 0:
                order = int(text["序号"])
            else:
                error("序号", _("应为正整数。"))
                bad = True
        criterion_id = None
        citation_column = "引用条款（文号+条+项，可空）"
        if text[citation_column]:
            criterion_id = citations.get(_citation_key(text[citation_column]))
            if criterion_id is None:
                error(citation_column, _("未找到现行有效的判定标准条款（应为文号+条+项）。"))
                bad = True
        name = text["检查表名称"]
        if not bad and (name, order) in seen:
            error("序号", _("与第 %(row)d 行重复（同一检查表的同一序号）。") % {"row": seen[(name, order)]})
            bad = True
        described = sectors.get(name)
        if not bad and described and described[0] != code:
            error(
                "适用行业代码", _("同一检查表的适用行业代码须与第 %(row)d 行一致。") % {"row": described[1]}
            )
            bad = True
        if bad:
            continue
        seen[(name, order)] = number
        sectors.setdefault(name, (code, number))
        result.append(
            ChecklistRow(
                row=number,
                checklist=name,
                sector_code=code or None,
                order=order,
                text=text["检查内容"],
                criterion_id=criterion_id,
            )
        )
    if errors:
        raise ImportFailed(errors)
    if not result:
        raise ImportFailed([_("没有可导入的数据行。")])
    return result
