"""ID numbers and phones of people encrypted at rest (SM4-GCM) with keyed blind indexes for equality
search; the uniqueness of ID numbers moves to the blind index (SECURITY.md D1)."""

import functools

from django.db import migrations, models

import safegrid.core.fields

FIELDS = {"model": "people.Person", "fields": ["id_number", "phone"]}


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="person",
            name="person_unique_id_number",
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_bidx",
            field=safegrid.core.fields.BlindIndexField(
                normaliser="id_number",
                purpose="person.id_number",
                source="id_number",
                verbose_name="身份证号索引",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="phone_bidx",
            field=safegrid.core.fields.BlindIndexField(
                normaliser="phone", purpose="person.phone", source="phone", verbose_name="手机号码索引"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=safegrid.core.fields.EncryptedTextField(blank=True, max_length=18, verbose_name="身份证号"),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=safegrid.core.fields.EncryptedTextField(blank=True, max_length=20, verbose_name="手机号码"),
        ),
        migrations.RunPython(
            functools.partial(safegrid.core.fields.encrypt_rows, **FIELDS),
            functools.partial(safegrid.core.fields.decrypt_rows, **FIELDS),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_bidx", ""), _negated=True),
                fields=("id_number_bidx",),
                name="person_unique_id_number",
                violation_error_message="该身份证号已登记。",
            ),
        ),
    ]
