"""Masked display of personal data (SECURITY.md "Personal data"; GB/T 35273 §7.2): the only form in
which ID numbers and phones leave the server. One definition for every output: pages, API, exports,
import messages, audit changes and log lines. Imports no models (logging uses it before the apps load)."""

from __future__ import annotations

import re

# Runs of 7+ digits (with an ID number's trailing X), for free text that may hold either.
LONG_NUMBER = re.compile(r"\d{7,}[Xx]?")


def mask_id_number(value: str) -> str:
    """110105199001011234 → 110***********1234: the first 3 and the last 4 characters kept (a
    15-digit number likewise); anything of 8 characters or fewer is masked whole."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


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


def mask_number(value: str) -> str:
    """A run of digits of unknown kind: 15 characters or more is treated as an ID number, 11 digits
    as a mobile, anything else keeps its last 4 digits."""
    if len(value) >= 15:
        return mask_id_number(value)
    return mask_phone(value)


def redact(text) -> str:
    """The text with every run of 7+ digits masked (`mask_number`)."""
    return LONG_NUMBER.sub(lambda match: mask_number(match.group()), str(text))
