"""Experts' phones encrypted at rest (SM4-GCM) with a keyed blind index (SECURITY.md D1)."""

import functools

from django.db import migrations

import safegrid.core.fields

FIELDS = {"model": "support.Expert", "fields": ["phone"]}


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="expert",
            name="phone_bidx",
            field=safegrid.core.fields.BlindIndexField(
                normaliser="phone", purpose="expert.phone", source="phone", verbose_name="联系电话索引"
            ),
        ),
        migrations.AlterField(
            model_name="expert",
            name="phone",
            field=safegrid.core.fields.EncryptedTextField(blank=True, max_length=20, verbose_name="联系电话"),
        ),
        migrations.RunPython(
            functools.partial(safegrid.core.fields.encrypt_rows, **FIELDS),
            functools.partial(safegrid.core.fields.decrypt_rows, **FIELDS),
        ),
    ]
