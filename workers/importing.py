"""Importing the worker lists counsellors keep in Excel today: parse, check, then write.

Checking is separate from writing so the counsellor sees a preview with each row's errors
and chooses: import every row or nothing, or only the valid rows.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import importing as shared
from accounts.models import Commune, User
from accounts.phones import normalize_phone
from accounts.text import fold
from workers import services
from workers.identity import (
    LENGTH,
    IdFormat,
    IdProblem,
    check_personal_id,
    clean_personal_id,
    personal_id_problem,
)
from workers.identity import Sex as IdSex
from workers.models import ImportBatch, WorkerProfile

MAX_BYTES = 5 * 1024 * 1024

# Column headings accepted, Vietnamese first (as in the centres' sheets), folded for matching.
COLUMNS = {
    "name": ["ho va ten", "ho ten", "name", "full name"],
    "phone": ["so dien thoai", "dien thoai", "sdt", "phone"],
    "personal_id": ["so dinh danh", "so cccd", "cccd", "personal id"],
    "date_of_birth": ["ngay sinh", "date of birth", "birth date"],
    "sex": ["gioi tinh", "sex"],
    "commune": ["xa/phuong", "xa phuong", "xa", "commune", "commune or ward"],
}
REQUIRED = ("name", "personal_id", "date_of_birth", "sex")
SEXES = {
    "nam": "male",
    "male": "male",
    "m": "male",
    "nu": "female",
    "female": "female",
    "f": "female",
}


@dataclass
class ImportRow:
    number: int  # the row number in the sheet, as the counsellor sees it
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column heading, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def map_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field; and the required fields no column matched."""
    return shared.map_columns(header, COLUMNS, REQUIRED)


def read_sheet(content: bytes) -> shared.Table:
    """The uploaded sheet's header and rows; ValidationError says why a file cannot be read."""
    return shared.read_table(content, spreadsheet=True, max_bytes=MAX_BYTES)


def _id_candidate(value: Any) -> tuple[str, bool]:
    """(the number as read, whether Excel kept it as a number and so dropped leading 0s)."""
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        return (str(int(value)), True) if value.is_integer() else (str(value), False)
    return clean_personal_id(str(value or "")), False


def read_personal_id(
    value: Any, *, born: datetime.date | None, sex: str | None
) -> tuple[str, str | None]:
    """The 12-digit number of a cell, and why it is refused (None when it is not).

    A column formatted as a number drops the leading 0 (015190123456 becomes 15190123456).
    Zeros are put back only when that is unambiguous: the cell is a number, and the
    restored number agrees with the row's birth date, sex and a province of birth.
    """
    number, numeric = _id_candidate(value)
    if not number:
        return "", _("the personal ID number is empty")
    if personal_id_problem(number) == IdFormat.NOT_DIGITS:
        return number, _("only digits 0-9 are allowed: letters and other signs are not")
    if len(number) == LENGTH:
        return number, None
    if len(number) > LENGTH:
        return number, _("%(n)s digits: the personal ID number has 12") % {"n": len(number)}
    if not numeric or len(number) < LENGTH - 2:
        return number, _("%(n)s digits: the personal ID number has 12") % {"n": len(number)}
    restored = number.zfill(LENGTH)
    if born is None or sex is None:
        return number, _(
            "the cell is a number of %(n)s digits (Excel drops the 0 in front); without a "
            "birth date and sex the full number cannot be checked: format the column as Text "
            "and type the 12 digits"
        ) % {"n": len(number)}
    problems = check_personal_id(restored, birth_date=born, sex=IdSex(sex)).problems
    if problems:
        hint = {
            IdProblem.PROVINCE: _("no province of birth has the code %(code)s"),
            IdProblem.CENTURY_SEX: _("the 4th digit does not match the birth year and sex"),
            IdProblem.YEAR: _("the 5th and 6th digits are not the birth year"),
        }[problems[0]] % {"code": restored[:3]}
        return number, _(
            "the cell is a number of %(n)s digits (Excel drops the 0 in front), but with the "
            "0 put back, %(restored)s, %(hint)s: check the card, format the column as Text "
            "and type the 12 digits"
        ) % {"n": len(number), "restored": restored, "hint": hint}
    return restored, None


def check_rows(header: list[str], rows: list[list[Any]], *, province_id: int) -> list[ImportRow]:
    """Every row checked, with its errors named by column; nothing written."""
    columns, _missing = map_columns(header)
    communes = {fold(c.name): c.pk for c in Commune.objects.filter(province_id=province_id)}
    # What is already on the portal, read once for the whole sheet, not once per row.
    columns_of = {name: columns.get(name) for name in ("personal_id", "phone")}

    def column(name: str) -> list[str]:
        index = columns_of[name]
        return [str(r[index] or "") for r in rows if index is not None and index < len(r)]

    id_index = columns_of["personal_id"]
    id_cells = [r[id_index] for r in rows if id_index is not None and id_index < len(r)]
    candidates = {_id_candidate(v)[0] for v in id_cells}
    candidates |= {c.zfill(LENGTH) for c in candidates if c.isascii() and c.isdigit()}
    registered_ids = set(
        WorkerProfile.objects.unscoped("a number registered in any province is refused")
        .filter(personal_id__in=candidates)
        .values_list("personal_id", flat=True)
    )
    typed_phones = []
    for value in column("phone"):
        try:
            typed_phones.append(normalize_phone(value))
        except ValidationError:
            continue
    used_phones = set(User.objects.filter(phone__in=typed_phones).values_list("phone", flat=True))
    seen_ids: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    checked: list[ImportRow] = []
    for offset, raw in enumerate(rows):
        if shared.is_blank(raw):
            continue  # numbered all the same: the rows after it keep their line
        row = ImportRow(number=offset + shared.FIRST_LINE)

        def cell(name: str, raw: list[Any] = raw) -> Any:
            return shared.cell(raw, columns.get(name))

        def err(name: str, message: str, row: ImportRow = row) -> None:
            heading = header[columns[name]] if name in columns else name
            row.errors.append((heading, message))

        name = str(cell("name") or "").strip()
        if not name:
            err("name", _("the name is empty"))
        row.values["name"] = name[:150]

        try:
            born = shared.parse_date(cell("date_of_birth"))
            row.values["date_of_birth"] = born.isoformat()
        except ValueError:
            born = None
            err("date_of_birth", _("not a date: write it as dd/mm/yyyy"))

        sex = SEXES.get(fold(str(cell("sex") or "")))
        if sex is None:
            err("sex", _("write Nam or Nữ"))
        row.values["sex"] = sex

        number, id_error = read_personal_id(cell("personal_id"), born=born, sex=sex)
        if id_error:
            err("personal_id", id_error)
        elif number in seen_ids:
            err("personal_id", _("the same number is on row %(row)s") % {"row": seen_ids[number]})
        elif number in registered_ids:
            err("personal_id", _("already registered on the portal"))
        else:
            seen_ids[number] = row.number
            if born and sex:
                problems = check_personal_id(number, birth_date=born, sex=IdSex(sex)).problems
                row.values["id_problems"] = [str(p) for p in problems]
        row.values["personal_id"] = number

        phone_text = str(cell("phone") or "").strip()
        row.values["phone"] = None
        if phone_text:
            try:
                phone = normalize_phone(phone_text)
            except ValidationError:
                err("phone", _("not a mobile number"))
            else:
                if phone in seen_phones:
                    err(
                        "phone",
                        _("the same number is on row %(row)s") % {"row": seen_phones[phone]},
                    )
                elif phone in used_phones:
                    err("phone", _("already used by an account"))
                else:
                    seen_phones[phone] = row.number
                    row.values["phone"] = phone
        else:
            err("phone", _("a phone number is needed so the worker can sign in"))

        commune_text = str(cell("commune") or "").strip()
        row.values["commune"] = None
        if commune_text:
            commune_id = (
                communes.get(fold(commune_text))
                or communes.get(fold("Xã " + commune_text))
                or communes.get(fold("Phường " + commune_text))
            )
            if commune_id is None:
                err("commune", _("no such commune or ward in the province"))
            row.values["commune"] = commune_id
        checked.append(row)
    return checked


class AlreadyImported(Exception):
    """This preview was imported before (a replayed or double-sent confirmation)."""

    def __init__(self, batch: ImportBatch) -> None:
        super().__init__(batch.pk)
        self.batch = batch


class ChangedMeanwhile(Exception):
    """Someone in the file was registered between the preview and the import."""


def import_rows(*, rows: list[dict[str, Any]], counsellor: User, token: str) -> int:
    """Create a worker, consent on paper, profile and case for each checked row: all of
    them or none, and once per preview token (a replay raises AlreadyImported)."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    try:
        with transaction.atomic():
            ImportBatch.objects.create(token_digest=digest, counsellor=counsellor, rows=len(rows))
            _create_rows(rows, counsellor)
    except IntegrityError:
        batch = ImportBatch.objects.filter(token_digest=digest).first()
        if batch is not None:
            raise AlreadyImported(batch) from None
        raise ChangedMeanwhile from None
    return len(rows)


def _create_rows(rows: list[dict[str, Any]], counsellor: User) -> None:
    for values in rows:
        profile = services.worker_register_assisted(
            counsellor=counsellor, name=values["name"], phone=values["phone"], email=None
        )
        services.profile_fill_imported(profile=profile, values=values)
