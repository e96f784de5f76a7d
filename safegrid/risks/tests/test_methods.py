"""LEC and LS, table-driven: every combination of factor values against the level that DOMAIN.md
§2.2 / §2.3 give. The tables and bands are typed in here from DOMAIN.md, not taken from the code."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from safegrid.risks import lec, ls
from safegrid.risks.choices import LEVEL_COLOUR

# DOMAIN.md §2.2
LEC_L = ["10", "6", "3", "1", "0.5", "0.2", "0.1"]
LEC_E = ["10", "6", "3", "2", "1", "0.5"]
LEC_C = ["100", "40", "15", "7", "3", "1"]
# D > 320 重大/红; 160–320 较大/橙; 70–160 一般/黄; 20–70 and < 20 低/蓝. Shared boundaries belong to
# the lower band (the method's usual reading: 160 < D ≤ 320 …).


def lec_expected(d: Decimal) -> str:
    if d > 320:
        return "major"
    if d > 160:
        return "significant"
    if d > 70:
        return "general"
    return "low"


# DOMAIN.md §2.3
LS_L = [5, 4, 3, 2, 1]
LS_S = [5, 4, 3, 2, 1]
LS_BANDS = {"major": range(20, 26), "significant": range(15, 17), "general": range(9, 13), "low": range(1, 9)}


def ls_expected(r: int) -> str:
    (level,) = [level for level, band in LS_BANDS.items() if r in band]
    return level


LEC_CASES = list(itertools.product(LEC_L, LEC_E, LEC_C))
LS_CASES = list(itertools.product(LS_L, LS_S))


def test_the_code_uses_exactly_the_tables_of_the_domain():
    assert sorted(lec.L_VALUES) == sorted(Decimal(v) for v in LEC_L)
    assert sorted(lec.E_VALUES) == sorted(Decimal(v) for v in LEC_E)
    assert sorted(lec.C_VALUES) == sorted(Decimal(v) for v in LEC_C)
    assert sorted(ls.L_VALUES) == LS_L[::-1]
    assert sorted(ls.S_VALUES) == LS_S[::-1]
    assert len(LEC_CASES) == 7 * 6 * 6 and len(LS_CASES) == 25


@pytest.mark.parametrize(("l_value", "e_value", "c_value"), LEC_CASES)
def test_every_lec_combination_gets_the_level_of_its_band(l_value, e_value, c_value):
    expected_d = Decimal(l_value) * Decimal(e_value) * Decimal(c_value)
    d, level = lec.lec_assess(l_value, e_value, c_value)
    assert (d, level) == (expected_d, lec_expected(expected_d))


@pytest.mark.parametrize(("l_value", "s_value"), LS_CASES)
def test_every_ls_combination_gets_the_level_of_its_band(l_value, s_value):
    assert ls.ls_assess(l_value, s_value) == (l_value * s_value, ls_expected(l_value * s_value))


def test_ls_products_cover_every_band_without_gaps():
    products = {a * b for a, b in LS_CASES}
    assert products == {1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25}
    assert {ls_expected(r) for r in products} == set(LS_BANDS)


@pytest.mark.parametrize(
    ("d", "level"),
    [
        ("320.01", "major"),
        ("320", "significant"),
        ("160.01", "significant"),
        ("160", "general"),
        ("70.01", "general"),
        ("70", "low"),
        ("20", "low"),
        ("0.05", "low"),
        ("10000", "major"),
    ],
)
def test_lec_band_boundaries(d, level):
    assert lec.lec_level(Decimal(d)) == level


@pytest.mark.parametrize(
    ("r", "level"),
    [
        (25, "major"),
        (20, "major"),
        (16, "significant"),
        (15, "significant"),
        (12, "general"),
        (9, "general"),
        (8, "low"),
        (1, "low"),
    ],
)
def test_ls_band_boundaries(r, level):
    assert ls.ls_level(r) == level


def test_reachable_lec_boundary_products():
    # Products that land exactly on a boundary stay in the lower band.
    assert lec.lec_assess("1", "10", "7") == (Decimal("70"), "low")
    assert lec.lec_assess("3", "2", "15") == (Decimal("90"), "general")
    assert lec.lec_assess("0.5", "1", "40") == (Decimal("20"), "low")
    assert lec.lec_assess("0.1", "0.5", "1") == (Decimal("0.05"), "low")


def test_levels_have_the_four_colours():
    assert LEVEL_COLOUR == {"major": "red", "significant": "orange", "general": "yellow", "low": "blue"}


@pytest.mark.parametrize(
    ("l_value", "e_value", "c_value", "field"),
    [
        ("5", "6", "15", "l_value"),
        ("6", "4", "15", "e_value"),
        ("6", "6", "50", "c_value"),
        ("x", "6", "15", "l_value"),
        (None, "6", "15", "l_value"),
        ("6", "6", None, "c_value"),
    ],
)
def test_lec_value_not_in_the_table_is_a_chinese_error(l_value, e_value, c_value, field):
    with pytest.raises(ValidationError) as exc:
        lec.lec_assess(l_value, e_value, c_value)
    assert list(exc.value.message_dict) == [field]
    assert "的取值只能是" in exc.value.message_dict[field][0]


@pytest.mark.parametrize(
    ("l_value", "s_value", "field"), [(6, 3, "l_value"), (3, 0, "s_value"), ("2.5", 3, "l_value")]
)
def test_ls_value_not_in_the_table_is_a_chinese_error(l_value, s_value, field):
    with pytest.raises(ValidationError) as exc:
        ls.ls_assess(l_value, s_value)
    assert exc.value.message_dict == {field: [f"LS 法 {field[0].upper()} 的取值只能是 1 至 5 的整数。"]}
