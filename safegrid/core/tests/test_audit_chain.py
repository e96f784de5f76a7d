"""The audit trail's HMAC-SM3 chain (SECURITY.md L3): every row links to the one before it, the
verifier names the first row that does not match, and the ORM refuses to rewrite or delete rows.
Runs on SQLite and PostgreSQL (tampering on PostgreSQL goes past the triggers as the owner)."""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from safegrid.core import context
from safegrid.core.audit import GENESIS, audit_record, compute_digest, verify_chain
from safegrid.core.crypto import hmac_sm3, key_for
from safegrid.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _record(n: int, **extra) -> AuditEntry:
    with transaction.atomic():
        return audit_record(
            actor=None, action=f"test.event{n}", object_type="test", object_id=str(n), **extra
        )


def _tamper(sql: str, params: list) -> None:
    """Change stored audit rows the way a database owner could: on PostgreSQL past the triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks: ALTER may run
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")


def _verify() -> tuple[int, str]:
    out = __import__("io").StringIO()
    try:
        call_command("verify_audit_chain", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue().strip()


def test_each_row_links_to_the_previous_and_carries_its_hmac():
    rows = [_record(n) for n in range(3)]
    stored = list(AuditEntry.objects.order_by("id").values("id", "prev_digest", "digest"))
    assert [r["prev_digest"] for r in stored] == [GENESIS, stored[0]["digest"], stored[1]["digest"]]
    assert [r["digest"] for r in stored] == [e.digest for e in rows]
    assert all(len(r["digest"]) == 64 for r in stored)
    assert len({r["digest"] for r in stored}) == 3


def test_the_digest_is_hmac_sm3_with_the_audit_key_over_the_canonical_row():
    entry = _record(1, changes={"b": [1, 2], "a": "值"})
    row = AuditEntry.objects.values().get(pk=entry.pk)
    from safegrid.core.audit import canonical

    assert entry.digest == hmac_sm3(key_for("audit"), canonical(row)).hex()
    assert b'"a":"\xe5\x80\xbc"' in canonical(row)
    assert compute_digest({**row, "action": "test.other"}) != entry.digest


def test_a_clean_chain_verifies_with_its_count():
    for n in range(4):
        _record(n)
    assert verify_chain().ok
    assert _verify() == (0, "审计链完整：4 条记录")


def test_an_empty_table_verifies():
    assert _verify() == (0, "审计链完整：0 条记录")


def test_values_that_change_form_in_storage_still_verify():
    token = context.set_current(
        context.RequestContext(ip="::FFFF:10.0.0.1", request_id="r" * 32, user_agent="UA")
    )
    try:
        _record(1, changes={1: ("a", datetime.date(2024, 1, 2).isoformat()), "x": 1.5, "y": None})
        _record(2, changes={"nested": {"z": 1, "a": [True, False]}}, object_repr="甲\r\n乙")
    finally:
        context.reset(token)
    assert verify_chain() == verify_chain().__class__(count=2)


def test_an_edited_row_is_named_by_its_id():
    ids = [_record(n).pk for n in range(5)]
    _tamper("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["改过", ids[2]])
    code, message = _verify()
    assert code == 1
    assert f"第一处断点在记录 #{ids[2]}（摘要不符" in message
    assert verify_chain().broken_id == ids[2]


def test_an_edited_row_with_a_recomputed_plain_hash_is_still_named():
    """Without the audit key a forger cannot produce the HMAC: a plain SM3 of the content fails."""
    from safegrid.core.audit import canonical
    from safegrid.core.crypto import sm3

    ids = [_record(n).pk for n in range(3)]
    row = AuditEntry.objects.values().get(pk=ids[1])
    forged = sm3(canonical({**row, "result": "failure"})).hex()
    _tamper("UPDATE core_auditentry SET result = %s, digest = %s WHERE id = %s", ["failure", forged, ids[1]])
    assert verify_chain().broken_id == ids[1]


def test_a_deleted_row_is_named_by_the_row_after_it():
    ids = [_record(n).pk for n in range(5)]
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [ids[3]])
    report = verify_chain()
    assert (report.broken_id, report.reason) == (ids[4], "前序摘要不符：其前一条记录被删除、插入或改动")


def test_deleting_the_first_rows_without_a_purge_record_is_named_at_the_new_first_row():
    ids = [_record(n).pk for n in range(4)]
    _tamper("DELETE FROM core_auditentry WHERE id <= %s", [ids[1]])
    report = verify_chain()
    assert (report.broken_id, report.count) == (ids[2], 2)
    assert report.reason == "首条记录的前序摘要没有对应的清理记录：链首记录被删除"


def test_an_unchained_insert_is_named():
    ids = [_record(n).pk for n in range(2)]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (occurred_at, actor_username, actor_roles, request_id, device,"
            " action, object_type, object_id, object_repr, changes, result, prev_digest, digest)"
            " VALUES (%s, '', '', '', '', 'forged', '', '', '', '{}', 'success', '', '')",
            [datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)],
        )
    _record(9)
    report = verify_chain()
    assert report.broken_id == ids[1] + 1


def test_one_extra_query_per_record(django_assert_num_queries):
    _record(0)
    with transaction.atomic(), django_assert_num_queries(2):  # the chain head (locked) and the insert
        audit_record(actor=None, action="test.count")


def test_a_record_outside_a_transaction_is_still_chained():
    first = _record(0)
    entry = AuditEntry.objects.create(action="test.direct")
    assert entry.prev_digest == first.digest
    assert verify_chain().ok


# ---- the Django-level guard (both databases) ----------------------------------------------------


def test_saving_an_existing_row_is_refused_and_changes_nothing():
    entry = _record(1)
    entry.action = "test.rewritten"
    with pytest.raises(RuntimeError, match="审计记录不可修改"):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event1"


def test_deleting_a_row_is_refused():
    entry = _record(1)
    with pytest.raises(RuntimeError, match="审计记录不可删除"):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "write",
    [
        lambda qs: qs.update(action="x"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_create([AuditEntry(action="x")]),
        lambda qs: qs.bulk_update(list(qs), ["action"]),
    ],
    ids=["update", "delete", "bulk_create", "bulk_update"],
)
def test_bulk_writes_through_the_orm_are_refused(write):
    _record(1)
    before = list(AuditEntry.objects.values_list("id", "action", "digest"))
    with pytest.raises(RuntimeError, match="审计记录"):
        write(AuditEntry.objects.all())
    assert list(AuditEntry.objects.values_list("id", "action", "digest")) == before


def test_a_preset_primary_key_is_refused():
    with pytest.raises(RuntimeError, match="审计记录不可修改"):
        AuditEntry(pk=10_000, action="x").save()


# ---- existing rows: the data migration ----------------------------------------------------------


def test_the_backfill_chains_rows_written_before_the_chain_in_id_order():
    with connection.cursor() as cursor:
        for n in range(3):
            cursor.execute(
                "INSERT INTO core_auditentry (occurred_at, actor_username, actor_roles, request_id, device,"
                " action, object_type, object_id, object_repr, changes, result, prev_digest, digest)"
                " VALUES (%s, 'u', '', '', '', %s, '', '', '', '{\"a\": 1}', 'success', '', '')",
                [datetime.datetime(2024, 1, 1, n, tzinfo=datetime.UTC), f"old.{n}"],
            )
    assert verify_chain().ok is False
    migration = importlib.import_module("safegrid.core.migrations.0004_audit_chain_backfill")
    if connection.vendor == "postgresql":  # the backfill runs before the triggers exist
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
    migration.backfill(apps, SimpleNamespace(connection=connection))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
    assert verify_chain() == verify_chain().__class__(count=3)
    assert AuditEntry.objects.order_by("id").first().prev_digest == GENESIS
    _record(4)
    assert verify_chain().count == 4 and verify_chain().ok
