"""Helpers shared by every app's services."""

from __future__ import annotations

from typing import Any

from django.db import models

from .audit import diff, snapshot


def model_update(*, instance: models.Model, fields: list[str], data: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply the keys of `data` that are in `fields`, validate, save only what changed.

    Returns the audit diff ({field: [old, new]}); an empty diff means nothing was saved.
    """
    names = [f for f in fields if f in data]
    before = snapshot(instance, names)
    for name in names:
        setattr(instance, name, data[name])
    changes = diff(before, snapshot(instance, names))
    if changes:
        instance.full_clean()
        update_fields = [instance._meta.get_field(f).attname for f in changes]
        if any(f.name == "updated_at" for f in instance._meta.fields):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return changes
