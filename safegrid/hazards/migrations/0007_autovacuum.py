"""Autovacuum for the hazard tables (PostgreSQL): the figures and lists are index-only scans, which
need the visibility map set. With the default scale factor (20 %), 1.5 million hazards are vacuumed
only after 300,000 changes — a nightly sweep or a day of reports leaves the pages they touched to the
heap. 2 % (30,000 rows) keeps them current; analyze at 1 %."""

from django.db import migrations

TABLES = ("hazards_hazard", "hazards_hazardevent", "hazards_hazardtally")


def tune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(table)} SET "
            "(autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01)"
        )


def untune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(table)} "
            "RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("hazards", "0006_escalated_at_tally")]

    operations = [migrations.RunPython(tune, untune)]
