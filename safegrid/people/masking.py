"""Masked display of personal data (ID numbers, phones): the only form in which they leave the
server. Unmasking one record, with a permission and an audit record, comes with the security issue."""

from __future__ import annotations

import re

# An ID number inside a certificate number (since 2019 a special-operation certificate is "T" + it).
_EMBEDDED_ID = re.compile(r"\d{17}[\dXx]")


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


def mask_certificate_number(value: str) -> str:
    """T360725198503150087 → T3607**********0087: an ID number embedded in a certificate number is
    masked like one; other certificate numbers are not personal data and are shown as they are."""
    value = (value or "").strip()
    return _EMBEDDED_ID.sub(lambda m: mask_id_number(m.group()), value)
