"""The bulletin (.docx) per role: it opens back with python-docx, its text holds each figure of the
role's scope as the independent count (tests/oracle.py) gives it, a pillar the role may not see is
left out, another township's figures never appear; the East Asian font is set; it is Chinese
whatever the reader's language; a bad period is explained, never a 500."""

from __future__ import annotations

import datetime
import io
import re
from urllib.parse import unquote

import docx
import pytest
from django.urls import reverse
from django.utils import timezone
from docx.oxml.ns import qn

from safegrid.reports import statistics
from safegrid.reports.bulletin import money, percent

from .oracle import ADMINS, expected, seed_everything
from .test_statistics import _meetings_required

WIDE = {"period": "custom", "date_from": "2025-01-01", "date_to": "2026-12-31"}
PERIOD = (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))
ROLES = ["office", "township1", "township2", "sector_mining", "grid11", "enterprise11", "expert"]
# pillar → the figure that decides whether the role sees it
PILLARS = {
    "队伍建设": "trainings",
    "调度机制": "meetings_held",
    "明晰职责": "hazards_found",
    "宣传培训": "publicity_activities",
    "排查整改": "hazards_found",
    "实战演练": "drills",
    "基础保障": "fund_allocations",
}


@pytest.fixture
def seeded(world):
    seed_everything(world)
    return world


def _document(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    return docx.Document(io.BytesIO(response.content))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _want(seeded, role) -> dict:
    want = expected(seeded, role, *PERIOD, timezone.localdate())
    if want["meetings_required"] == "cadence":
        want["meetings_required"] = _meetings_required(seeded.users[role], *PERIOD, timezone.localdate())
    return want


def _money(amount) -> str:
    return "" if amount is None else money(amount)


def _phrases(w: dict) -> dict[str, list[str]]:
    """The sentences' figures, as the bulletin writes them, by the figure that gates them."""
    return {
        "places_inspected": [
            f"排查场所（项目、单位）{w['places_inspected']} 处，开展检查 {w['inspections']} 次"
        ],
        "hazards_found": [
            f"发现问题隐患 {w['hazards_found']} 处，已整改 {w['hazards_rectified']} 处",
            *([f"整改率 {percent(w['rectification_rate'])}"] if w["rectification_rate"] is not None else []),
            f"重大事故隐患 {w['major_hazards']} 处",
            f"提级督办尚未销号隐患 {w['hazards_escalated_open']} 处",
            f"逾期未整改隐患 {w['hazards_overdue']} 处",
        ],
        "penalties": [
            f"实施行政处罚 {w['penalties']} 次，罚款 {_money(w['penalty_amount'])}，"
            f"下达执法文书 {w['documents_issued']} 份"
        ],
        "trainings": [
            f"培训 {w['trainings']} 期，培训 {w['training_person_times']} 人次",
            f"有效证书 {w['certificates_valid']} 本，即将到期 {w['certificates_expiring']} 本，"
            f"已过期 {w['certificates_expired']} 本",
        ],
        "publicity_activities": [
            f"宣传活动 {w['publicity_activities']} 场次，深入企业开展宣传 {w['enterprise_visits']} 家次，"
            f"开展安全宣讲 {w['lectures']} 场次"
        ],
        "drills": [
            f"应急预案 {w['plans_written_or_revised']} 件，组织开展应急演练 {w['drills']} 场次，"
            f"参演 {w['drill_participants']} 人次"
        ],
        "meetings_held": [f"工作会议 {w['meetings_held']} 次", f"应召开 {w['meetings_required']} 次"],
        "fund_allocations": [
            f"专项资金 {w['fund_allocations']} 笔，共计 {_money(w['funds_allocated'])}，"
            f"已支出 {_money(w['funds_spent'])}",
            f"安全技术服务 {w['expert_engagements']} 次、{w['expert_days']} 人·天，"
            f"费用 {_money(w['expert_cost'])}，发现问题 {w['expert_problems']} 个",
        ],
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_bulletin_holds_each_figure_of_the_roles_scope(seeded, client, role):
    client.force_login(seeded.users[role])
    text = _text(_document(client.get(reverse("reports:bulletin"), WIDE)))
    want = _want(seeded, role)
    # the oracle is the figures() the bulletin is written from
    got = statistics.figures(actor=seeded.users[role], date_from=PERIOD[0], date_to=PERIOD[1]).as_dict()
    assert got == want
    for gate, phrases in _phrases(want).items():
        for phrase in phrases:
            assert (phrase in text) == (want[gate] is not None), (gate, phrase)
    headings = {
        line.split("、", 1)[1] for line in text.splitlines() if re.match(r"^[一二三四五六七]、", line)
    }
    assert headings == {pillar for pillar, gate in PILLARS.items() if want[gate] is not None}


def test_a_role_without_a_capability_gets_no_section_for_it(seeded, client):
    client.force_login(seeded.users["grid11"])
    text = _text(_document(client.get(reverse("reports:bulletin"), WIDE)))
    for absent in ("调度机制", "基础保障", "行政处罚", "执法文书", "专项资金"):
        assert absent not in text
    assert "排查整改" in text and "发现问题隐患" in text


def test_the_county_offices_bulletin_reads_like_the_countys(seeded, client):
    client.force_login(seeded.users["office"])
    response = client.get(reverse("reports:bulletin"), WIDE)
    document = _document(response)
    text = _text(document)
    assert text.startswith("安全生产工作简报\n")
    assert "崇义县安全生产工作情况（2025年1月1日至2026年12月31日）" in text
    assert re.search(
        r"，各行业领域共排查场所（项目、单位）\d+ 处，开展检查 \d+ 次，发现问题隐患 \d+ 处", text
    )
    order = [text.index(f"、{pillar}\n") for pillar in PILLARS]
    assert order == sorted(order)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="export-')
    name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    assert name == "安全生产工作简报-2025-01-01至2026-12-31.docx"


def test_the_east_asian_font_and_a4_page_are_set(seeded, client):
    client.force_login(seeded.users["office"])
    document = _document(client.get(reverse("reports:bulletin"), WIDE))
    normal = document.styles["Normal"]
    assert normal.font.name == "宋体"
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    title = document.paragraphs[0].runs[0]
    assert title.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_the_bulletin_is_chinese_whatever_the_readers_language(seeded, client):
    client.force_login(seeded.users["office"])
    response = client.get(reverse("reports:bulletin"), WIDE, HTTP_ACCEPT_LANGUAGE="en")
    text = _text(_document(response))
    assert "安全生产工作简报" in text and "一、队伍建设" in text


def test_another_townships_figures_never_appear(seeded, client):
    def text_of(role):
        client.force_login(seeded.users[role])
        return _text(_document(client.get(reverse("reports:bulletin"), WIDE)))

    t1, t2 = _want(seeded, "township1"), _want(seeded, "township2")
    own = f"排查场所（项目、单位）{t1['places_inspected']} 处，开展检查 {t1['inspections']} 次"
    theirs = f"排查场所（项目、单位）{t2['places_inspected']} 处，开展检查 {t2['inspections']} 次"
    found1 = f"发现问题隐患 {t1['hazards_found']} 处，已整改 {t1['hazards_rectified']} 处"
    assert (
        own != theirs
        or found1 != f"发现问题隐患 {t2['hazards_found']} 处，已整改 {t2['hazards_rectified']} 处"
    )
    text1, text2 = text_of("township1"), text_of("township2")
    assert own in text1 and found1 in text1
    assert "横水" not in text2 and "扬眉镇" in text2
    if own != theirs:
        assert own not in text2
    else:
        assert found1 not in text2


@pytest.mark.parametrize("role", ADMINS)
def test_administrators_are_refused(seeded, client, role):
    client.force_login(seeded.users[role])
    assert client.get(reverse("reports:bulletin"), WIDE).status_code == 403


def test_anonymous_goes_to_login(seeded, client):
    response = client.get(reverse("reports:bulletin"), WIDE)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"period": "custom", "date_from": "2026-06-01", "date_to": "2026-01-01"},
            "起始日期不能晚于截止日期。",
        ),
        ({"period": "year", "year": "1999"}, "年度须在 2000—2100 之间。"),
        ({"period": "custom", "date_from": "2026-13-01", "date_to": "2026-12-31"}, "统计周期无效："),
        ({"period": "custom"}, "自定义统计周期须填写起始日期和截止日期。"),
    ],
    ids=["reversed", "bad-year", "bad-date", "missing-dates"],
)
def test_a_bad_period_is_explained_in_chinese(seeded, client, params, message):
    client.force_login(seeded.users["office"])
    response = client.get(reverse("reports:bulletin"), params)
    assert response.status_code == 400
    body = response.content.decode()
    assert body.startswith("统计周期无效：") and message in body


def test_the_dashboard_offers_the_bulletin_for_its_period(seeded, client):
    client.force_login(seeded.users["office"])
    page = client.get(reverse("reports:dashboard"), WIDE).content.decode()
    link = re.search(r'href="([^"]+)" data-testid="bulletin-download">下载简报<', page)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert url.startswith(reverse("reports:bulletin") + "?") and "date_from=2025-01-01" in url
    assert _document(client.get(url)).paragraphs[0].text == "安全生产工作简报"
