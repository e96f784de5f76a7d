"""Masked display of personal data: the masks themselves live in `safegrid.core.masking` (one
definition for every output); certificate numbers that embed an ID number are masked here."""

from __future__ import annotations

import re

from safegrid.core.masking import mask_id_number, mask_phone

__all__ = ["mask_certificate_number", "mask_id_number", "mask_phone"]

# An ID number inside a certificate number (since 2019 a special-operation certificate is "T" + it).
_EMBEDDED_ID = re.compile(r"\d{17}[\dXx]")


def mask_certificate_number(value: str) -> str:
    """T360725198503150087 → T360***********0087: an ID number embedded in a certificate number is
    masked like one; other certificate numbers are not personal data and are shown as they are."""
    value = (value or "").strip()
    return _EMBEDDED_ID.sub(lambda m: mask_id_number(m.group()), value)
