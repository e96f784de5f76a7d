"""The bulk path of the sites import (`services.site_create_many`): the same stored values as
`site_create`, one audit record per file, all or nothing when the database refuses a row in the
middle of a batch, progress after each batch."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from conftest import credit_code
from safegrid.core.audit import verify_chain
from safegrid.core.exceptions import NotInScope, RowsRefused
from safegrid.core.models import AuditEntry
from safegrid.sites import importing, services
from safegrid.sites.models import Site

from .test_import import code, counts, site_row, upload, workbook

# Set by the database or the sequence, not by the service's input.
_NOT_COMPARED = {"id", "created_at", "updated_at"}


def _full_row(world, **over):
    row = {
        "name": "全字段场所",
        "category": "enterprise",
        "kind": "mine",
        "sector": world.mining,
        "grid": world.g12,
        "address": "新溪村1号",
        # Written loosely: both paths normalise it.
        "credit_code": " " + credit_code(600).lower(),
        "longitude": Decimal("114.351234"),
        "latitude": Decimal("25.681000"),
        "is_key": True,
        "size": "medium",
        "employees": 35,
        "legal_representative": "张三",
        "safety_contact": "李四",
        "contact_phone": "13812345678",
        "business_status": "suspended",
    }
    row.update(over)
    return row


def _stored(pk: int) -> dict:
    """The row as stored (`values()`: plain values of encrypted fields, blind indexes as stored),
    without what the database assigns."""
    values = Site.objects.filter(pk=pk).values().get()
    return {k: v for k, v in values.items() if k not in _NOT_COMPARED}


def _through_site_create(actor, row: dict) -> dict:
    """What `site_create` stores for the row (rolled back afterwards)."""
    with transaction.atomic():
        site = services.site_create(actor=actor, **row)
        stored = _stored(site.pk)
        transaction.set_rollback(True)
    return stored


@pytest.mark.parametrize(
    "over",
    [
        {},
        {
            "category": "venue",
            "kind": "mall",
            "sector": "fire",
            "credit_code": None,
            "longitude": None,
            "latitude": None,
            "contact_phone": "",
            "legal_representative": "",
        },
    ],
    ids=["every field", "optional fields empty"],
)
def test_the_bulk_service_stores_exactly_what_site_create_stores(world, over):
    if over.get("sector") == "fire":
        over = {**over, "sector": world.fire}
    actor = world.users["township1"]
    row = _full_row(world, **over)
    expected = _through_site_create(actor, row)

    ids = services.site_create_many(actor=actor, rows=[row])

    assert len(ids) == 1
    stored = _stored(ids[0])
    assert stored == expected
    # Field by field, the derived ones included.
    site = Site.objects.get(pk=ids[0])
    assert site.region_path == world.g12.path
    assert site.credit_code == (credit_code(600) if row["credit_code"] else None)
    assert site.contact_phone == row["contact_phone"]
    concrete = {f.attname for f in Site._meta.concrete_fields} - _NOT_COMPARED
    assert set(stored) == concrete


def test_a_file_imports_the_same_values_as_the_form_service(world):
    actor = world.users["office"]
    row = site_row(
        "横水影剧院",
        category="公共场所",
        kind="其他",
        sector="消防",
        grid="横水第二网格",
        lon=114.351234,
        lat="25.681",
        size="中型",
        employees=35,
        phone="0797-3812345",
        status="停产停业",
    )
    expected = _through_site_create(
        actor,
        {
            "name": "横水影剧院",
            "category": "venue",
            "kind": "other",
            "sector": world.fire,
            "grid": world.g12,
            "address": "横水镇某路2号",
            "credit_code": None,
            "longitude": Decimal("114.351234"),
            "latitude": Decimal("25.681000"),
            "size": "medium",
            "employees": 35,
            "legal_representative": "张三",
            "safety_contact": "李四",
            "contact_phone": "0797-3812345",
            "business_status": "suspended",
        },
    )

    result = importing.import_sites(actor=actor, file=workbook([row]))

    assert (result.created, result.errors) == (1, [])
    assert _stored(Site.objects.get(name="横水影剧院").pk) == expected


def test_one_import_writes_one_complete_audit_record_with_the_count_and_the_ids(world):
    actor = world.users["office"]
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = [site_row(f"审计场所{i}", credit=code(300 + i)) for i in range(4)]

    result = importing.import_sites(actor=actor, file=upload(workbook(rows), name="场所导入.xlsx"))

    assert (result.created, result.errors) == (4, [])
    entries = list(AuditEntry.objects.filter(id__gt=before))
    assert len(entries) == 1
    entry = entries[0]
    ids = sorted(Site.objects.filter(name__startswith="审计场所").values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + 4))  # one INSERT: consecutive ids
    assert (entry.action, entry.actor_id, entry.object_type, entry.object_id, entry.object_repr) == (
        "site.import",
        actor.pk,
        "sites.site",
        f"{ids[0]}-{ids[-1]}",
        "导入场所 4 个",
    )
    assert entry.changes == {
        "count": [None, 4],
        "ids": [None, [[ids[0], ids[-1]]]],
        "file": [None, "场所导入.xlsx"],
    }
    assert not AuditEntry.objects.filter(action="site.create", id__gt=before).exists()
    assert verify_chain().ok


def test_id_ranges_are_runs_of_consecutive_ids():
    assert services.id_ranges([9, 3, 5, 4, 11, 12]) == [[3, 5], [9, 9], [11, 12]]
    assert services.id_ranges([]) == []


def test_a_credit_code_taken_after_the_check_refuses_the_file_in_the_middle_of_a_batch(world, monkeypatch):
    # given batches of 2 and a credit code (row 5, in the second batch) registered by someone else
    # after the import checked the file against the register
    monkeypatch.setattr(services, "SITE_BATCH", 2)
    real_check = importing._check

    def check_then_taken(actor, rows, errors):
        checked = real_check(actor, rows, errors)
        Site.objects.create(
            name="他人刚登记",
            category="enterprise",
            kind="mine",
            credit_code=code(403),
            sector=world.mining,
            grid=world.g12,
            region_path=world.g12.path,
            address="某地",
        )
        return checked

    monkeypatch.setattr(importing, "_check", check_then_taken)
    rows = [site_row(f"并发场所{i}", credit=code(400 + i)) for i in range(6)]
    before = counts()

    result = importing.import_sites(actor=world.users["office"], file=workbook(rows))

    # then nothing is written (the first batch is rolled back too) and row 5 is named in Chinese,
    # with the message `site_create` gives for a taken credit code
    assert (result.ok, result.created) == (False, 0)
    assert [e.as_dict() for e in result.errors] == [
        {"row": 5, "column": "统一社会信用代码", "message": "具有 统一社会信用代码 的 场所 已存在。"}
    ]
    assert counts() == before
    assert not Site.objects.filter(name__startswith="并发场所").exists()


def test_a_row_only_the_database_refuses_gets_the_generic_conflict_message(world, monkeypatch):
    # given a row that passes every check but that the database refuses (here: a credit code the
    # insert meets although full_clean, asked again, finds nothing wrong)
    monkeypatch.setattr(services, "SITE_BATCH", 2)
    real_new = services._site_new

    def clashing(**kwargs):
        site = real_new(**kwargs)
        if site.name == "冲突场所2":
            site.credit_code = code(501)  # row 2's, past the file's own duplicate check
        return site

    monkeypatch.setattr(services, "_site_new", clashing)
    monkeypatch.setattr(Site, "validate_unique", lambda self, exclude=None: None)
    rows = [site_row(f"冲突场所{i}", credit=code(500 + i)) for i in range(4)]
    before = counts()

    result = importing.import_sites(actor=world.users["office"], file=workbook(rows))

    assert [e.as_dict() for e in result.errors] == [
        {"row": 4, "column": "", "message": "与已登记的数据冲突（可能刚被他人录入），请核对后重新导入。"}
    ]
    assert counts() == before


def test_a_refused_file_over_the_page_is_a_400_not_a_500(world, client, monkeypatch):
    monkeypatch.setattr(services, "SITE_BATCH", 1)
    real_check = importing._check

    def check_then_taken(actor, rows, errors):
        checked = real_check(actor, rows, errors)
        Site.objects.create(
            name="他人刚登记",
            category="enterprise",
            kind="mine",
            credit_code=code(611),
            sector=world.mining,
            grid=world.g11,
            region_path=world.g11.path,
            address="某地",
        )
        return checked

    monkeypatch.setattr(importing, "_check", check_then_taken)
    client.force_login(world.users["township1"])
    before = counts()
    data = workbook([site_row("页面甲", credit=code(610)), site_row("页面乙", credit=code(611))])

    response = client.post(reverse("sites:site_import"), {"file": upload(data)})

    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "统一社会信用代码")]
    assert counts() == before


def test_progress_is_told_after_each_batch(world, monkeypatch):
    monkeypatch.setattr(services, "SITE_BATCH", 2)
    calls = []
    rows = [site_row(f"进度场所{i}", credit=code(700 + i)) for i in range(5)]

    result = importing.import_sites(
        actor=world.users["office"],
        file=workbook(rows),
        progress=lambda done, total: calls.append((done, total)),
    )

    assert result.created == 5
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_every_refused_row_is_named_and_nothing_is_written(world):
    actor = world.users["township1"]
    rows = [
        _full_row(world, name="好", credit_code=credit_code(801)),
        _full_row(world, name="越权", credit_code=credit_code(802), grid=world.g21),
        _full_row(world, name="x" * 101, credit_code=credit_code(803)),
        _full_row(world, name="企业无码", credit_code=None),
    ]
    before = counts()

    with pytest.raises(RowsRefused) as refused:
        services.site_create_many(actor=actor, rows=rows)

    found = dict(refused.value.refusals)
    assert sorted(found) == [1, 2, 3]
    assert isinstance(found[1], NotInScope)
    assert isinstance(found[2], ValidationError) and list(found[2].message_dict) == ["name"]
    assert found[3].message_dict == {"credit_code": ["企业必须填写统一社会信用代码。"]}
    assert counts() == before
