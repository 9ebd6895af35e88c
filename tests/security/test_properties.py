"""Properties of the rules that take what people type, over many generated inputs."""

import datetime
from decimal import Decimal

import phonenumbers
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.phones import format_national, normalize_phone
from accounts.text import fold
from markets.rules import AmountError, parse_amount
from workers.identity import (
    BIRTH_PROVINCE_CODES,
    IdProblem,
    Sex,
    century_sex_digit,
    check_personal_id,
)

mobiles = st.builds(
    lambda prefix, rest: f"0{prefix}{rest:08d}",
    st.sampled_from("35789"),
    st.integers(min_value=0, max_value=99_999_999),
)
births = st.dates(min_value=datetime.date(1940, 1, 1), max_value=datetime.date(2099, 12, 31))


@settings(max_examples=300)
@given(mobiles)
def test_a_mobile_number_survives_storing_and_showing(number):
    try:
        stored = normalize_phone(number)
    except ValidationError:
        # Refused only when the numbering plan does not assign the block yet.
        assert not phonenumbers.is_valid_number(phonenumbers.parse(number, "VN")), number
        return
    assert stored == "+84" + number[1:]
    assert normalize_phone(format_national(stored)) == stored
    assert normalize_phone("+84 " + number[1:]) == stored


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_any_typed_phone_is_either_a_vietnamese_mobile_or_refused(text):
    try:
        stored = normalize_phone(text)
    except ValidationError:
        return
    assert stored.startswith("+84") and len(stored) == 12 and stored[3] in "35789"


@settings(max_examples=300)
@given(
    st.sampled_from(sorted(BIRTH_PROVINCE_CODES)),
    births,
    st.sampled_from(list(Sex)),
    st.integers(min_value=0, max_value=999_999),
)
def test_a_number_built_by_the_rule_always_passes(code, born, sex, serial):
    number = f"{code:03d}{century_sex_digit(born, sex)}{born.year % 100:02d}{serial:06d}"

    assert check_personal_id(number, birth_date=born, sex=sex).ok


@settings(max_examples=300)
@given(st.text(max_size=30), births, st.sampled_from(list(Sex)))
def test_any_typed_id_is_checked_without_error(text, born, sex):
    check = check_personal_id(text, birth_date=born, sex=sex)

    assert check.ok or check.problems
    if IdProblem.LENGTH in check.problems:
        assert check.problems == (IdProblem.LENGTH,)


@given(st.text(max_size=60))
def test_folding_is_idempotent_and_plain(text):
    folded = fold(text)

    assert fold(folded) == folded
    assert folded == folded.lower() and "đ" not in folded


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=10**12))
def test_amounts_written_with_dots_commas_or_nothing_read_the_same(value):
    grouped = f"{value:,}"

    assert parse_amount(grouped.replace(",", ".")) == Decimal(value)
    assert parse_amount(grouped) == Decimal(value)
    assert parse_amount(str(value)) == Decimal(value)


@given(st.text(max_size=30))
def test_any_typed_amount_is_a_non_negative_number_or_refused(text):
    try:
        amount = parse_amount(text)
    except AmountError:
        return
    assert amount >= 0
