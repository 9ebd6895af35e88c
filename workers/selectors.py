"""Reads of worker data that more than one view needs."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.links import id_link
from accounts.models import Commune, ConsentText, Province, User
from accounts.text import digits, fold
from workers.models import (
    STEP_ORDER,
    Assignment,
    Case,
    CaseEvent,
    CaseNote,
    CheckIn,
    CounsellingSession,
    DeletionRequest,
    Document,
    DocumentType,
    FollowUp,
    PriorityGroupClaim,
    ProfileStep,
    Stage,
    WorkerProfile,
)
from workers.reference import PriorityGroup

PRIORITY_PROOF = "priority_proof"
LANGUAGE_CERTIFICATE = "language_certificate"


def consent_current() -> ConsentText | None:
    return ConsentText.objects.order_by("-version").first()


def consent_needed(user: User) -> ConsentText | None:
    """The consent text the user has still to accept, or None when they are up to date."""
    current = consent_current()
    if current is None or user.consents.filter(text=current).exists():
        return None
    return current


@dataclass
class ChecklistItem:
    type: DocumentType
    required: bool
    priority_group: str = ""
    documents: list[Document] = field(default_factory=list)

    @property
    def latest(self) -> Document | None:
        return self.documents[0] if self.documents else None

    @property
    def done(self) -> bool:
        return any(d.status == Document.Status.VERIFIED for d in self.documents)

    @property
    def label_suffix(self) -> str:
        return str(PriorityGroup(self.priority_group).label) if self.priority_group else ""


def document_checklist(profile: WorkerProfile) -> list[ChecklistItem]:
    """Every document the worker should send, with what was sent; two queries."""
    types = list(DocumentType.objects.all())
    by_id = {doc_type.pk: doc_type for doc_type in types}
    # Each document's type is one of those just read: set, not joined again.
    documents = list(profile.documents.order_by("-uploaded_at"))
    for document in documents:
        document.type = by_id[document.type_id]
    items: list[ChecklistItem] = []
    for doc_type in types:
        if doc_type.code == PRIORITY_PROOF:
            # One proof for each priority group the worker claims.
            for group in profile.priority_groups:
                items.append(ChecklistItem(doc_type, True, group))
            continue
        required = doc_type.required or (
            doc_type.code == LANGUAGE_CERTIFICATE
            and bool(profile.jlpt_level or profile.eps_topik_score)
        )
        items.append(ChecklistItem(doc_type, required))
    for item in items:
        item.documents = [
            d
            for d in documents
            if d.type_id == item.type.pk and d.priority_group == item.priority_group
        ]
    return items


@dataclass(frozen=True)
class Missing:
    kind: str  # "step", "document" (never sent) or "returned" (sent back to be fixed)
    code: str
    label: str  # a priority-group proof names its group: "Giấy xác nhận (Hộ nghèo)"
    anchor: str = ""  # the document's section on the documents page
    reason: str = ""  # what to fix, for a returned document


def checklist_anchor(item: ChecklistItem) -> str:
    return f"doc-{item.type.code}" + (f"-{item.priority_group}" if item.priority_group else "")


def whats_missing(profile: WorkerProfile, checklist: list[ChecklistItem]) -> list[Missing]:
    """What the worker should do next, most urgent first: steps, returned documents, then
    required documents not sent yet."""
    missing = [
        Missing("step", step, str(ProfileStep(step).label))
        for step in STEP_ORDER
        if step not in profile.steps_done
    ]
    returned, unsent = [], []
    for item in checklist:
        label = (
            f"{item.type.label} ({item.label_suffix})" if item.priority_group else item.type.label
        )
        if item.done:
            continue
        if item.latest is not None and item.latest.status == Document.Status.RETURNED:
            returned.append(
                Missing(
                    "returned", item.type.code, label, checklist_anchor(item),
                    item.latest.return_reason,
                )
            )  # fmt: skip
        elif item.required and not item.documents:
            unsent.append(Missing("document", item.type.code, label, checklist_anchor(item)))
    return missing + returned + unsent


@dataclass(frozen=True)
class FileProgress:
    """How far the file is, in words that cannot contradict each other: the profile's
    parts filled in, and the documents apart."""

    steps_done: int
    steps_total: int
    steps_left: list[Missing]
    returned: list[Missing]
    unsent: list[Missing]
    waiting: int  # documents sent and not checked yet

    @property
    def profile_complete(self) -> bool:
        return not self.steps_left

    @property
    def complete(self) -> bool:
        return not (self.steps_left or self.returned or self.unsent)


def file_progress(profile: WorkerProfile, checklist: list[ChecklistItem]) -> FileProgress:
    missing = whats_missing(profile, checklist)
    return FileProgress(
        steps_done=len(set(profile.steps_done) & set(STEP_ORDER)),
        steps_total=len(STEP_ORDER),
        steps_left=[m for m in missing if m.kind == "step"],
        returned=[m for m in missing if m.kind == "returned"],
        unsent=[m for m in missing if m.kind == "document"],
        waiting=sum(
            1
            for item in checklist
            if item.required
            and not item.done
            and item.latest is not None
            and item.latest.status == Document.Status.UPLOADED
        ),
    )


def deletion_requests_due(now: datetime.datetime) -> QuerySet[DeletionRequest]:
    """Requests whose erasure day (DeletionRequest.due_on, a local date) has come: the
    nightly job erases on the day the worker was told, not a day later."""
    days = settings.WORKER_DATA_RETENTION_DAYS
    # Asked before midnight (local) of this day: due today or earlier.
    day = timezone.localdate(now) - datetime.timedelta(days=days - 1)
    cutoff = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return DeletionRequest.objects.unscoped(
        "the nightly erasure: every province's due requests"
    ).filter(completed_at__isnull=True, requested_at__lt=cutoff)


def profile_export(profile: WorkerProfile) -> dict[str, object]:
    """Everything the portal keeps about the worker, for "download my data"."""
    user = profile.user
    data: dict[str, object] = {
        "account": {
            "name": user.name,
            "email": user.email,
            "phone": user.phone,
            "province": str(user.province) if user.province else None,
            "joined": user.date_joined.isoformat(),
            "language": user.language,
        },
        "consents": [
            {"version": c.text.version, "accepted_at": c.accepted_at.isoformat(), "how": c.method}
            for c in user.consents.select_related("text")
        ],
        "documents": [
            {
                "type": d.type.code,
                "status": d.status,
                "uploaded_at": d.uploaded_at.isoformat(),
                "valid_until": d.expires_on.isoformat() if d.expires_on else None,
                "return_reason": d.return_reason,
            }
            for d in profile.documents.select_related("type")
        ],
        # Which office asked to take over her file, and what she answered (her consent).
        "province_transfers": [
            {
                "from": str(t.from_province) if t.from_province else None,
                "to": str(t.to_province),
                "status": t.status,
                "asked_at": t.requested_at.isoformat(),
                "answered_at": t.closed_at.isoformat() if t.closed_at else None,
                "consent": t.consent or None,
            }
            for t in profile.transfers.select_related("from_province", "to_province")
        ],
    }
    profile_fields = {}
    for f in WorkerProfile._meta.concrete_fields:
        if f.name in {"id", "user", "created_by", "version"}:
            continue
        value = getattr(profile, f.attname)
        if isinstance(value, datetime.date | datetime.datetime):
            value = value.isoformat()
        profile_fields[f.attname] = value
    profile_fields["commune"] = str(profile.commune) if profile.commune_id else None
    profile_fields.pop("commune_id", None)
    profile_fields["priority_groups"] = profile.priority_groups
    data["profile"] = profile_fields
    return data


# The profile's fields in the order of the wizard, as the worker reads them on "my data".
READABLE_PROFILE_FIELDS = [
    "date_of_birth", "sex", "personal_id", "id_issued_on", "contact_note", "commune",
    "address_line", "old_address", "ethnicity", "priority_groups", "education",
    "vocational_skills", "jlpt_level", "eps_topik_score", "eps_topik_date", "other_languages",
    "desired_markets", "desired_occupations", "has_worked_abroad", "experience_abroad",
    "health_fit", "health_notes", "has_criminal_record", "id_problems", "steps_done",
    "created_at", "updated_at",
]  # fmt: skip


def _readable(value: object) -> str:
    """A value as a worker reads it: "Có"/"Không", dd/mm/yyyy, "—" for nothing."""
    from django.utils.formats import date_format

    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def profile_for_reading(profile: WorkerProfile) -> list[tuple[str, list[tuple[str, str]]]]:
    """Everything of "my data" as (section, [(label, value)]): labels and values as on the
    profile, names instead of codes. The JSON download (profile_export) keeps the codes."""
    from workers.identity import IdProblem
    from workers.reference import DESIRED_MARKETS

    user = profile.user
    languages = dict(settings.LANGUAGES)
    account = [
        (_("Full name"), user.name),
        (_("Email"), user.email),
        (_("Phone number"), user.display_phone),
        (_("Province or city"), user.province),
        (_("Joined on"), user.date_joined),
        (pgettext_lazy("of the pages", "Language"), languages.get(user.language, user.language)),
    ]
    markets = dict(DESIRED_MARKETS)
    id_problem_text = {
        IdProblem.PROVINCE: _("the first three digits are not a province code"),
        IdProblem.CENTURY_SEX: _("the fourth digit does not match the birth year and sex"),
        IdProblem.YEAR: _("the fifth and sixth digits are not the birth year"),
        IdProblem.LENGTH: _("not 12 digits"),
    }
    special: dict[str, object] = {
        "commune": profile.commune.name if profile.commune_id else None,  # type: ignore[union-attr]  # commune_id is checked first, without a query
        "priority_groups": [PriorityGroup(g).label for g in profile.priority_groups],
        "desired_markets": [markets.get(code, code) for code in profile.desired_markets],
        "steps_done": [ProfileStep(s).label for s in STEP_ORDER if s in profile.steps_done],
        "id_problems": [id_problem_text.get(p, p) for p in profile.id_problems],
    }
    labels = {
        "priority_groups": _("Priority groups"),
        "desired_markets": _("Where you want to work"),
        "steps_done": _("Parts of the profile filled in"),
        "id_problems": _("ID problems to review"),
        "created_at": _("File opened on"),
        "updated_at": _("Last changed on"),
    }
    fields = {f.name: f for f in WorkerProfile._meta.concrete_fields}
    rows = []
    for name in READABLE_PROFILE_FIELDS:
        field = fields.get(name)
        label = labels.get(name) or (field.verbose_name if field else name)
        if name in special:
            value = special[name]
        elif field is not None and field.choices:
            value = getattr(profile, f"get_{name}_display")()
        else:
            value = getattr(profile, name)
        rows.append((str(label)[:1].upper() + str(label)[1:], _readable(value)))
    consents = [
        (
            _("Version %(v)s") % {"v": c.text.version},
            f"{_readable(c.accepted_at)} · {c.get_method_display()}",
        )
        for c in user.consents.select_related("text")
    ]
    documents = [
        (
            d.type.label
            + (f" ({PriorityGroup(d.priority_group).label})" if d.priority_group else ""),
            " · ".join(
                str(part)
                for part in [
                    d.get_status_display(),
                    _("sent on %(d)s") % {"d": _readable(d.uploaded_at.date())},
                    _("valid until %(d)s") % {"d": _readable(d.expires_on)} if d.expires_on else "",
                    _("to fix: %(r)s") % {"r": d.return_reason} if d.return_reason else "",
                ]
                if part
            ),
        )
        for d in profile.documents.select_related("type")
    ]
    return [
        (str(_("Account")), [(str(k), _readable(v)) for k, v in account]),
        (str(_("File")), rows),
        (str(_("Consents")), [(str(k), v) for k, v in consents]),
        (str(_("Documents")), [(str(k), v) for k, v in documents]),
    ]


# --- Cases ----------------------------------------------------------------------------

CASELOAD_SORTS = {
    "updated": ["-updated_at", "-id"],
    "name": ["search_name", "id"],
    "opened": ["-opened_at", "-id"],
}


@dataclass(frozen=True)
class CaseloadFilters:
    scope: str = "all"  # "mine", "unassigned" or "all" of the user's province
    stage: str = ""
    commune: int | None = None
    market: int | None = None
    group: str = ""
    sex: str = ""
    follow_up_overdue: bool = False
    return_overdue: bool = False
    q: str = ""
    sort: str = "updated"


def caseload(user: User, filters: CaseloadFilters, today: datetime.date) -> QuerySet[Case]:
    """The cases a staff member may see, filtered and sorted; related rows joined once."""
    cases = Case.objects.for_user(user).select_related(
        "profile__user", "profile__commune", "assigned_to", "market"
    )
    if filters.scope == "mine":
        cases = cases.filter(assigned_to=user)
    elif filters.scope == "unassigned":
        cases = cases.filter(assigned_to__isnull=True)
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.commune:
        cases = cases.filter(commune_id=filters.commune)
    if filters.market:
        cases = cases.filter(market_id=filters.market)
    if filters.group:
        cases = cases.filter(
            Exists(
                PriorityGroupClaim.objects.filter(
                    profile_id=OuterRef("profile_id"), group=filters.group
                )
            )
        )
    if filters.sex:
        cases = cases.filter(sex=filters.sex)
    if filters.follow_up_overdue:
        cases = cases.filter(
            Exists(
                FollowUp.objects.unscoped(
                    "correlated to the caseload's cases, scoped above"
                ).filter(case=OuterRef("pk"), done_at__isnull=True, due_on__lt=today)
            )
        )
    if filters.return_overdue:
        cases = cases.return_overdue(today)
    query = filters.q.strip()
    if query:
        number = digits(query)
        if len(number) >= 9 and len(number) >= len(query.replace(" ", "")) - 3:
            # A personal ID (12 digits) or a phone number (0912…, +84 912…). Looked up apart:
            # an OR across the two joined tables defeats both unique indexes (a scan of a
            # million profiles, ~0.5 s).
            profiles = WorkerProfile.objects.unscoped("narrows the caseload, which is scoped above")
            cases = cases.filter(
                profile_id__in=[
                    *profiles.filter(personal_id=number).values_list("pk", flat=True),
                    *profiles.filter(user__phone="+84" + number[-9:]).values_list("pk", flat=True),
                ]
            )
        else:
            cases = cases.filter(search_name__contains=fold(query))
    return cases.order_by(*CASELOAD_SORTS.get(filters.sort, CASELOAD_SORTS["updated"]))


def follow_ups_due(user: User, today: datetime.date) -> QuerySet[FollowUp]:
    """The user's open follow-ups due today or overdue, oldest first."""
    return (
        FollowUp.objects.open()
        .for_user(user)
        .filter(assignee=user, due_on__lte=today)
        .select_related("case__profile__user")
        .order_by("due_on", "pk")
    )


#: Items of a case's timeline a page shows; older ones are a "see older" link away.
TIMELINE_PAGE = 20
#: The timeline's sources, in the order that breaks a tie of time (higher first).
_TIMELINE_KINDS = ("assignment", "check_in", "note", "session", "event")


@dataclass(frozen=True, slots=True)
class TimelinePage:
    """The newest items of a case's timeline before a cursor, newest first."""

    items: list[tuple[datetime.datetime, str, object]]
    older: str  # the cursor of the next (older) page, or "" at the start of the history
    newer: bool  # True when newer items exist (this page was opened with a cursor)


def _timeline_key(at: datetime.datetime, kind: str, pk: int) -> tuple[int, int, int]:
    micros = (at - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)) // datetime.timedelta(
        microseconds=1
    )
    return (micros, _TIMELINE_KINDS.index(kind), pk)


def timeline_cursor(key: tuple[int, int, int]) -> str:
    return "-".join(str(part) for part in key)


def timeline_cursor_parse(text: str | None) -> tuple[int, int, int] | None:
    """The (microseconds, kind, id) of a cursor from the address, or None if there is none
    or it is malformed (the page then shows the newest items)."""
    parts = (text or "").split("-")
    if len(parts) != 3 or not all(part.isdigit() and len(part) < 19 for part in parts):
        return None
    micros, kind, pk = (int(part) for part in parts)
    return (micros, kind, pk) if kind < len(_TIMELINE_KINDS) else None


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column  # a column, not a relation's other side
    return field.column


def _with_provinces(events: list[CaseEvent]) -> None:
    """The provinces a move between provinces names, read in one query when the page has
    such a move. Joined to every event read instead, they cost 0.3 ms of every case page,
    and few pages show a move."""
    moves = [event for event in events if event.to_province_id is not None]
    if not moves:
        return
    ids = {event.to_province_id for event in moves} | {event.from_province_id for event in moves}
    provinces = Province.objects.in_bulk([pk for pk in ids if pk is not None])
    for event in moves:
        event.from_province = provinces.get(event.from_province_id)  # None when none
        event.to_province = provinces.get(event.to_province_id)


def case_timeline(
    case: Case, *, before: tuple[int, int, int] | None = None, limit: int = TIMELINE_PAGE
) -> TimelinePage:
    """Moves, sessions, notes, check-ins and assignments of a case, newest first, at most
    `limit` of them older than the cursor `before`.

    Keyset, in two steps: one query picks the page's (kind, id) from the five sources
    (each reads at most `limit + 1` keys off its (case, time) index), then each kind on
    the page is read with its people, by id. A page costs the same at 5 items or 5,000:
    one query and a query per kind shown (and one for the provinces when a move between
    provinces is shown), and only the rows it shows are built."""
    # (model, the people each line names, its time)
    sources: dict[str, tuple[type[models.Model], tuple[str, ...], str]] = {
        "event": (CaseEvent, ("actor",), "at"),  # and the provinces of a move, below
        "session": (CounsellingSession, ("counsellor",), "held_at"),
        "note": (CaseNote, ("author",), "at"),
        "check_in": (CheckIn, ("by",), "at"),
        "assignment": (Assignment, ("assigned_to", "assigned_by"), "at"),
    }
    quote = connection.ops.quote_name
    branches: list[str] = []
    params: list[Any] = []
    for kind, (model, _related, field_name) in sources.items():
        rank = _TIMELINE_KINDS.index(kind)
        column = quote(_column(model, field_name))
        where = [f"{quote(_column(model, 'case'))} = %s"]
        params.append(case.pk)
        if before is not None:
            at = connection.ops.adapt_datetimefield_value(
                datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
                + datetime.timedelta(microseconds=before[0])
            )
            if rank < before[1]:  # same time: this kind comes after the cursor's
                where.append(f"{column} <= %s")
                params.append(at)
            elif rank > before[1]:
                where.append(f"{column} < %s")
                params.append(at)
            else:
                where.append(f"({column} < %s OR ({column} = %s AND {quote('id')} < %s))")
                params.extend([at, at, before[2]])
        branches.append(
            f"SELECT * FROM (SELECT {rank} AS k, {quote('id')} AS id, {column} AS t "  # noqa: S608 - quoted names of the models, values as parameters
            f"FROM {quote(model._meta.db_table)} WHERE {' AND '.join(where)} "
            f"ORDER BY {column} DESC, {quote('id')} DESC LIMIT {limit + 1}) AS b{rank}"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(branches) + f" ORDER BY t DESC, k DESC, id DESC LIMIT {limit + 1}",
            params,
        )
        keys = [(_TIMELINE_KINDS[k], pk) for k, pk, _t in cursor.fetchall()]
    shown = keys[:limit]
    rows: dict[tuple[str, int], object] = {}
    for kind in dict.fromkeys(kind for kind, _pk in shown):
        model, related, _field_name = sources[kind]
        ids = [pk for shown_kind, pk in shown if shown_kind == kind]
        # By id alone: the ids are the case's own (above). With the case's condition as
        # well, the plan PostgreSQL keeps for a prepared statement (made for any case)
        # walked every row of a long history to find the page's 20.
        found = list(model._base_manager.select_related(*related).filter(pk__in=ids))
        if kind == "event":
            _with_provinces(found)  # type: ignore[arg-type]  # the events' rows
        rows.update(((kind, row.pk), row) for row in found)
    items = [
        (getattr(row, sources[kind][2]), kind, row)
        for kind, pk in shown
        if (row := rows.get((kind, pk))) is not None  # gone between the two reads
    ]
    older = ""
    if len(keys) > limit and items:
        at, kind, row = items[-1]
        older = timeline_cursor(_timeline_key(at, kind, row.pk))  # type: ignore[attr-defined]  # every source is a model
    return TimelinePage(items=items, older=older, newer=before is not None)


#: Follow-ups done that the case page still lists (the open ones are all there).
FOLLOW_UPS_DONE_SHOWN = 5


def case_follow_ups(case: Case) -> list[FollowUp]:
    """What needs doing on a case (all of it, soonest due first), then the latest few done.

    In two steps, as the timeline: one plain statement picks the ids (the open ones, and
    the latest done off the case's rows), then the rows are read by id with their
    assignees, only when there are any. Built by the ORM as one query with the done ones
    in a subquery, it cost 1.2 ms of the case page, half of it building the subquery; the
    ids cost 0.15 ms."""
    quote = connection.ops.quote_name
    table, case_id = quote(FollowUp._meta.db_table), quote(_column(FollowUp, "case"))
    done_at, pk = quote(_column(FollowUp, "done_at")), quote("id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk} FROM {table} WHERE {case_id} = %s AND {done_at} IS NULL "  # noqa: S608 - quoted names of the model, values as parameters
            f"UNION ALL SELECT * FROM (SELECT {pk} FROM {table} WHERE {case_id} = %s "
            f"AND {done_at} IS NOT NULL ORDER BY {done_at} DESC, {pk} DESC "
            f"LIMIT {FOLLOW_UPS_DONE_SHOWN}) AS done",
            [case.pk, case.pk],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    rows = list(FollowUp._base_manager.filter(pk__in=ids).select_related("assignee"))
    open_ = sorted((f for f in rows if f.done_at is None), key=lambda f: (f.due_on, f.pk))
    done = sorted(
        (f for f in rows if f.done_at is not None), key=lambda f: (f.done_at, f.pk), reverse=True
    )
    return [*open_, *done]


#: A list's count from which it is kept a minute (DASHBOARD_CACHE_SECONDS) rather than
#: counted on every visit; a shorter list is counted each time, exactly.
COUNT_KEPT_FROM = 1000


def count_key(user: User, what: str, *conditions: object) -> str | None:
    """Where a count is kept a minute (a long list's, the staff home's workers): one key
    for everyone who sees the same rows (the staff of a province, or every admin) under
    the same conditions. None: not kept (DASHBOARD_CACHE_SECONDS is 0)."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return None
    scope = "all" if user.is_admin else f"p{user.province_id}"
    digest = hashlib.sha256(repr(conditions).encode()).hexdigest()[:32]
    return f"count:v1:{what}:{scope}:{digest}"


class IdFirstPaginator(Paginator):
    """Fetches a page's ids first, then their rows with the joins.

    With a million cases, OFFSET over the joined rows walks every skipped row through the
    joins; over the ids alone it walks the caseload index only. `rows` reads the lines of
    a list of ids, in that order.

    With a `count_key` (count_key()), a count of COUNT_KEPT_FROM or more is kept a minute:
    PostgreSQL counts a province's cases in 1.2 ms at 17,000 and 6.7 ms at 167,000, the
    largest province's whole caseload page then past 8x the trivial view. Such a total
    ("16.686 hồ sơ", the number of pages) may be a minute old; the rows never are.
    """

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        rows: Callable[[list[int]], list[Any]],
        count_key: str | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows = rows
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        kept = cache.get(self.count_key) if self.count_key else None
        if isinstance(kept, int):
            return kept
        counted: int = Paginator.count.func(self)  # type: ignore[attr-defined]  # Django's cached_property keeps the function
        if self.count_key and counted >= COUNT_KEPT_FROM:
            cache.set(self.count_key, counted, settings.DASHBOARD_CACHE_SECONDS)
        return counted

    def get_page(self, number: Any) -> Page:
        """As Django's, except that the first page reads its ids before anything is counted:
        when it is not full (a search that finds a few people), they are the count, and the
        count (which costs PostgreSQL as much as the search itself) is not asked."""
        if number not in (None, "", 1, "1"):
            return super().get_page(number)
        ids = self._ids(1)
        if len(ids) < self.per_page:
            self.__dict__["count"] = len(ids)  # Paginator.count is a cached_property
        return self._get_page(self.rows(ids), 1, self)  # type: ignore[attr-defined]  # Django's own page hook, reused on purpose

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        return self._get_page(self.rows(self._ids(number)), number, self)  # type: ignore[attr-defined]  # Django's own page hook, reused on purpose

    def _ids(self, number: int) -> list[int]:
        bottom = (number - 1) * self.per_page
        return list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])  # type: ignore[attr-defined]  # this paginator is only given QuerySets


def ordered_like[Row](
    ids: list[int], rows: Iterable[Row], key: Callable[[Row], int] = attrgetter("pk")
) -> list[Row]:
    """`rows` in the order of `ids`; an id whose row went between the two reads is left out."""
    found = {key(row): row for row in rows}
    return [found[pk] for pk in ids if pk in found]


def in_order(queryset: QuerySet[Any], ids: list[int]) -> list[Any]:
    """The rows of `queryset` with these ids, in this order: an IdFirstPaginator's `rows`."""
    return ordered_like(ids, queryset.order_by().filter(pk__in=ids))


def profiles_of_cases(case_ids: list[int]) -> list[WorkerProfile]:
    """The workers of these cases, in this order, with their account and commune."""
    profiles = (
        WorkerProfile.objects.unscoped("ids from a list its caller scoped")
        .filter(case__in=case_ids)
        .select_related("user", "commune", "case")
    )
    return ordered_like(case_ids, profiles, key=lambda profile: profile.case.pk)


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One line of the caseload."""

    case_id: int
    url: str
    name: str
    id_to_check: bool
    stage: str
    commune: str
    market: str
    counsellor: str


def caseload_rows(
    case_ids: list[int], *, communes: Mapping[int, str], markets: Mapping[int, str]
) -> list[CaseloadRow]:
    """The caseload lines of these cases, in this order, as plain values. Names of communes
    and markets come from the filter's lists, counsellors' from one small query: joining
    their tables tripled the time PostgreSQL took to plan the query."""
    columns = ["pk", "profile_id", "profile__user__name", "profile__id_problems", "stage"]
    columns += ["commune_id", "market_id", "assigned_to_id"]
    found = (
        Case.objects.unscoped("ids from the caseload, scoped by its caller")
        .filter(pk__in=case_ids)
        .values_list(*columns)
    )
    rows = ordered_like(case_ids, found, key=itemgetter(0))
    missing = {row[5] for row in rows if row[5] is not None} - communes.keys()
    if missing:  # a case whose commune is not of the user's province: an admin's view
        others = Commune.objects.filter(pk__in=missing).values_list("pk", "name")
        communes = {**communes, **dict(others)}
    counsellors = {
        pk: User.label(pk, *names)
        for pk, *names in User.objects.filter(
            pk__in={row[7] for row in rows if row[7] is not None}
        ).values_list("pk", "name", "email", "phone")
    }
    labels = {value: str(label) for value, label in Stage.choices}
    link = id_link("workers:staff_worker")
    return [
        CaseloadRow(
            case_id=pk,
            url=link(profile_id),
            name=name,
            id_to_check=bool(id_problems),
            stage=labels.get(stage, stage),
            commune=communes.get(commune, "—"),
            market=markets.get(market, "—"),
            counsellor=counsellors.get(counsellor, "—"),
        )
        for pk, profile_id, name, id_problems, stage, commune, market, counsellor in rows
    ]


PIPELINE: list[str] = [
    Stage.REGISTERED, Stage.COUNSELLED, Stage.PREPARING, Stage.DOCUMENTS_READY,
    Stage.CONTRACTED, Stage.DEPARTED, Stage.RETURNED, Stage.REINTEGRATED,
]  # fmt: skip

NEXT_STEP = {
    Stage.REGISTERED: _("A counsellor of the centre will contact you to talk about your plans."),
    Stage.COUNSELLED: _(
        "Prepare: language classes, skills and orientation. Ask which support you can get."
    ),
    Stage.PREPARING: _("Send your documents: a counsellor checks each one."),
    Stage.DOCUMENTS_READY: _("The centre helps you meet licensed enterprises at job fairs."),
    Stage.CONTRACTED: _("Get ready to leave: check your documents' dates and the deposit."),
    Stage.DEPARTED: _("Keep in touch with the centre. If you have a problem, call the hotline."),
    Stage.LEFT_CONTRACT: _(
        "If you need help to work legally again or to come home, call the hotline or the "
        "centre: we help you."
    ),
    Stage.RETURNED: _("Tell the centre what you need now: a job, a loan or training."),
    Stage.REINTEGRATED: _("Welcome home. The centre is still here if you need advice."),
    Stage.ON_HOLD: _("Your file is on hold. Contact the centre when you are ready."),
    Stage.WITHDRAWN: _("Your file is closed. You can come back to the centre at any time."),
}


@dataclass(frozen=True)
class TimelineStep:
    label: str
    on: datetime.date | None
    state: str  # "done", "current" or "todo"


def worker_timeline(case: Case) -> list[TimelineStep]:
    """The main stages, with the day each was reached, for the worker's own page."""
    reached: dict[str, datetime.datetime] = {}
    for to_stage, reached_at in case.events.values_list("to_stage", "at"):
        reached.setdefault(to_stage, reached_at)
    position = PIPELINE.index(case.stage) if case.stage in PIPELINE else -1
    if position < 0 and case.held_from in PIPELINE:
        position = PIPELINE.index(case.held_from)
    if case.stage == Stage.LEFT_CONTRACT:  # still abroad: shown at "working abroad"
        position = PIPELINE.index(Stage.DEPARTED)
    steps = []
    for index, stage in enumerate(PIPELINE):
        at = reached.get(stage)
        day = timezone.localtime(at).date() if at else None
        if stage == Stage.REGISTERED:
            day = timezone.localtime(case.opened_at).date()
        state = "done" if index < position else "current" if index == position else "todo"
        steps.append(TimelineStep(str(Stage(stage).label), day, state))
    return steps


EXCHANGE_RELATED = ("profile__user", "province", "commune", "market", "programme", "enterprise")
# Only the columns the exchange record carries: a page of 500 with every column of the
# profile and the account (free texts, password hash) took twice as long to read.
EXCHANGE_FIELDS = (
    *("version", "updated_at", "stage", "contract_start", "contract_end", "departure_date"),
    *("return_date", "left_contract_on", "province__code", "commune__code", "market__code"),
    *("programme__code", "enterprise__licence_number", "profile__personal_id"),
    *("profile__date_of_birth", "profile__sex", "profile__ethnicity", "profile__health_fit"),
    *("profile__has_criminal_record", "profile__user__name", "profile__id_check"),
    "profile__id_checked_at",
)


def cases_for_exchange(province_id: int | None) -> QuerySet[Case]:
    """Cases as another system reads them: one province's, or every province's (None)."""
    cases = (
        Case.objects.unscoped(
            "the exchange: one province's or, for a national client, every province's"
        )
        .select_related(*EXCHANGE_RELATED)
        .only(*EXCHANGE_FIELDS)
    )
    if province_id is not None:
        cases = cases.filter(province_id=province_id)
    return cases


# The exchange file also names the places, the market and the enterprise in words.
EXCHANGE_FILE_FIELDS = (
    *EXCHANGE_FIELDS,
    *("province__name", "commune__name", "market__name_vi", "enterprise__name"),
)


def exchange_departures_returns(
    *, province_id: int | None, first: datetime.date, last: datetime.date
) -> QuerySet[Case]:
    """Cases that left the country or came back between `first` and `last` (both included),
    one province's or every province's (None), by departure date: the ministry's exchange
    file and the API's /exchange/departures read this one query."""
    return (
        cases_for_exchange(province_id)
        .only(*EXCHANGE_FILE_FIELDS)
        .filter(Q(departure_date__range=(first, last)) | Q(return_date__range=(first, last)))
        .order_by("departure_date", "pk")
    )


@dataclass(frozen=True)
class ExchangeRow:
    """One line of the exchange file: who left or came back, where from, with whom."""

    case_id: int
    name: str
    personal_id: str
    sex: str  # "male" / "female" / ""
    date_of_birth: datetime.date | None
    commune: str
    province: str
    market: str
    enterprise: str
    enterprise_licence: str
    departure_date: datetime.date | None
    contract_months: int | None
    return_date: datetime.date | None


def contract_months(start: datetime.date | None, end: datetime.date | None) -> int | None:
    """The contract's length in whole months, rounded (10/01/2026 to 09/01/2029: 36)."""
    if start is None or end is None or end < start:
        return None
    return round(((end - start).days + 1) / (365.25 / 12))


def exchange_rows(cases: Iterable[Case]) -> list[ExchangeRow]:
    """The exchange file's lines, from exchange_departures_returns()."""
    rows = []
    for case in cases:
        profile = case.profile
        rows.append(
            ExchangeRow(
                case_id=case.pk,
                name=profile.user.name,
                personal_id=profile.personal_id or "",
                sex=profile.sex,
                date_of_birth=profile.date_of_birth,
                commune=case.commune.name if case.commune else "",
                province=case.province.name if case.province else "",
                market=case.market.name_vi if case.market else "",
                enterprise=case.enterprise.name if case.enterprise else "",
                enterprise_licence=case.enterprise.licence_number if case.enterprise else "",
                departure_date=case.departure_date,
                contract_months=contract_months(case.contract_start, case.contract_end),
                return_date=case.return_date,
            )
        )
    return rows


def case_changes(
    *,
    province_id: int | None,
    after: tuple[datetime.datetime, int] | None,
    until: datetime.datetime,
    limit: int,
) -> list[Case]:
    """Cases changed after the cursor (updated_at, id), oldest first, none after `until`.

    Keyset, never offset: each page starts from the last row of the one before, so the
    thousandth page costs what the first does, and a row changed meanwhile moves to the
    end of the feed (it is read again, with its new version) instead of shifting the rows
    after it out of a page.
    """
    cases = cases_for_exchange(province_id).filter(updated_at__lte=until)
    if after is not None:
        at, pk = after
        # Not "updated_at > at OR (updated_at = at AND id > pk)": PostgreSQL cannot seek an
        # index with that OR and read the feed from its start, 26 ms at 25,000 rows in and
        # growing with every page. A range from `at`, less the few rows tied before the
        # cursor, seeks straight to it (0.1 ms).
        cases = cases.filter(updated_at__gte=at).exclude(updated_at=at, pk__lte=pk)
    return list(cases.order_by("updated_at", "pk")[:limit])


def priority_groups_of(profile_ids: Iterable[int]) -> dict[int, list[str]]:
    """The priority groups each profile claims, in one query."""
    groups: dict[int, list[str]] = {}
    claims = PriorityGroupClaim.objects.filter(profile_id__in=list(profile_ids))
    for profile_id, group in claims.order_by("pk").values_list("profile_id", "group"):
        groups.setdefault(profile_id, []).append(group)
    return groups


def province_moves(
    *, from_province_id: int | None, after_id: int | None, until: datetime.datetime, limit: int
) -> list[CaseEvent]:
    """Workers moved out of a province (or out of any, None), oldest first, keyset on id.

    A provincial system no longer reads a worker who moved away (the case is the new
    province's): this is how it learns to let go of its copy.
    """
    events = CaseEvent.objects.filter(from_province__isnull=False, at__lte=until)
    if from_province_id is not None:
        events = events.filter(from_province_id=from_province_id)
    if after_id is not None:
        events = events.filter(pk__gt=after_id)
    events = events.select_related("from_province", "to_province", "transfer")
    return list(events.order_by("pk")[:limit])
