"""The 12-digit personal identification number (số định danh cá nhân): PPP G YY NNNNNN.

PPP is the code of the province where the birth was registered (the 63 codes in use before
the 2025 reform), G the century and sex, YY the last two digits of the birth year. There is
no check digit. These are pure functions; the profile service decides what to do with a
mismatch (show it and flag it for a counsellor).
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

# Province-of-birth codes of the 63 pre-2025 provinces (Decree 137/2015 and its circular).
BIRTH_PROVINCE_CODES = frozenset(
    {
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34,
        35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67,
        68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    }
)  # fmt: skip

# Law 69/2020/QH14 on Vietnamese guest workers, Art. 44(1): 18 or older (in force 1 Jan 2022).
MINIMUM_AGE = 18


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class IdProblem(StrEnum):
    LENGTH = "length"  # not exactly 12 digits
    PROVINCE = "province"  # PPP is not a known province-of-birth code
    CENTURY_SEX = "century_sex"  # G does not match the birth century or the sex
    YEAR = "year"  # YY does not match the birth year


@dataclass(frozen=True)
class IdCheck:
    number: str
    problems: tuple[IdProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def malformed(self) -> bool:
        """Not a 12-digit number at all: refused outright, not merely flagged."""
        return IdProblem.LENGTH in self.problems


# Separators people copy from the card or a phone keyboard: dots, hyphens and dashes.
SEPARATORS = frozenset(".-\u2010\u2011\u2012\u2013\u2014\u2212")
LENGTH = 12


def clean_personal_id(raw: str) -> str:
    """The number as stored: NFKC first (full-width digits become 0-9, so one person
    cannot hold two files by typing their number in another script), then without spaces,
    dots and dashes. What is left may still be wrong: see `personal_id_problem`."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in SEPARATORS)


def is_ascii_digits(number: str) -> bool:
    # str.isdigit() is true of "٠١٢" (Arabic-Indic) and "²": only 0-9 is a personal ID.
    return number.isascii() and number.isdigit()


class IdFormat(StrEnum):
    NOT_DIGITS = "not_digits"  # letters or other signs
    LENGTH = "length"  # digits only, but not 12 of them


def personal_id_problem(number: str) -> IdFormat | None:
    """Why an already cleaned number cannot be a personal ID, or None when it can."""
    if not is_ascii_digits(number):
        return IdFormat.NOT_DIGITS
    if len(number) != LENGTH:
        return IdFormat.LENGTH
    return None


def century_sex_digit(birth_date: datetime.date, sex: Sex) -> int:
    century_index = (birth_date.year - 1900) // 100  # 1900s -> 0, 2000s -> 1, 2100s -> 2
    return century_index * 2 + (1 if sex == Sex.FEMALE else 0)


def check_personal_id(raw: str, *, birth_date: datetime.date, sex: Sex) -> IdCheck:
    number = clean_personal_id(raw)
    if personal_id_problem(number) is not None:
        return IdCheck(number, (IdProblem.LENGTH,))
    problems: list[IdProblem] = []
    if int(number[:3]) not in BIRTH_PROVINCE_CODES:
        problems.append(IdProblem.PROVINCE)
    if birth_date.year >= 1900 and int(number[3]) != century_sex_digit(birth_date, sex):
        problems.append(IdProblem.CENTURY_SEX)
    if int(number[4:6]) != birth_date.year % 100:
        problems.append(IdProblem.YEAR)
    return IdCheck(number, tuple(problems))


def age_on(birth_date: datetime.date, today: datetime.date) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)
