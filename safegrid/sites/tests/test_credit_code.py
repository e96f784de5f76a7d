"""GB 32100-2015 unified social credit code: valid codes pass, every single-character change fails."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from safegrid.sites.credit_code import CHARSET, check_character, credit_code_error, is_valid_credit_code

# The example from GB 32100-2015 and a published registration.
KNOWN_VALID = ["91350100M000100Y43", "91110000600037341L"]

codes = st.builds(
    lambda a, b, div, org: a + b + div + org,
    st.sampled_from(CHARSET),
    st.sampled_from(CHARSET),
    st.text(alphabet=string.digits, min_size=6, max_size=6),
    st.text(alphabet=CHARSET, min_size=9, max_size=9),
).map(lambda first17: first17 + check_character(first17))

# Every printable ASCII character plus lower case and full-width digits a user might type.
REPLACEMENTS = sorted(set(string.printable.strip()) | set("ａ０ＡIOSVZ"))


def test_known_codes_are_valid():
    assert [is_valid_credit_code(c) for c in KNOWN_VALID] == [True, True]


def test_check_character_of_known_code():
    assert check_character("91350100M000100Y4") == "3"


@settings(max_examples=300, deadline=None)
@given(codes)
def test_generated_valid_codes_are_accepted(code):
    assert credit_code_error(code) is None


@settings(max_examples=150, deadline=None)
@given(codes, st.integers(min_value=0, max_value=17), st.sampled_from(REPLACEMENTS))
def test_every_single_character_change_is_rejected(code, position, replacement):
    if replacement == code[position]:
        replacement = (
            CHARSET[(CHARSET.index(code[position]) + 1) % len(CHARSET)] if code[position] in CHARSET else "0"
        )
    changed = code[:position] + replacement + code[position + 1 :]
    assert changed != code
    assert is_valid_credit_code(changed) is False


@settings(max_examples=60, deadline=None)
@given(codes)
def test_exhaustive_substitutions_within_charset_are_rejected(code):
    for position in range(18):
        for c in CHARSET:
            if c != code[position]:
                assert is_valid_credit_code(code[:position] + c + code[position + 1 :]) is False


def test_errors_are_chinese_and_specific():
    assert credit_code_error("123") == "统一社会信用代码应为 18 位，当前为 3 位。"
    assert "不含 I、O、Z、S、V" in credit_code_error("91350100M000100I43")
    assert credit_code_error("91350100M000100Y44") == "统一社会信用代码校验位不正确，请核对后重新输入。"
