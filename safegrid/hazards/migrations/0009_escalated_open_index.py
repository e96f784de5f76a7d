from django.db import migrations, models


class Migration(migrations.Migration):
    """The open escalated hazards, highest level and oldest first (the dashboard's 提级未销号 list):
    a partial index holding only them."""

    dependencies = [("hazards", "0008_lean_write_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                models.OrderBy(models.F("level"), descending=True),
                models.F("reported_at"),
                models.F("id"),
                condition=models.Q(
                    models.Q(("status", "closed"), _negated=True), ("escalated_at__isnull", False)
                ),
                name="hazard_escalated_open_idx",
            ),
        ),
    ]
