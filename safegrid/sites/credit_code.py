"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters over the 31-character set 0-9 and A-Z without I, O, Z, S, V. Characters 3–8 are the
registering authority's administrative division code (digits); the 18th is a check character:
C18 = 31 - (Σ Ci·Wi mod 31), with 31 written as 0. 31 is prime and every weight is non-zero, so any
single-character change is detected.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUES = {c: i for i, c in enumerate(CHARSET)}
_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_character(first17: str) -> str:
    total = sum(_VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """The reason `code` is not a valid credit code (Chinese unless another language is active);
    None when it is valid."""
    if len(code) != 18:
        return _("统一社会信用代码应为 18 位，当前为 %(length)s 位。") % {"length": len(code)}
    if not _SHAPE.match(code):
        return _("统一社会信用代码只能由数字和大写字母（不含 I、O、Z、S、V）组成，第 3–8 位为行政区划代码。")
    if check_character(code[:17]) != code[17]:
        return _("统一社会信用代码校验位不正确，请核对后重新输入。")
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_error(code) is None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="invalid_credit_code")
