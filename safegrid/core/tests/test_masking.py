"""The masks (SECURITY.md D3): a property test against an independent statement of the rule, plus
the documented examples."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from safegrid.core import logsafe, masking

DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=25)


def test_the_documented_forms():
    assert masking.mask_id_number("11010519900101123X") == "110***********123X"
    assert masking.mask_id_number("110105900101123") == "110********1123"  # 15-digit (before 1999)
    assert masking.mask_phone("13812341234") == "138****1234"
    assert masking.mask_phone("0797-8712345") == "********2345"
    assert masking.mask_id_number("") == masking.mask_phone("") == ""
    assert masking.mask_id_number("12345678") == "********"
    assert masking.mask_phone("1234") == "****"


@given(value=st.from_regex(r"[1-8]\d{16}[\dX]", fullmatch=True))
def test_an_id_number_keeps_the_first_three_and_the_last_four(value):
    masked = masking.mask_id_number(value)
    assert masked == value[:3] + "*" * 11 + value[-4:]
    assert re.search(r"\d{5,}", masked) is None


@given(value=st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_a_mobile_keeps_the_first_three_and_the_last_four(value):
    assert masking.mask_phone(value) == value[:3] + "****" + value[-4:]


@given(value=DIGITS)
def test_no_mask_reveals_more_than_seven_characters_or_a_whole_value(value):
    for mask in (masking.mask_id_number, masking.mask_phone, masking.mask_number):
        masked = mask(value)
        assert len(masked) == len(value)
        shown = sum(1 for char in masked if char != "*")
        assert shown <= 7
        if len(value) <= 4:
            assert shown == 0
        else:
            assert shown < len(value)
        assert all(m == "*" or m == v for m, v in zip(masked, value, strict=True))


@given(text=st.text(alphabet="0123456789Xx 号码，", max_size=60))
def test_redact_leaves_no_run_of_seven_digits(text):
    assert re.search(r"\d{7,}", masking.redact(text)) is None


def test_logs_use_the_same_masks():
    assert logsafe.mask_pii("身份证 110105199003070017 手机 13812341234") == (
        "身份证 110***********0017 手机 138****1234"
    )
