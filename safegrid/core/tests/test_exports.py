"""Excel export of list pages (`?format=xlsx`): every filtered row in the page's order, Chinese
headers with the id first, formula-like text kept as text, an RFC 5987 file name, a refusal with a
message above the configured size, one audit record per export. Scope per role is the contract test's
job (tests/contracts/test_export_contract.py)."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import credit_code
from safegrid.core import exports
from safegrid.core.models import AuditEntry
from safegrid.core.views import ScopedListView
from safegrid.sites.models import Site
from safegrid.sites.views import SiteListView

SITE_LIST = "sites:site_list"
DETAIL_LINK = re.compile(r'href="/sites/(\d+)/"')


def _rows(response) -> list[tuple]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.getvalue()))
    return list(book.active.iter_rows(values_only=True))


def _export(client, name=SITE_LIST, **params):
    return client.get(reverse(name), {**params, "format": "xlsx"})


def _page_ids(client, **params) -> list[int]:
    """The ids the page lists, page after page, in order."""
    ids, page = [], 1
    while True:
        html = client.get(reverse(SITE_LIST), {**params, "page": page}).content.decode()
        ids += [int(pk) for pk in dict.fromkeys(DETAIL_LINK.findall(html))]
        if f"page={page + 1}" not in html:
            return ids
        page += 1


def _add_sites(world, n: int, *, names=None) -> list[Site]:
    names = names or [f"导出测试场所{i:02d}" for i in range(n)]
    return [
        Site.objects.create(
            name=name,
            category="enterprise",
            kind="factory",
            credit_code=credit_code(800 + i),
            sector=world.fire,
            grid=world.g12,
            region_path=world.g12.path,
            address="新溪村",
        )
        for i, name in enumerate(names)
    ]


def _list_views(resolver=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _list_views(entry)
        elif isinstance(entry, URLPattern):
            view_class = getattr(entry.callback, "view_class", None)
            if view_class is not None and issubclass(view_class, ScopedListView):
                yield entry.name, view_class


def test_every_list_view_declares_export_columns_with_the_id_first():
    views = dict(_list_views())
    assert len(views) >= 29
    for name, view in views.items():
        headers = [str(header) for header, _accessor in view.export_columns]
        assert view.export_columns[0] == exports.ID_COLUMN, name
        assert headers[0] == "编号", name
        assert len(headers) == len(set(headers)) >= 3, name


def test_headers_are_the_lists_columns_in_chinese(world, client):
    client.force_login(world.users["office"])
    header = _rows(_export(client))[0]
    assert header == (
        "编号",
        "名称",
        "统一社会信用代码",
        "类别",
        "类型",
        "行业领域",
        "乡镇（街道）",
        "网格",
        "地址",
        "重点场所",
        "规模",
        "从业人数",
        "经营状态",
    )
    assert header == tuple(str(h) for h, _a in SiteListView.export_columns)


def test_a_row_holds_the_values_the_page_shows(world, client):
    client.force_login(world.users["office"])
    rows = {row[0]: row for row in _rows(_export(client))[1:]}
    mine = world.site11_mine
    assert rows[mine.pk] == (
        mine.pk,
        "横水钨矿",
        mine.credit_code,
        "企业",
        "矿山",
        "矿山",
        "横水镇",
        "横水第一网格",
        "横水第一网格某路1号",
        "是",
        mine.get_size_display(),
        mine.employees,
        mine.get_business_status_display(),
    )


def test_export_holds_every_filtered_row_in_the_pages_order_not_one_page(world, client):
    _add_sites(world, 30)
    client.force_login(world.users["office"])
    page_ids = _page_ids(client)
    assert len(page_ids) > SiteListView.paginate_by  # the list really spans two pages
    exported = [row[0] for row in _rows(_export(client, page=2))[1:]]
    assert exported == page_ids


def test_export_keeps_the_current_filters(world, client):
    _add_sites(world, 3)
    client.force_login(world.users["office"])
    filters = {"sector": world.mining.pk, "q": "钨矿"}
    expected = _page_ids(client, **filters)
    assert expected and len(expected) < len(_page_ids(client))
    assert [row[0] for row in _rows(_export(client, **filters))[1:]] == expected


def test_empty_list_gives_the_header_row_only(world, client):
    client.force_login(world.users["office"])
    rows = _rows(_export(client, q="没有这样的场所"))
    assert rows == [tuple(str(h) for h, _a in SiteListView.export_columns)]


def test_invalid_filter_exports_no_rows_like_the_page(world, client):
    client.force_login(world.users["office"])
    assert len(_rows(_export(client, sector="not-a-number"))) == 1


def test_formula_like_text_is_written_as_text(world, client):
    names = ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "\tx", "普通名称"]
    _add_sites(world, len(names), names=names)
    client.force_login(world.users["office"])
    response = _export(client, sector=world.fire.pk)
    book = load_workbook(io.BytesIO(response.getvalue()))
    cells = {row[1].value: row[1] for row in book.active.iter_rows(min_row=2)}
    for name in names:
        cell = cells[name]  # the value reads back unchanged
        assert cell.data_type == "s", name
        assert cell.quotePrefix is (name != "普通名称"), name


def test_write_xlsx_types_each_value(tmp_path):
    aware = timezone.make_aware(datetime.datetime(2026, 3, 1, 8, 30), datetime.UTC)
    target = tmp_path / "x.xlsx"
    columns = [
        ("编号", "pk"),
        ("日期", lambda r: datetime.date(2026, 1, 2)),
        ("时间", lambda r: aware),
        ("是否", lambda r: True),
        ("金额", lambda r: Decimal("12.50")),
        ("多值", lambda r: ["甲", "乙"]),
        ("空", lambda r: None),
        ("控制字符", lambda r: "a\x01b"),
    ]

    class Row:
        pk = 7

    assert exports.write_xlsx(target, rows=[Row()], columns=columns, title="测试/清单") == 1
    book = load_workbook(target)
    assert book.active.title == "测试 清单"
    row = next(book.active.iter_rows(min_row=2, values_only=True))
    shanghai = datetime.datetime(2026, 3, 1, 16, 30)  # Asia/Shanghai wall clock, no tzinfo
    assert row == (7, datetime.datetime(2026, 1, 2), shanghai, "是", 12.5, "甲；乙", None, "ab")
    assert book.active["B2"].number_format == "yyyy-mm-dd"


def test_file_name_is_the_title_and_date_in_rfc_5987_form(world, client):
    client.force_login(world.users["office"])
    response = _export(client)
    today = timezone.localdate().isoformat()
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"export-{today}.xlsx\"; filename*=UTF-8''{quote(f'场所-{today}.xlsx')}"
    )
    assert response["Cache-Control"] == "no-store"


def test_a_list_above_the_limit_goes_back_to_the_page_with_a_message(world, client, settings):
    settings.SAFEGRID_EXPORT_MAX_ROWS = 2
    client.force_login(world.users["office"])
    before = AuditEntry.objects.count()
    response = _export(client, sector=world.mining.pk, page=2)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(SITE_LIST)}?sector={world.mining.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "当前列表共 3 条，超过导出上限 2 条。请先用筛选条件缩小范围后再导出" in page
    assert AuditEntry.objects.count() == before
    # At the limit it exports.
    assert len(_rows(_export(client, sector=world.fire.pk))) == 1 + 2


def test_each_export_leaves_one_audit_record_without_filter_values(world, client):
    client.force_login(world.users["office"])
    before = AuditEntry.objects.count()
    _export(client, q="横水钨矿", sector=world.mining.pk)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.actor_username, entry.object_type) == ("list.export", "office", "export")
    assert entry.object_repr == "场所（1） q,sector"


def test_export_button_keeps_the_query_string_without_the_page(world, client):
    client.force_login(world.users["office"])
    page = client.get(reverse(SITE_LIST), {"sector": world.mining.pk, "page": 1}).content.decode()
    assert f'href="?sector={world.mining.pk}&amp;format=xlsx" data-export-link' in page
    assert "导出 Excel" in page


def test_hazard_queue_is_exported_as_the_queue(world, client):
    client.force_login(world.users["office"])
    everything = _rows(_export(client, "hazards:hazard_list"))
    supervised = _rows(_export(client, "hazards:hazard_list", queue="supervised"))
    assert len(everything) == 1 + 3
    assert supervised == everything[:1]


def test_audit_log_exports_for_the_auditor_only(world, client):
    client.force_login(world.users["office"])
    assert _export(client, "core:audit_list").status_code == 403
    client.force_login(world.users["auditor"])
    _export(client, "core:audit_list")  # leaves two records: the query ("audit.query") and the export
    earlier = set(AuditEntry.objects.values_list("pk", flat=True))
    rows = _rows(_export(client, "core:audit_list"))
    assert rows[0][:3] == ("编号", "时间", "账号")
    # Every earlier row, not the two this export writes about itself.
    assert len(earlier) == 2
    assert {row[0] for row in rows[1:]} == earlier
