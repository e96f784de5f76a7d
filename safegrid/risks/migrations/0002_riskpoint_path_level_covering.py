"""The map's per-area aggregate reads (site, sector) from the path/level index: an index-only scan
over a province's points. The new index is built before the old one (same keys) is dropped."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0001_initial"),
        ("sites", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="riskpoint",
            index=models.Index(
                fields=["region_path", "level"],
                include=("site", "sector_id"),
                name="risk_path_level_cover_idx",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
            ),
        ),
        migrations.RemoveIndex(
            model_name="riskpoint",
            name="risk_path_level_idx",
        ),
    ]
