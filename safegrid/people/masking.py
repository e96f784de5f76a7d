"""Masked display of personal data (ID numbers, phones): the only form in which they leave the
server. Unmasking one record, with a permission and an audit record, comes with the security issue."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """360725199001011234 → 3607**********1234 (first 4 and last 4 kept)."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; a landline keeps its last 4 digits only."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]
