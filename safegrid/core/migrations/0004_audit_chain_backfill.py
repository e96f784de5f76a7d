"""Chain the audit rows written before the chain existed, in id order (SECURITY.md L3)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from safegrid.core.audit import CHAIN_FIELDS, GENESIS, compute_digest

    AuditEntry = apps.get_model("core", "AuditEntry")
    db = schema_editor.connection.alias
    previous = GENESIS
    fields = ("id", *CHAIN_FIELDS)
    for row in AuditEntry.objects.using(db).order_by("id").values(*fields).iterator(chunk_size=2000):
        digest = compute_digest({**row, "prev_digest": previous})
        AuditEntry._base_manager.using(db).filter(pk=row["id"]).update(prev_digest=previous, digest=digest)
        previous = digest


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_chain_fields"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False)]
