"""Operations shared by migrations. Depends on Django only (a migration must keep working as the
application changes around it).
"""

from __future__ import annotations

from django.db import migrations


def foreign_key_unindexed(model_name: str, name: str, field, *, table: str, index: str):
    """A foreign key's index dropped, the key kept (PERFORMANCE.md: every index is paid by each
    write): in the state an AlterField to `field` (db_index=False); in the database only the named
    index dropped (reversed: built again). AlterField alone would drop and re-validate the foreign
    key constraint over every row; the index's name is the one Django derives, the same on every
    backend."""
    column = f"{name}_id"
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"',
                reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
            )
        ],
    )
