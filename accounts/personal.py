"""Personal data: which fields of which tables hold a person's data, and how each is erased.

Every model that can hold a person's data says so in one declaration, `personal_data`, a
class attribute (third-party models are declared in EXTERNAL below): how to find the rows
of one person (`rows`), and for each field that can hold their data how it is erased.
`erase_subject` walks every model of the project through Django's app registry, so an
erasure reaches a table added later without anyone editing the job; and
tests/accounts/test_personal_data.py fails when a model has a field that looks personal
(a name, phone, ID, birth date, address, bank, email, free text about a person) and does
not declare it.

How a field is erased:

- DELETE: the whole row goes, with its files (the row is about the person and nothing the
  law asks to keep depends on it).
- BLANK: the field is emptied (its default, or NULL).
- REDACT: free text written about the person (a counsellor's outcome, a reason) is
  replaced by a marker, whatever it says: a pattern cannot find a nickname or a relative
  named in it, so it is not searched but removed with the person.
- SCRUB: text that is about something else (a recruiter's demands, a message to staff, an
  export's filters) keeps its words, but every mention of the person (her names, phone
  numbers, emails, ID numbers) is replaced by the marker.
- KEEP: kept, and the declaration says why (a fact the law asks to keep, such as an amount
  paid, that no longer names anyone once the other fields are gone).

Files are not deleted in the transaction that erases the rows (a rollback cannot bring a
file back): their names are queued in PendingFileDeletion in that transaction, and removed
through Django's storage API after it commits, each reported; one that cannot be removed
stays queued and is tried again by every later run of the erasure job.
"""

from __future__ import annotations

import datetime
import enum
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.text import fold

log = logging.getLogger(__name__)

MARKER = "[đã xoá]"  # "erased": what staff see where the person's words were


class How(enum.StrEnum):
    DELETE = "delete"
    BLANK = "blank"
    REDACT = "redact"
    SCRUB = "scrub"
    KEEP = "keep"


@dataclass(frozen=True)
class Subject:
    """The person being erased, as the rows that name her can be found."""

    user_id: int
    profile_id: int | None = None
    case_id: int | None = None
    names: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()  # every written form: +84…, 0…, "0912 345 678"
    emails: frozenset[str] = frozenset()
    personal_ids: frozenset[str] = frozenset()

    def terms(self) -> list[str]:
        """What a mention of her looks like in text, longest first; short ones are left out
        (two letters would match half the database)."""
        found = {*self.names, *(fold(n) for n in self.names), *self.phones, *self.emails}
        found |= set(self.personal_ids)
        return sorted((t for t in found if len(t) >= 5), key=len, reverse=True)

    def mentions(self, *fields: str) -> Q:
        """Rows whose `fields` mention her (case-insensitive)."""
        query = Q(pk__in=[])
        for name in fields:
            for term in self.terms():
                query |= Q(**{f"{name}__icontains": term})
        return query


@dataclass(frozen=True)
class PersonalData:
    """A model's declaration: how to find one person's rows, and how each field is erased."""

    fields: Mapping[str, How] = field(default_factory=dict)
    rows: Callable[[Subject], Q] | None = None  # None: reached through a parent's cascade
    delete_row: bool = False
    why: str = ""
    # Reference data written by staff about no one in particular (a market, a fair, a
    # licensed company): its names and phones are not a person's. Nothing is erased.
    reference: bool = False
    # After the fields are erased: what else the rows need (a fair ticket is cancelled).
    after: Callable[[models.QuerySet[Any], datetime.datetime], None] | None = None


def reference(why: str) -> PersonalData:
    return PersonalData(reference=True, why=why)


# Models of Django and allauth, which cannot carry the attribute themselves.
EXTERNAL: dict[str, PersonalData] = {
    "admin.LogEntry": PersonalData(
        fields={"object_repr": How.SCRUB, "change_message": How.SCRUB},
        rows=lambda s: Q(pk__in=[]),  # an administrator's log: only mentions of her go
        why="An administrator's change log names the person changed.",
    ),
    "account.EmailAddress": PersonalData(
        fields={"email": How.DELETE}, rows=lambda s: Q(user_id=s.user_id), delete_row=True
    ),
    "account.EmailConfirmation": PersonalData(
        fields={"email_address": How.DELETE}, why="Deleted with its email address (cascade)."
    ),
    "usersessions.UserSession": PersonalData(
        fields={"ip": How.DELETE, "user_agent": How.DELETE, "data": How.DELETE},
        rows=lambda s: Q(user_id=s.user_id),
        delete_row=True,
    ),
    "mfa.Authenticator": PersonalData(
        fields={"data": How.DELETE}, rows=lambda s: Q(user_id=s.user_id), delete_row=True
    ),
    "sessions.Session": PersonalData(
        fields={"session_data": How.DELETE},
        why="Signed session data; the account is made unusable and its sessions expire.",
    ),
    "auth.Group": reference("Names of staff groups."),
    "auth.Permission": reference("Names of permissions."),
    "contenttypes.ContentType": reference("Names of tables."),
}


def declaration(model: type[models.Model]) -> PersonalData | None:
    own = model.__dict__.get("personal_data")
    return own if isinstance(own, PersonalData) else EXTERNAL.get(model._meta.label)


def _blank(model_field: models.Field[Any, Any]) -> Any:
    if model_field.null:
        return None
    return model_field.get_default()


def scrub(value: Any, terms: Iterable[str]) -> Any:
    """`value` with every mention of `terms` replaced by the marker (text, or JSON)."""
    if isinstance(value, str):
        for term in terms:
            value = re.sub(re.escape(term), MARKER, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, dict):
        return {k: scrub(v, terms) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, terms) for v in value]
    return value


@dataclass
class Erased:
    """What one erasure did: rows per table and action, files queued."""

    rows: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def _storage_alias(model_field: models.FileField) -> str:
    for alias in storages.backends:
        if storages[alias] is model_field.storage:
            return alias
    return "default"


def _queue_files(queryset: models.QuerySet[Any], names: list[str], done: Erased) -> None:
    from accounts.models import PendingFileDeletion

    for name in names:
        model_field = queryset.model._meta.get_field(name)
        alias = _storage_alias(model_field)
        for stored in queryset.exclude(**{name: ""}).values_list(name, flat=True):
            PendingFileDeletion.objects.create(name=stored, storage=alias)
            done.files.append(stored)


def _scrubbed_text_fields(model: type[models.Model], declared: PersonalData) -> list[str]:
    return [
        name
        for name, how in declared.fields.items()
        if how == How.SCRUB and not isinstance(model._meta.get_field(name), models.JSONField)
    ]


def erase_subject(subject: Subject, *, now: datetime.datetime) -> Erased:
    """Erase one person from every declared table, in the caller's transaction; files are
    queued for `files_delete_pending`, to run after the commit.

    Her rows (`rows`) are deleted, blanked and redacted as declared; SCRUB fields are
    cleaned wherever they mention her, in her rows and in anyone else's (a report filed by
    somebody else that names her loses her name, not its reporter)."""
    done = Erased()
    terms = subject.terms()
    # First find every row, then change them: a row found through another (an interview
    # through its ticket) must be found before that other loses the phone that names her.
    found: list[tuple[type[models.Model], PersonalData, list[Any], list[Any]]] = []
    for model in apps.get_models():
        declared = declaration(model)
        if declared is None or declared.rows is None or declared.reference:
            continue
        manager = model._default_manager
        pks = list(manager.filter(declared.rows(subject)).values_list("pk", flat=True))
        text = _scrubbed_text_fields(model, declared)
        mentioning = (
            list(manager.filter(subject.mentions(*text)).values_list("pk", flat=True))
            if text and not declared.delete_row
            else []
        )
        if pks or mentioning:
            found.append((model, declared, pks, sorted(set(pks) | set(mentioning))))
    for model, declared, pks, scrub_pks in found:
        queryset = model._default_manager.filter(pk__in=pks)
        label = model._meta.label
        files = [
            name
            for name in declared.fields
            if isinstance(model._meta.get_field(name), models.FileField)
        ]
        if declared.delete_row:
            _queue_files(queryset, files, done)
            queryset.delete()
            done.rows[f"{label}: deleted"] = len(pks)
            continue
        if declared.after is not None and pks:
            declared.after(queryset, now)
        changes = {}
        for name, how in declared.fields.items():
            model_field = model._meta.get_field(name)
            if how == How.BLANK:
                changes[name] = _blank(model_field)  # type: ignore[arg-type]  # a concrete field of the model, never a reverse relation
            elif how == How.REDACT:
                changes[name] = MARKER
        changed: set[Any] = set()
        if changes and pks:
            queryset.update(**changes)
            changed |= set(pks)
        scrubbed = [name for name, how in declared.fields.items() if how == How.SCRUB]
        if scrubbed:
            for row in model._default_manager.filter(pk__in=scrub_pks).only("pk", *scrubbed):
                before = [getattr(row, name) for name in scrubbed]
                after = [scrub(value, terms) for value in before]
                if after != before:
                    for name, value in zip(scrubbed, after, strict=True):
                        setattr(row, name, value)
                    row.save(update_fields=scrubbed)
                    changed.add(row.pk)
        if changed:
            done.rows[f"{label}: erased"] = len(changed)
    return done


@dataclass
class FileReport:
    deleted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def files_delete_pending(*, now: datetime.datetime | None = None) -> FileReport:
    """Delete the queued files through their storage; each one deleted is reported and
    forgotten, each one that failed stays queued with its error, for the next run."""
    from accounts.models import PendingFileDeletion

    report = FileReport()
    for pending in PendingFileDeletion.objects.order_by("pk"):
        try:
            storages[pending.storage].delete(pending.name)
        except Exception as exc:  # any storage error: kept, and retried by the next run
            PendingFileDeletion.objects.filter(pk=pending.pk).update(
                attempts=models.F("attempts") + 1,
                last_error=str(exc)[:500],
                last_tried_at=now or timezone.now(),
            )
            report.failed.append((pending.name, str(exc)))
            log.warning("erasure: file %s could not be deleted: %s", pending.name, exc)
            continue
        PendingFileDeletion.objects.filter(pk=pending.pk).delete()
        report.deleted.append(pending.name)
        log.info("erasure: file %s deleted", pending.name)
    return report


def after_commit_delete_files() -> None:
    transaction.on_commit(files_delete_pending)
