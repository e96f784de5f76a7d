"""LS risk matrix (风险矩阵分析法): R = L × S with L and S in 1–5 and the bands of DOMAIN.md §2.3:
20–25 重大, 15–16 较大, 9–12 一般, 1–8 低. R takes only the products 1–6, 8–10, 12, 15, 16, 20 and
25, so the bands leave no gaps."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import RiskLevel

L_VALUES: dict[int, str] = {
    5: gettext_lazy("无防范、监测、控制措施，或危害的发生不能被发现，或经常发生此类事故"),
    4: gettext_lazy("危害的发生不容易被发现，或控制措施未有效执行，或危害常发生"),
    3: gettext_lazy("没有保护措施或未严格按操作程序执行，或过去曾经发生类似事故"),
    2: gettext_lazy("危害一旦发生能及时发现并定期监测，或控制措施有效执行，或过去偶尔发生"),
    1: gettext_lazy("有充分、有效的防范、控制、监测、保护措施，极不可能发生事故"),
}
S_VALUES: dict[int, str] = {
    5: gettext_lazy("死亡；违反法律法规和标准；直接损失≥100万元"),
    4: gettext_lazy("丧失劳动能力；潜在违反法规和标准；直接损失≥50万元"),
    3: gettext_lazy("截肢、骨折、听力丧失、慢性病；直接损失≥1万元"),
    2: gettext_lazy("轻微受伤、间歇不舒服；直接损失<1万元"),
    1: gettext_lazy("无伤亡、无损失"),
}
# (inclusive lower bound of R, level), most severe first.
BANDS: list[tuple[int, str]] = [
    (20, RiskLevel.MAJOR),
    (15, RiskLevel.SIGNIFICANT),
    (9, RiskLevel.GENERAL),
]

FACTORS = {"l_value": ("L", L_VALUES), "s_value": ("S", S_VALUES)}


def factor_value(field: str, value) -> int:
    """`value` as one of the table's values for factor `field` ("l_value" or "s_value"), or a
    Chinese error."""
    letter, table = FACTORS[field]
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or number != number.to_integral_value() or int(number) not in table:
        raise ValidationError(
            {field: _("LS 法 %(letter)s 的取值只能是 1 至 5 的整数。") % {"letter": letter}}
        )
    return int(number)


def ls_level(r: int) -> str:
    """The level of an R value."""
    for lower, level in BANDS:
        if r >= lower:
            return level
    return RiskLevel.LOW


def ls_assess(l_value, s_value) -> tuple[int, str]:
    """(R, level) for factor values from the tables; ValidationError for any other value."""
    errors: dict[str, list] = {}
    values = {}
    for field, raw in (("l_value", l_value), ("s_value", s_value)):
        try:
            values[field] = factor_value(field, raw)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    r = values["l_value"] * values["s_value"]
    return r, ls_level(r)


def choices(table: dict[int, str]) -> list[tuple[str, str]]:
    return [(str(v), f"{v} — {label}") for v, label in table.items()]
