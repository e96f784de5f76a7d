"""The audited Excel imports, for test_audit_contract: a good file leaves one audit record for the
whole import (not one per row), a bad one is refused in Chinese and writes nothing."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from conftest import credit_code
from safegrid.core.xlsx_import import XLSX_CONTENT_TYPE
from safegrid.sites.importing import COLUMNS as SITE_COLUMNS
from safegrid.sites.models import Site

from .base import Write


def _upload(rows: list[dict[str, object]]) -> dict[str, SimpleUploadedFile]:
    book = Workbook()
    sheet = book.active
    headers = [c.header for c in SITE_COLUMNS]
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return {"file": SimpleUploadedFile("sites.xlsx", buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)}


def _site(name: str, serial: int, **over) -> dict[str, object]:
    row = {
        "名称": name,
        "类别": "企业",
        "类型": "矿山",
        "统一社会信用代码": credit_code(serial),
        "行业领域": "矿山",
        "所在网格": "横水第一网格",
        "地址": "横水镇某路2号",
    }
    row.update(over)
    return row


WRITES = [
    Write(
        "site import page",
        "township1",
        "page",
        lambda w: reverse("sites:site_import"),
        lambda w: _upload([_site("导入甲", 901), _site("导入乙", 902)]),
        lambda w: _upload([_site("导入甲", 903), _site("导入乙", 904, 所在网格="扬眉第一网格")]),
        "site.import",
        Site,
    ),
]
