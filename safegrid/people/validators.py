"""Validation of personal identifiers: the resident ID number (GB 11643-1999, with its ISO 7064
MOD 11-2 check character) and Chinese phone numbers."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def id_check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str) -> str:
    """Strip and upper-case; raise ValidationError (Chinese) unless a valid 18-character ID number."""
    value = (value or "").strip().upper()
    if not value:
        return ""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(_("身份证号应为18位（最后一位可为X）。"), code="id_format")
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_birth") from None
    if id_check_character(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确。"), code="id_check")
    return value


def normalise_phone(value: str) -> str:
    value = re.sub(r"[\s]", "", value or "")
    if not value:
        return ""
    if not (_MOBILE.match(value) or _LANDLINE.match(value)):
        raise ValidationError(_("电话号码应为11位手机号或带区号的固定电话。"), code="phone")
    return value
