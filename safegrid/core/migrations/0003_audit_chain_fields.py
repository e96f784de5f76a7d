import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_calendaryear_holidayoverride"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="digest",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="摘要"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_digest",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="前序摘要"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="occurred_at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="时间"
            ),
        ),
    ]
