"""What "download my data" holds beyond the profile: what the worker sent elsewhere in the portal
(complaints here; help requests and support applications from the apps above, which
`workers` may not import, so they register a part in their `ready()`).

A part lists the worker's own records. Each record carries the fields its model declares
personal (accounts.personal) that are hers, plus what she needs to read them (status,
dates, outcome); notes written by staff for staff are left out, as on her own pages.
The JSON keeps codes and ISO dates; the page reads like the rest of "my data": labels,
names, dd/mm/yyyy, money with `.` thousands.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from markets.models import Complaint
from markets.money import format_money
from workers.models import WorkerProfile


@dataclass(frozen=True)
class Record:
    title: str
    data: dict[str, object]
    rows: list[tuple[str, str]]


@dataclass(frozen=True)
class Part:
    key: str  # its key in the JSON file
    title: str
    records: list[Record] = field(default_factory=list)


Source = Callable[[WorkerProfile], Part]

#: Filled by the apps above `workers` in their AppConfig.ready().
SOURCES: list[Source] = []


def register(source: Source) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def readable(value: object) -> str:
    """A value as the worker reads it: dd/mm/yyyy, 4.000.000 ₫, Có/Không, "—" for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return format_money(value)
    return str(value)


def _json(value: object) -> object:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def record(
    obj: models.Model,
    title: str,
    fields: Iterable[str | tuple[str, str]],
    *,
    extra: Iterable[tuple[str, str, object, object]] = (),
) -> Record:
    """One record from a model's fields: (name) takes the field's own label, (name, label)
    gives one where the field has none a worker can read. `extra` adds (key, label, JSON
    value, shown value) for what is not a plain field (a company's name, files sent)."""
    data: dict[str, object] = {}
    rows: list[tuple[str, str]] = []
    for spec in fields:
        name, label = spec if isinstance(spec, tuple) else (spec, "")
        model_field = obj._meta.get_field(name)
        assert isinstance(model_field, models.Field)  # a concrete field, not a reverse relation
        value = getattr(obj, model_field.attname)
        shown: Any = value
        if getattr(model_field, "choices", None) and value:
            shown = getattr(obj, f"get_{name}_display")()
        elif value and hasattr(obj, f"{name}_display"):  # a phone number as it is written
            shown = getattr(obj, f"{name}_display")
        data[name] = _json(value)
        rows.append((label or capfirst(str(model_field.verbose_name)), readable(shown)))
    for key, label, json_value, shown in extra:
        data[key] = _json(json_value)
        rows.append((label, readable(shown)))
    return Record(title=title, data=data, rows=rows)


def complaints(profile: WorkerProfile) -> Part:
    """The complaints she lodged while signed in (`complainant`). The counsellor's outcome
    note is for staff and stays out, as on "My complaints"."""
    found = (
        Complaint.objects.unscoped("her own data: the complaints she lodged")
        .filter(complainant_id=profile.user_id)
        .select_related("enterprise")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    records = []
    for c in found:
        files = list(c.attachments.all())
        records.append(
            record(
                c,
                _("Complaint %(ref)s of %(d)s")
                % {
                    "ref": c.reference or c.pk,
                    "d": readable(timezone.localtime(c.created_at).date()),
                },
                [
                    "reference",
                    "created_at",
                    "kind",
                    "broker_name",
                    "broker_phone",
                    "complainant_name",
                    "complainant_phone",
                    "what_happened",
                    "amount_paid",
                    "amount_claimed",
                    "status",
                    "outcome",
                    "referred_to",
                    "amount_recovered",
                    "closed_at",
                ],
                extra=[
                    (
                        "enterprise",
                        capfirst(_("enterprise")),
                        c.enterprise.name if c.enterprise else None,
                        c.enterprise.name if c.enterprise else None,
                    ),
                    (
                        "attachments",
                        _("Files sent"),
                        [
                            {"name": a.original_name, "type": a.content_type, "size": a.size}
                            for a in files
                        ],
                        ", ".join(a.original_name or f"#{a.pk}" for a in files),
                    ),
                ],
            )
        )
    return Part(key="complaints", title=_("Complaints"), records=records)


def parts(profile: WorkerProfile) -> list[Part]:
    """Every part of the worker's data kept outside her profile, in a fixed order."""
    return [complaints(profile), *(source(profile) for source in SOURCES)]
