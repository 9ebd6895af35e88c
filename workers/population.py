"""Checking a personal ID against the national population database (Cơ sở dữ liệu quốc gia
về dân cư), through one adapter chosen by ID_VERIFICATION_BACKEND (docs/id-verification.md).

An adapter answers one question: do this number, name, birth date and sex belong together?
It says match, mismatch (with the fields that differ) or unknown (with the reason: not in the
register, the register did not answer, no connection configured). The service
(workers.services.personal_id_verify) records the answer on the profile; adapters write
nothing.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from accounts.text import fold

log = logging.getLogger(__name__)


class Result(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    UNKNOWN = "unknown"


# The fields an adapter may name as differing, as the profile calls them.
FIELDS = ("personal_id", "name", "date_of_birth", "sex")


@dataclass(frozen=True)
class IdentityQuery:
    personal_id: str
    name: str
    date_of_birth: datetime.date
    sex: str  # "male" or "female"


@dataclass(frozen=True)
class Answer:
    result: Result
    # For mismatch: which of FIELDS differ. For unknown: empty.
    fields: tuple[str, ...] = ()
    # A short technical reason, in English, kept on the profile (the page words it).
    reason: str = ""


class BaseBackend:
    #: Recorded on the profile with the answer: which source said so.
    name = ""

    def verify(self, query: IdentityQuery) -> Answer:
        raise NotImplementedError


# The fake register's documented exceptions: the last six digits decide (docs/id-verification.md).
FAKE_NOT_FOUND = "999999"  # no such citizen: unknown
FAKE_NO_ANSWER = "999998"  # the register did not answer: unknown
FAKE_OTHER_NAME = "888888"  # the register holds another name: mismatch on the name
FAKE_OTHER_BIRTH = "777777"  # another birth date: mismatch on the date of birth


class FakeBackend(BaseBackend):
    """For development and tests; deterministic, no network.

    A number whose structure agrees with the birth date and sex (workers.identity: province
    of birth, century-and-sex digit, year) matches, except the documented endings above. A
    number whose century-and-sex digit disagrees is a mismatch on the sex (or the birth
    date, when the sex digit agrees but the century does not); whose year disagrees, a
    mismatch on the birth date; whose province-of-birth code does not exist, unknown.
    """

    name = "fake"

    def verify(self, query: IdentityQuery) -> Answer:
        from workers.identity import IdProblem, Sex, century_sex_digit, check_personal_id

        number = query.personal_id
        tail = number[-6:]
        if tail == FAKE_NOT_FOUND:
            return Answer(Result.UNKNOWN, reason="not_found")
        if tail == FAKE_NO_ANSWER:
            return Answer(Result.UNKNOWN, reason="no_answer")
        if not fold(query.name).strip():
            return Answer(Result.MISMATCH, ("name",), "name")
        if tail == FAKE_OTHER_NAME:
            return Answer(Result.MISMATCH, ("name",), "name")
        if tail == FAKE_OTHER_BIRTH:
            return Answer(Result.MISMATCH, ("date_of_birth",), "date_of_birth")
        check = check_personal_id(number, birth_date=query.date_of_birth, sex=Sex(query.sex))
        if IdProblem.LENGTH in check.problems or IdProblem.PROVINCE in check.problems:
            return Answer(Result.UNKNOWN, reason="not_found")
        fields: list[str] = []
        if IdProblem.CENTURY_SEX in check.problems:
            digit = int(number[3])
            expected = century_sex_digit(query.date_of_birth, Sex(query.sex))
            # Same century, other parity: the sex differs; otherwise the birth century does.
            fields.append("sex" if digit // 2 == expected // 2 else "date_of_birth")
        if IdProblem.YEAR in check.problems and "date_of_birth" not in fields:
            fields.append("date_of_birth")
        if fields:
            return Answer(Result.MISMATCH, tuple(f for f in FIELDS if f in fields), "fields")
        return Answer(Result.MATCH)


class UnconfiguredBackend(BaseBackend):
    """The default with DEBUG off until the real connector is set: every answer is unknown,
    so no file is ever marked verified by a fake."""

    name = "none"

    def verify(self, query: IdentityQuery) -> Answer:
        return Answer(Result.UNKNOWN, reason="not_configured")


class NationalPopulationBackend(BaseBackend):
    """The connector to the national population database: the place for it, not yet it.

    The ministry grants access through the data-sharing platform (NDXP/LGSP) under Decree
    47/2024/ND-CP; the contract, the endpoint and the client certificate come with that
    grant. When they do, implement `verify` here: send the four fields, map the answer to
    Result, put the differing fields in Answer.fields, and raise nothing for a refusal (it
    is an answer: unknown, with the reason). A timeout or a 5xx is unknown with
    reason "no_answer"; the counsellor can ask again from the case page.
    """

    name = "population-db"

    def verify(self, query: IdentityQuery) -> Answer:
        log.warning("ID_VERIFICATION_BACKEND is the national connector, which is not built yet")
        return Answer(Result.UNKNOWN, reason="not_configured")


@cache
def _backend(path: str) -> BaseBackend:
    backend: BaseBackend = import_string(path)()
    return backend


def backend() -> BaseBackend:
    return _backend(settings.ID_VERIFICATION_BACKEND)


#: Each adapter's name (recorded with the answer) in words for the case page.
SOURCE_LABELS = {
    FakeBackend.name: _("test source (sample data, not the population database)"),
    UnconfiguredBackend.name: _("no connection set up"),
    NationalPopulationBackend.name: _("national population database"),
}


def source_label(name: str) -> str:
    """Which source answered, in words; another adapter's name as it was recorded."""
    return str(SOURCE_LABELS.get(name, name))


def verify(query: IdentityQuery) -> Answer:
    """Ask the configured register; a backend that fails is an unknown answer, not an error."""
    try:
        return backend().verify(query)
    except Exception:  # a connector's failure must not lose the worker's step
        log.exception("ID verification backend failed")
        return Answer(Result.UNKNOWN, reason="no_answer")
