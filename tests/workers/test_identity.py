import datetime

import pytest

from workers.identity import IdProblem, Sex, age_on, check_personal_id

BORN = datetime.date(1990, 5, 17)


def test_a_number_that_agrees_with_birth_date_and_sex_passes():
    check = check_personal_id("015190123456", birth_date=BORN, sex=Sex.FEMALE)

    assert check.ok
    assert check.number == "015190123456"


def test_spaces_and_dots_typed_from_the_card_are_ignored():
    check = check_personal_id("015 190 123.456", birth_date=BORN, sex=Sex.FEMALE)

    assert check.ok


@pytest.mark.parametrize("typed", ["01519012345", "0151901234567", "01519012345A", "", "123456789"])
def test_anything_but_twelve_digits_is_malformed(typed):
    check = check_personal_id(typed, birth_date=BORN, sex=Sex.FEMALE)

    assert check.malformed
    assert check.problems == (IdProblem.LENGTH,)


@pytest.mark.parametrize("code", ["000", "003", "013", "097", "099", "500"])
def test_an_unknown_province_of_birth_code_is_a_problem(code):
    check = check_personal_id(f"{code}190123456", birth_date=BORN, sex=Sex.FEMALE)

    assert check.problems == (IdProblem.PROVINCE,)


def test_the_sex_digit_must_match():
    check = check_personal_id("015090123456", birth_date=BORN, sex=Sex.FEMALE)

    assert check.problems == (IdProblem.CENTURY_SEX,)


def test_the_century_digit_must_match():
    # 2 = a man born 2000-2099, but this man was born in 1990.
    check = check_personal_id("015290123456", birth_date=BORN, sex=Sex.MALE)

    assert check.problems == (IdProblem.CENTURY_SEX,)


@pytest.mark.parametrize(
    ("born", "sex", "digit"),
    [
        (datetime.date(1999, 1, 1), Sex.MALE, "0"),
        (datetime.date(1999, 1, 1), Sex.FEMALE, "1"),
        (datetime.date(2004, 1, 1), Sex.MALE, "2"),
        (datetime.date(2004, 1, 1), Sex.FEMALE, "3"),
    ],
)
def test_century_and_sex_digits_of_the_two_centuries_people_are_born_in(born, sex, digit):
    yy = f"{born.year % 100:02d}"

    assert check_personal_id(f"001{digit}{yy}000001", birth_date=born, sex=sex).ok


def test_the_year_digits_must_match():
    check = check_personal_id("015191123456", birth_date=BORN, sex=Sex.FEMALE)

    assert check.problems == (IdProblem.YEAR,)


def test_several_problems_are_all_reported():
    check = check_personal_id("099088123456", birth_date=BORN, sex=Sex.FEMALE)

    assert set(check.problems) == {IdProblem.PROVINCE, IdProblem.CENTURY_SEX, IdProblem.YEAR}


@pytest.mark.parametrize(
    ("today", "age"),
    [
        (datetime.date(2008, 5, 16), 17),
        (datetime.date(2008, 5, 17), 18),
        (datetime.date(2026, 11, 22), 36),
    ],
)
def test_age_counts_whole_years(today, age):
    assert age_on(datetime.date(1990, 5, 17), today) == age
