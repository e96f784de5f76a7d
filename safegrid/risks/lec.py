"""LEC (作业条件危险性分析法): D = L × E × C with the value tables and bands of DOMAIN.md §2.2.

Pure functions over Decimals (0.1 × 0.5 must be exactly 0.05). Only the values in the tables are
accepted. The bands are read as in the usual statement of the method: D > 320 重大; 160 < D ≤ 320
较大; 70 < D ≤ 160 一般; D ≤ 70 低 (the 20–70 and < 20 rows both map to 低). DOMAIN.md notes that
implementations differ on the shared boundary values; we keep each boundary in the lower band.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import RiskLevel

D = Decimal

L_VALUES: dict[Decimal, str] = {
    D("10"): gettext_lazy("完全可以预料"),
    D("6"): gettext_lazy("相当可能"),
    D("3"): gettext_lazy("可能，但不经常"),
    D("1"): gettext_lazy("可能性小，完全意外"),
    D("0.5"): gettext_lazy("很不可能，可以设想"),
    D("0.2"): gettext_lazy("极不可能"),
    D("0.1"): gettext_lazy("实际不可能"),
}
E_VALUES: dict[Decimal, str] = {
    D("10"): gettext_lazy("连续暴露"),
    D("6"): gettext_lazy("每天工作时间内暴露"),
    D("3"): gettext_lazy("每周一次或偶然暴露"),
    D("2"): gettext_lazy("每月一次暴露"),
    D("1"): gettext_lazy("每年几次暴露"),
    D("0.5"): gettext_lazy("非常罕见地暴露"),
}
C_VALUES: dict[Decimal, str] = {
    D("100"): gettext_lazy("大灾难，许多人死亡"),
    D("40"): gettext_lazy("灾难，数人死亡"),
    D("15"): gettext_lazy("非常严重，1人死亡"),
    D("7"): gettext_lazy("严重，伤害严重"),
    D("3"): gettext_lazy("重大，致残"),
    D("1"): gettext_lazy("引人注目，需救护"),
}
# (exclusive lower bound of D, level), most severe first.
BANDS: list[tuple[Decimal, str]] = [
    (D("320"), RiskLevel.MAJOR),
    (D("160"), RiskLevel.SIGNIFICANT),
    (D("70"), RiskLevel.GENERAL),
]

FACTORS = {"l_value": ("L", L_VALUES), "e_value": ("E", E_VALUES), "c_value": ("C", C_VALUES)}


def factor_value(field: str, value) -> Decimal:
    """`value` as one of the table's values for factor `field` ("l_value", "e_value" or "c_value"),
    or a Chinese error."""
    letter, table = FACTORS[field]
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or number not in table:
        allowed = "、".join(f"{v.normalize():f}" for v in table)
        raise ValidationError(
            {
                field: _("LEC 法 %(letter)s 的取值只能是：%(allowed)s。")
                % {"letter": letter, "allowed": allowed}
            }
        )
    return next(v for v in table if v == number)


def lec_level(d: Decimal) -> str:
    """The level of a D value."""
    for lower, level in BANDS:
        if d > lower:
            return level
    return RiskLevel.LOW


def lec_assess(l_value, e_value, c_value) -> tuple[Decimal, str]:
    """(D, level) for factor values from the tables; ValidationError for any other value."""
    errors: dict[str, list] = {}
    values = {}
    for field, raw in (("l_value", l_value), ("e_value", e_value), ("c_value", c_value)):
        try:
            values[field] = factor_value(field, raw)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    d = values["l_value"] * values["e_value"] * values["c_value"]
    return d, lec_level(d)


def choices(table: dict[Decimal, str]) -> list[tuple[str, str]]:
    """Form choices for one factor: value → "value — meaning"."""
    return [(f"{v.normalize():f}", f"{v.normalize():f} — {label}") for v, label in table.items()]
