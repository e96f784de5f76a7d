"""The audit table's database-level protection (SECURITY.md L3), PostgreSQL only: as a non-owner
application role holding every table privilege (the worst case), no ORM or SQL route rewrites,
deletes, truncates or unprotects audit rows; as the owner, a row edited past the triggers is named
by `verify_audit_chain`. Appends from concurrent transactions form one chain. Skips on SQLite
(SAFEGRID_REQUIRE_PG=1 turns the skip into a failure)."""

from __future__ import annotations

import io
import os
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from safegrid.core.audit import audit_record, verify_chain
from safegrid.core.models import AuditEntry

TABLE = AuditEntry._meta.db_table
# The SQL below interpolates only this constant table name (ruff S608 is about user input).


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        reason = "the audit table's triggers and roles need PostgreSQL"
        if os.environ.get("SAFEGRID_REQUIRE_PG") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def _record(n: int) -> AuditEntry:
    with transaction.atomic():
        return audit_record(actor=None, action=f"test.event{n}", object_type="test", object_id=str(n))


@pytest.fixture
def app_role(db):
    """A non-superuser, non-owner role granted every privilege on the audit table, created inside
    the test's transaction (rolled back with it). Named after the test database: roles are shared
    by the whole cluster."""
    require_postgresql()
    role = f"audit_rw_{connection.settings_dict['NAME']}"[:63]
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {quoted} NOSUPERUSER NOCREATEROLE NOCREATEDB NOLOGIN")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {TABLE} TO {quoted}")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
    return quoted


def _as(role: str, action) -> bool:
    """Run `action` as `role` in a savepoint; True if it went through (the tamper succeeded)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {role}")
            action(cursor)
            cursor.execute("RESET ROLE")
    except DatabaseError:
        return False  # the savepoint's rollback also undoes SET ROLE
    return True


TAMPERING = {
    "ORM update (past the Django guard)": lambda c, pk: AuditEntry._base_manager.filter(pk=pk).update(
        action="forged"
    ),
    "ORM delete (past the Django guard)": lambda c, pk: AuditEntry._base_manager.filter(pk=pk).delete(),
    "raw UPDATE": lambda c, pk: c.execute(f"UPDATE {TABLE} SET result = 'failure' WHERE id = %s", [pk]),  # noqa: S608
    "raw DELETE": lambda c, pk: c.execute(f"DELETE FROM {TABLE} WHERE id = %s", [pk]),  # noqa: S608
    "TRUNCATE": lambda c, pk: c.execute(f"TRUNCATE {TABLE}"),
    "DISABLE TRIGGER": lambda c, pk: c.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL"),
    "DROP TRIGGER": lambda c, pk: c.execute(f"DROP TRIGGER {TABLE}_no_update ON {TABLE}"),
}


def test_the_application_role_cannot_tamper_and_the_owners_edit_is_named(app_role, figure):
    ids = [_record(n).pk for n in range(5)]
    before = list(AuditEntry.objects.order_by("id").values_list("id", "action", "result", "digest"))

    succeeded = [
        name for name, attempt in TAMPERING.items() if _as(app_role, lambda c, a=attempt: a(c, ids[2]))
    ]
    figure("Audit", "tamper attempts", attempts=len(TAMPERING), succeeded=len(succeeded))
    assert succeeded == []
    assert list(AuditEntry.objects.order_by("id").values_list("id", "action", "result", "digest")) == before

    # The same role may still append (INSERT) through the chain.
    assert _as(app_role, lambda c: audit_record(actor=None, action="test.appended_by_app_role"))
    assert verify_chain().ok

    # The owner can go past the triggers (disable, edit one row, re-enable): the chain names the row.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_no_update")
        cursor.execute(f"UPDATE {TABLE} SET object_repr = 'edited by the owner' WHERE id = %s", [ids[2]])  # noqa: S608
        cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TABLE}_no_update")
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit_chain", stdout=io.StringIO())
    assert caught.value.returncode == 1
    assert str(caught.value).startswith(f"审计链断裂：第一处断点在记录 #{ids[2]}（摘要不符")
    figure("Audit", "chain break detected at the edited row", detected=1)


def test_even_the_owner_cannot_update_or_delete_with_the_triggers_on(db):
    require_postgresql()
    pk = _record(1).pk
    for sql in (f"UPDATE {TABLE} SET action = 'x' WHERE id = %s", f"DELETE FROM {TABLE} WHERE id = %s"):  # noqa: S608
        with pytest.raises(DatabaseError, match="审计记录只能追加"), transaction.atomic():
            connection.cursor().execute(sql, [pk])
    assert AuditEntry.objects.filter(pk=pk, action="test.event1").exists()


def test_the_configured_application_role_loses_update_delete_truncate(app_role, settings):
    from safegrid.core.audit import revoke_app_role

    settings.SAFEGRID_DB_APP_ROLE = app_role.strip('"')
    assert revoke_app_role() is True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants"
            " WHERE grantee = %s AND table_name = %s ORDER BY privilege_type",
            [app_role.strip('"'), TABLE],
        )
        assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_chain():
    """K threads, each with its own connection and transaction, append at once: no two rows share a
    prev_digest (no fork) and the whole chain verifies. The flush after the test truncates as the
    owner (allowed)."""
    require_postgresql()
    k = 8
    barrier = threading.Barrier(k)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                audit_record(actor=None, action=f"test.thread{n}")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(k)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    prevs = list(AuditEntry.objects.values_list("prev_digest", flat=True))
    assert (len(prevs), len(set(prevs))) == (k, k)
    assert verify_chain().ok
