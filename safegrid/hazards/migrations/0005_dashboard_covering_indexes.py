"""Covering indexes for the dashboard (PERFORMANCE.md): the (region_path, reported_at) index gains
INCLUDE columns (built under a new name before the old one is dropped, so no moment without it), and
a (reported_at) covering index serves province-wide figures. SQLite ignores INCLUDE."""

from django.db import migrations, models

COVERING = ("id", "status", "grade", "sector_id", "site_id", "deadline", "closed_at")


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0004_hazard_source_drill"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                fields=["region_path", "reported_at"],
                include=COVERING,
                name="hazard_path_reported_cov_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
        ),
        migrations.RemoveIndex(model_name="hazard", name="hazard_path_reported_idx"),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(fields=["reported_at"], include=COVERING, name="hazard_reported_cover_idx"),
        ),
    ]
