"""PostgreSQL only (SQLite skips it): the audit table refuses UPDATE and DELETE for every role and
TRUNCATE for roles other than its owner; `safegrid_audit_chain_head()` serialises appends to the
chain (safegrid/core/audit.py). With SAFEGRID_DB_APP_ROLE set, that role loses UPDATE, DELETE and
TRUNCATE on the table."""

from django.db import migrations

# The lock key is safegrid.core.audit.CHAIN_LOCK (0x7367617564697401).

FORWARD = """
CREATE OR REPLACE FUNCTION safegrid_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND pg_has_role(
        current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER'
    ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '审计记录只能追加，不能修改或删除（%）。', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION safegrid_audit_refuse();
CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION safegrid_audit_refuse();
CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION safegrid_audit_refuse();

CREATE OR REPLACE FUNCTION safegrid_audit_chain_head() RETURNS varchar
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    -- Held until the calling transaction ends; the SELECT below then takes a fresh snapshot
    -- (VOLATILE), so it sees the row the previous holder committed.
    PERFORM pg_advisory_xact_lock(8315722393786610689);
    RETURN (SELECT digest FROM core_auditentry ORDER BY id DESC LIMIT 1);
END
$$;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_no_update ON core_auditentry;
DROP TRIGGER IF EXISTS core_auditentry_no_delete ON core_auditentry;
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
DROP FUNCTION IF EXISTS safegrid_audit_refuse();
DROP FUNCTION IF EXISTS safegrid_audit_chain_head();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FORWARD, params=None)
    from safegrid.core.audit import revoke_app_role

    revoke_app_role(using=schema_editor.connection.alias)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_chain_backfill"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
