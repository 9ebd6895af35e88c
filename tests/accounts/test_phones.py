import pytest
from django.core.exceptions import ValidationError

from accounts.phones import format_national, normalize_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0388.123.456", "+84388123456"),
        ("0701234567", "+84701234567"),
        ("0812345678", "+84812345678"),
        ("0591234567", "+84591234567"),
    ],
)
def test_mobile_numbers_typed_any_usual_way_are_stored_as_plus_84(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "091234567", "09123456789", "0212345678", "+1 202 555 0143", "0112345678"],
)
def test_numbers_that_are_not_vietnamese_mobiles_are_refused(typed):
    with pytest.raises(ValidationError):
        normalize_phone(typed)


def test_stored_numbers_are_shown_as_people_write_them():
    assert format_national("+84912345678") == "0912 345 678"
