"""Account phones encrypted at rest (SM4-GCM) with a keyed blind index for equality search
(SECURITY.md D1), as people's phones are since people.0002."""

import functools

from django.db import migrations

import safegrid.core.fields

FIELDS = {"model": "accounts.User", "fields": ["phone"]}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_password_changed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone_bidx",
            field=safegrid.core.fields.BlindIndexField(
                normaliser="phone", purpose="user.phone", source="phone", verbose_name="手机号索引"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=safegrid.core.fields.EncryptedTextField(blank=True, max_length=20, verbose_name="手机号"),
        ),
        migrations.RunPython(
            functools.partial(safegrid.core.fields.encrypt_rows, **FIELDS),
            functools.partial(safegrid.core.fields.decrypt_rows, **FIELDS),
        ),
    ]
