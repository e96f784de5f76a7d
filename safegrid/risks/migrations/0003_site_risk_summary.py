"""The site risk summary (risks.summary), filled from the existing risk points.

The backfill is set-based (one INSERT … SELECT … GROUP BY over the historical RiskPoint model), so
it takes seconds on a province's million points; it is written here rather than imported from
risks.summary so that later changes to the service leave this migration as it was run."""

from django.db import migrations, models
from django.db.models import Count, Q

LEVELS = ("major", "significant", "general", "low")
KEY = ("site_id", "region_path", "sector_id")


def backfill(apps, schema_editor):
    RiskPoint = apps.get_model("risks", "RiskPoint")
    SiteRiskSummary = apps.get_model("risks", "SiteRiskSummary")
    using = schema_editor.connection.alias
    rows = (
        RiskPoint.objects.using(using)
        .order_by()
        .values(*KEY)
        .annotate(**{f"n_{lv}": Count("id", filter=Q(level=lv)) for lv in LEVELS})
    )
    select_sql, params = rows.query.get_compiler(using=using).as_sql()
    table = schema_editor.quote_name(SiteRiskSummary._meta.db_table)
    columns = ", ".join((*KEY, *(f"n_{lv}" for lv in LEVELS)))
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql}", params)  # noqa: S608  # nosec B608


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0002_riskpoint_path_level_covering"),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteRiskSummary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("site_id", models.BigIntegerField(verbose_name="场所")),
                ("region_path", models.CharField(max_length=255, verbose_name="区划路径")),
                ("sector_id", models.BigIntegerField(verbose_name="行业领域")),
                ("n_major", models.IntegerField(default=0, verbose_name="重大风险")),
                ("n_significant", models.IntegerField(default=0, verbose_name="较大风险")),
                ("n_general", models.IntegerField(default=0, verbose_name="一般风险")),
                ("n_low", models.IntegerField(default=0, verbose_name="低风险")),
            ],
            options={
                "verbose_name": "场所风险点汇总",
                "verbose_name_plural": "场所风险点汇总",
                "indexes": [
                    models.Index(
                        fields=["region_path"],
                        include=("site_id", "sector_id", "n_major", "n_significant", "n_general", "n_low"),
                        name="site_risk_summary_path_idx",
                        opclasses=["varchar_pattern_ops"],
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("site_id", "region_path", "sector_id"), name="site_risk_summary_key"
                    )
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
