"""The county's work-safety bulletin (安全生产工作简报) as a .docx, written from `statistics.figures`
for a period and the actor's scope.

The bulletin follows the seven pillars of DESIGN.md §3 in the county's own phrasing. Every number
in it is a field of `statistics.Figures`, formatted by the helpers below (which the tests reuse);
nothing is counted here. A pillar whose figures are None for the actor (it lacks the capability) is
left out. The bulletin is a Chinese government document: it is written in Chinese whatever the
reader's language (the text is built under the site's LANGUAGE_CODE)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from safegrid.orgs.models import Region, Sector
from safegrid.sites.models import Site

from . import statistics
from .statistics import Figures

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
TITLE_FONT = HEADING_FONT
NUMERALS = "一二三四五六七"
RED = RGBColor(0xC0, 0x00, 0x00)


# ---- formatting (shared with the tests) ---------------------------------------------------------


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def percent(rate: float | None) -> str:
    """A rectification rate as the dashboard shows it: one decimal place."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def money(amount: Decimal) -> str:
    """An amount in yuan, written in 万元 as the county does, exactly (no rounding): 197万元,
    105.5万元, 0.085万元."""
    wan = (Decimal(amount) / Decimal(10000)).normalize()
    text = f"{wan:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}万元"


# ---- the pillars --------------------------------------------------------------------------------


def _as_of(f: Figures) -> str:
    return "截至目前" if f.date_to >= f.today else f"截至{cn_date(f.date_to)}"


def _teams(f: Figures) -> list[str]:
    if f.trainings is None:
        return []
    return [
        f"加强安全生产队伍能力建设。本期共组织开展安全生产培训 {f.trainings} 期，"
        f"培训 {f.training_person_times} 人次。"
        f"截至{cn_date(f.today)}，在册人员持有有效证书 {f.certificates_valid} 本，"
        f"即将到期 {f.certificates_expiring} 本，已过期 {f.certificates_expired} 本，"
        "已督促相关单位和人员及时复审换证。"
    ]


def _dispatch(f: Figures) -> list[str]:
    if f.meetings_held is None:
        return []
    return [
        f"健全安全生产调度机制。本期共召开安全生产工作会议 {f.meetings_held} 次"
        f"（按会议制度，本期完整周期内应召开 {f.meetings_required} 次），"
        "研究部署安全生产重点工作，跟踪督办会议议定事项。"
    ]


def _duties(f: Figures) -> list[str]:
    paragraphs = []
    if f.grids is not None:
        # A grid worker's or an enterprise's area holds no township: say nothing of townships then.
        townships = f"共有乡镇（街道）{f.townships} 个，" if f.townships else ""
        paragraphs.append(
            f"健全网格化安全生产责任体系。截至{cn_date(f.today)}，辖区内{townships}"
            f"共划分网格 {f.grids} 个，其中已配备网格员的网格 {f.grids_staffed} 个，"
            f"尚未配备网格员的网格 {f.grids_unstaffed} 个；"
            f"纳入安全生产责任体系的组织机构 {f.organisations} 个，"
            f"其中安委会及行业领域安委会 {f.committees} 个；"
            f"制定网格职责清单 {f.grid_duty_lists} 份，推动“网格定人、人员定责”。"
        )
    if f.hazards_found is not None:
        paragraphs.append(
            "压实安全生产分级责任，落实隐患“发现、上报、交办、整改、验收、销号”闭环管理。"
            f"本期发现重大事故隐患 {f.major_hazards} 处。"
            f"截至{cn_date(f.today)}，提级督办尚未销号隐患 {f.hazards_escalated_open} 处，"
            f"逾期未整改隐患 {f.hazards_overdue} 处，已逐一明确责任单位和整改时限。"
        )
    return paragraphs


def _publicity(f: Figures) -> list[str]:
    if f.publicity_activities is None:
        return []
    return [
        f"深入开展安全生产宣传教育。本期共开展安全生产宣传活动 {f.publicity_activities} 场次，"
        f"深入企业开展宣传 {f.enterprise_visits} 家次，开展安全宣讲 {f.lectures} 场次，"
        "营造了“人人讲安全、个个会应急”的良好氛围。"
    ]


def _inspection(f: Figures) -> list[str]:
    parts = []
    if f.places_inspected is not None:
        parts.append(f"共排查场所（项目、单位）{f.places_inspected} 处，开展检查 {f.inspections} 次")
    if f.hazards_found is not None:
        hazards = f"发现问题隐患 {f.hazards_found} 处，已整改 {f.hazards_rectified} 处"
        if f.rectification_rate is not None:
            hazards += f"，整改率 {percent(f.rectification_rate)}"
        parts.append(hazards)
    if f.penalties is not None:
        parts.append(
            f"实施行政处罚 {f.penalties} 次，罚款 {money(f.penalty_amount)}，"
            f"下达执法文书 {f.documents_issued} 份"
        )
    if not parts:
        return []
    return [f"扎实开展隐患排查整治。{_as_of(f)}，各行业领域" + "，".join(parts) + "。"]


def _drills(f: Figures) -> list[str]:
    if f.drills is None:
        return []
    return [
        f"强化应急准备和实战演练。本期制定（修订）应急预案 {f.plans_written_or_revised} 件，"
        f"组织开展应急演练 {f.drills} 场次，参演 {f.drill_participants} 人次，"
        "切实提升了应急处置能力。"
    ]


def _guarantees(f: Figures) -> list[str]:
    if f.fund_allocations is None:
        return []
    return [
        f"夯实安全生产基础保障。本期安排安全生产专项资金 {f.fund_allocations} 笔，"
        f"共计 {money(f.funds_allocated)}，已支出 {money(f.funds_spent)}；"
        f"聘请专家开展安全技术服务 {f.expert_engagements} 次、{f.expert_days} 人·天，"
        f"费用 {money(f.expert_cost)}，发现问题 {f.expert_problems} 个。"
    ]


PILLARS = (
    ("队伍建设", _teams),
    ("调度机制", _dispatch),
    ("明晰职责", _duties),
    ("宣传培训", _publicity),
    ("排查整改", _inspection),
    ("实战演练", _drills),
    ("基础保障", _guarantees),
)


def pillar_sections(f: Figures) -> list[tuple[str, list[str]]]:
    """(pillar, paragraphs) for the pillars whose figures the actor may see, in the order of §3."""
    return [(title, paragraphs) for title, build in PILLARS if (paragraphs := build(f))]


# ---- scope and issuer ---------------------------------------------------------------------------


def scope_name(actor) -> str:
    """The areas the actor's role assignments cover: regions, narrowed to sectors or a site."""
    names = []
    for grant in actor.grants:
        region = Region.objects.filter(path=grant.path).values_list("name", flat=True).first() or ""
        if grant.site_id is not None:
            name = Site.objects.filter(pk=grant.site_id).values_list("name", flat=True).first() or region
        elif grant.sector_ids:
            sectors = Sector.objects.filter(pk__in=grant.sector_ids).order_by("sort_order", "id")
            name = f"{region}{'、'.join(s.name for s in sectors)}行业领域"
        else:
            name = region
        if name and name not in names:
            names.append(name)
    return "、".join(names)


def issuer_name(actor, scope: str) -> str:
    organisation = getattr(actor, "organisation", None)
    if organisation is not None:
        return organisation.name
    return f"{scope}安全生产委员会办公室"


# ---- the document -------------------------------------------------------------------------------


def _font(run_or_style, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian font of a run or style (Word takes CJK glyphs from w:eastAsia)."""
    font = run_or_style.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element
    r_pr = element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(
    document, text: str, *, font: str = BODY_FONT, size: float = 14, bold=None, align=None, indent=True
):
    p = document.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = 1.5
    run = p.add_run(text)
    _font(run, font, size, bold)
    return p, run


def _title_run(run) -> None:
    """The title: large, red, in 黑体 (方正小标宋 is not installed on most office computers, and
    黑体 is its usual stand-in)."""
    _font(run, TITLE_FONT, 22)
    run.font.color.rgb = RED


def build_document(*, figures: Figures, scope: str, issuer: str):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr()
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)

    f = figures
    _p, run = _paragraph(document, "安全生产工作简报", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _title_run(run)
    _paragraph(
        document,
        f"{issuer}　　　　{cn_date(f.today)}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        size=14,
    )
    _rule, rule_run = _paragraph(document, "━" * 24, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=10)
    rule_run.font.color.rgb = RED

    _paragraph(
        document,
        f"{scope}安全生产工作情况（{cn_date(f.date_from)}至{cn_date(f.date_to)}）",
        font=HEADING_FONT,
        size=16,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    sections = pillar_sections(f)
    _paragraph(
        document,
        f"{cn_date(f.date_from)}至{cn_date(f.date_to)}，{scope}坚持“人民至上、生命至上”，"
        "以安全生产网格化监管为抓手，从"
        + "、".join(title for title, _paragraphs in sections)
        + "等方面推进安全生产各项工作，现将有关情况通报如下：",
    )
    for number, (title, paragraphs) in zip(NUMERALS, sections, strict=False):
        _paragraph(document, f"{number}、{title}", font=HEADING_FONT, size=16)
        for text in paragraphs:
            _paragraph(document, text)
    _paragraph(
        document,
        f"（本简报数据由县域安全生产网格化监管平台根据业务记录自动统计，"
        f"统计周期为{cn_date(f.date_from)}至{cn_date(f.date_to)}，时点数据截至{cn_date(f.today)}。）",
        size=12,
    )
    return document


def bulletin_docx(
    *, actor, date_from: datetime.date, date_to: datetime.date, today: datetime.date | None = None
) -> bytes:
    """The bulletin for [date_from, date_to] in the actor's scope, as the bytes of a .docx."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        figures = statistics.figures(actor=actor, date_from=date_from, date_to=date_to, today=today)
        scope = scope_name(actor)
        document = build_document(figures=figures, scope=scope, issuer=issuer_name(actor, scope))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def bulletin_filename(date_from: datetime.date, date_to: datetime.date) -> str:
    return f"安全生产工作简报-{date_from.isoformat()}至{date_to.isoformat()}.docx"
