"""The versioned API for the national systems, /api/v1/ (docs/api.md).

It reads through the apps' selectors and writes through their services, never through
their models, so the API and the pages cannot disagree.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from accounts.models import Province
from accounts.spreadsheets import XLSX
from accounts.transitions import TransitionRefused
from api import schemas
from api.models import ApiClient, Scope
from api.services import (
    KeyReused,
    api_case_move,
    api_client_authenticate,
    api_client_retry_after,
    api_client_within_rate,
    api_request_cases_read,
    api_request_log,
)
from markets import importing as register
from markets.selectors import enterprise_list, market_codes
from markets.services import enterprise_register_apply
from reports import exchange
from reports.selectors import Period, latest_run, period_counts
from workers.models import Case, Stage
from workers.selectors import (
    case_changes,
    cases_for_exchange,
    priority_groups_of,
    province_moves,
)
from workers.services import GuardRefused, StaleCase

PAGE_DEFAULT = 500
PAGE_MAX = 1000


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class ClientToken(HttpBearer):
    """Authorization: Bearer <token>; every accepted call is counted and logged."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        client = api_client_authenticate(token=token)
        if client is not None:
            if not api_client_within_rate(client=client):
                raise RateLimited(api_client_retry_after(client=client))
            request.api_log = api_request_log(client=client, request=request)  # type: ignore[attr-defined]  # set on the request by the API's auth
        return client


class PortalAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        # Personal data: no proxy or client cache keeps a copy.
        response["Cache-Control"] = "no-store"
        return response


api = PortalAPI(
    title="MRC portal API",
    version="1",
    description="Workers, cases and the licensed-enterprise register for the national "
    "systems. See docs/api.md.",
    auth=ClientToken(),
    urls_namespace="api-v1",
    docs_url=None,
)


def _problem(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    response = api.create_response(
        request,
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
    )
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _problem(
        request, 401, "Unauthorized", "A valid bearer token of an active client is needed."
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _problem(
        request,
        429,
        "Too Many Requests",
        f"At most {settings.API_RATE_PER_MINUTE} requests a minute per client.",
    )
    assert isinstance(exc, RateLimited)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    titles = {
        400: "Bad Request",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        422: "Unprocessable Content",
    }
    return _problem(request, exc.status_code, titles.get(exc.status_code, "Error"), str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _problem(request, 404, "Not Found", "No such record for this client.")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg', '')}" for e in exc.errors
    )
    return _problem(request, 400, "Bad Request", detail)


def _client(request: HttpRequest, scope: str) -> ApiClient:
    client: ApiClient = request.auth  # type: ignore[attr-defined]  # ninja sets request.auth after the key check
    if not client.has_scope(scope):
        raise HttpError(403, f"This client lacks the scope {scope}.")
    return client


def _record(case: Case, groups: dict[int, list[str]] | None) -> dict[str, Any]:
    profile = case.profile
    status_abroad: dict[str, str] = {
        Stage.DEPARTED: "working",
        Stage.LEFT_CONTRACT: "left_contract",
    }
    sensitive = None
    if groups is not None:
        sensitive = {
            "ethnicity": profile.ethnicity,
            "health_fit": profile.health_fit,
            "has_criminal_record": profile.has_criminal_record,
            "priority_groups": groups.get(profile.pk, []),
        }
    return {
        "id": case.pk,
        "version": case.version,
        "updated_at": case.updated_at,
        "worker": {
            "name": profile.user.name,
            "personal_id": profile.personal_id,
            "date_of_birth": profile.date_of_birth,
            "sex": profile.sex,
            "id_check": profile.id_check,
            "id_checked_at": profile.id_checked_at,
        },
        "province": case.province.code if case.province else None,
        "commune": case.commune.code if case.commune else None,
        "stage": case.stage,
        "market": case.market.code if case.market else None,
        "programme": case.programme.code if case.programme else None,
        "enterprise": case.enterprise.licence_number if case.enterprise else None,
        "contract_start": case.contract_start,
        "contract_end": case.contract_end,
        "departure_date": case.departure_date,
        "expected_return": case.expected_return,
        "return_date": case.return_date,
        "status_abroad": status_abroad.get(case.stage),
        "left_contract_on": case.left_contract_on,
        "sensitive": sensitive,
    }


def _records(request: HttpRequest, client: ApiClient, cases: list[Case]) -> list[dict[str, Any]]:
    groups = None
    if client.has_scope(Scope.WORKERS_SENSITIVE):
        groups = priority_groups_of(case.profile_id for case in cases)
    api_request_cases_read(entry=request.api_log, case_ids=[c.pk for c in cases])  # type: ignore[attr-defined]  # set on the request by the API's auth
    return [_record(case, groups) for case in cases]


def _encode(*parts: object) -> str:
    raw = "|".join(str(p) for p in parts).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, count: int) -> list[str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise HttpError(400, "The cursor is not one this API gave.") from None
    parts = raw.split("|")
    if len(parts) != count:
        raise HttpError(400, "The cursor is not one this API gave.")
    return parts


def _case_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    at, pk = _decode(cursor, 2)
    try:
        when = datetime.datetime.fromisoformat(at)
        return when, int(pk)
    except ValueError:
        raise HttpError(400, "The cursor is not one this API gave.") from None


@api.get("/cases/{case_id}", response=schemas.CaseRecord, tags=["workers"])
def case_read(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """One worker's case. A provincial client sees its province's only (404 otherwise)."""
    client = _client(request, Scope.WORKERS_READ)
    case = cases_for_exchange(client.province_id).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return _records(request, client, [case])[0]


@api.get("/changes", response=schemas.Changes, tags=["workers"])
def changes(
    request: HttpRequest, cursor: str | None = None, limit: int = PAGE_DEFAULT
) -> dict[str, Any]:
    """Cases changed since the cursor, oldest change first (keyset over updated_at, id).

    Start without a cursor; pass `next_cursor` back until `has_more` is false; keep the last
    cursor and poll with it later. A case changed again appears again, with its new version.
    The last few seconds are held back (API_CHANGES_SETTLE_SECONDS) so that a write still
    committing cannot land behind a cursor already handed out.
    """
    client = _client(request, Scope.WORKERS_READ)
    if not 1 <= limit <= PAGE_MAX:
        raise HttpError(400, f"limit must be between 1 and {PAGE_MAX}.")
    after = _case_cursor(cursor) if cursor else None
    until = timezone.now() - datetime.timedelta(seconds=settings.API_CHANGES_SETTLE_SECONDS)
    cases = case_changes(province_id=client.province_id, after=after, until=until, limit=limit + 1)
    has_more = len(cases) > limit
    cases = cases[:limit]
    next_cursor = cursor
    if cases:
        last = cases[-1]
        next_cursor = _encode(last.updated_at.isoformat(), last.pk)
    return {
        "results": _records(request, client, cases),
        "next_cursor": next_cursor,
        "has_more": has_more,
    }


def _id_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    (pk,) = _decode(cursor, 1)
    if not pk.isdigit():
        raise HttpError(400, "The cursor is not one this API gave.")
    return int(pk)


@api.get("/moves", response=schemas.Moves, tags=["workers"])
def moves(
    request: HttpRequest, cursor: str | None = None, limit: int = PAGE_DEFAULT
) -> dict[str, Any]:
    """Workers who moved out of the client's province (a national client: every move),
    each with the transfer it closed and how the worker consented.

    After a move the case answers 404 to the old province and leaves its changes feed; this
    feed tells the old province's system which cases to let go of, and where they went.
    Same cursor rules as /changes.
    """
    client = _client(request, Scope.WORKERS_READ)
    if not 1 <= limit <= PAGE_MAX:
        raise HttpError(400, f"limit must be between 1 and {PAGE_MAX}.")
    until = timezone.now() - datetime.timedelta(seconds=settings.API_CHANGES_SETTLE_SECONDS)
    events = province_moves(
        from_province_id=client.province_id,
        after_id=_id_cursor(cursor),
        until=until,
        limit=limit + 1,
    )
    has_more = len(events) > limit
    events = events[:limit]
    return {
        "results": [
            {
                "event_id": e.pk,
                "case_id": e.case_id,
                "from_province": e.from_province.code,  # type: ignore[union-attr]  # the feed lists province moves only, which name both provinces
                "to_province": e.to_province.code,  # type: ignore[union-attr]  # the feed lists province moves only, which name both provinces
                "at": e.at,
                "transfer_id": _transfer_of(e).pk if _transfer_of(e) else None,
                "consent": (_transfer_of(e).consent or None) if _transfer_of(e) else None,
            }
            for e in events
        ],
        "next_cursor": _encode(events[-1].pk) if events else cursor,
        "has_more": has_more,
    }


def _transfer_of(event: Any) -> Any:
    """The transfer an event closed (selected with it), or None for an older move."""
    try:
        return event.transfer
    except ObjectDoesNotExist:
        return None


@api.get("/enterprises", response=schemas.Enterprises, tags=["enterprises"])
def enterprises(
    request: HttpRequest, cursor: str | None = None, limit: int = PAGE_DEFAULT
) -> dict[str, Any]:
    """The register of licensed recruitment enterprises, every status, by id (keyset)."""
    _client(request, Scope.ENTERPRISES_READ)
    if not 1 <= limit <= PAGE_MAX:
        raise HttpError(400, f"limit must be between 1 and {PAGE_MAX}.")
    rows = enterprise_list().order_by("pk")
    after = _id_cursor(cursor)
    if after is not None:
        rows = rows.filter(pk__gt=after)
    page = list(rows[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    results = [
        {
            "id": e.pk,
            "licence_number": e.licence_number,
            "name": e.name,
            "status": e.status,
            "licence_issued_on": e.licence_issued_on,
            "suspended_from": e.suspended_from,
            "suspended_until": e.suspended_until,
            "revoked_on": e.revoked_on,
            "markets": sorted(m.code for m in e.markets.all()),
            "updated_at": e.updated_at,
        }
        for e in page
    ]
    return {
        "results": results,
        "next_cursor": _encode(page[-1].pk) if page else cursor,
        "has_more": has_more,
    }


@api.post("/enterprises/bulk", response=schemas.RegisterOut, tags=["enterprises"])
def enterprises_bulk(request: HttpRequest, body: schemas.RegisterIn) -> dict[str, Any]:
    """Create or update enterprises from the national register (national clients only).

    Row by row: each good row is applied through the same service as the admin (a licence
    status change is an event, the look-alike index follows the name); each bad row is
    answered in `refused` with its line (its position in `rows`, from 1) and the reason,
    and the others are applied. Sending the same rows again changes nothing and writes no
    event (`unchanged`).
    """
    client = _client(request, Scope.ENTERPRISES_WRITE)
    if not client.is_national:
        raise HttpError(403, "Only a national client may update the register.")
    codes = set(market_codes().values())
    preview = register.ImportPreview()
    rows: list[Any] = []
    for line, item in enumerate(body.rows, start=1):
        values = {k: str(v).strip() for k, v in item.dict(exclude_none=True).items()}
        row, problems = register.check_row(line, values, codes)
        preview.problems += problems
        if row is not None:
            preview.rows.append(row)
        rows.append(frozenset(values))
    columns = dict(enumerate(rows, start=1))
    apply, refused = register.register_rows(preview)
    apply = [register.RegisterRow(r.row, columns[r.row.line]) for r in apply]
    result = enterprise_register_apply(
        by=client.user, rows=apply, reason=f"National register, through {client.name}"[:300]
    )
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "refused": [
            {"line": line, "reason": reason} for line, reason in sorted(refused + result.refused)
        ],
    }


def _move(
    request: HttpRequest, case_id: int, body: schemas.MoveIn, to: str, changes: dict[str, Any]
) -> HttpResponse:
    client = _client(request, Scope.CASES_WRITE)
    case = cases_for_exchange(client.province_id).filter(pk=case_id).first()
    if case is None:
        raise Http404
    try:
        _, replayed = api_case_move(
            client=client,
            key=body.key,
            case_id=case.pk,
            to=to,
            changes=changes,
            reason=body.reason
            or gettext("Reported by another system through the data connection."),
            expected_version=case.version if body.version is None else body.version,
        )
    except KeyReused:
        raise HttpError(409, "This key was used for another write.") from None
    except StaleCase:
        raise HttpError(409, "The case changed since that version: read it again.") from None
    except TransitionRefused as refused:
        raise HttpError(409, str(refused)) from None
    except GuardRefused as refused:
        missing = ", ".join(str(m) for m in refused.missing)
        raise HttpError(
            422, gettext("The case cannot move yet. Missing: %(missing)s.") % {"missing": missing}
        ) from None
    case = cases_for_exchange(client.province_id).get(pk=case.pk)
    response = api.create_response(request, _records(request, client, [case])[0], status=200)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@api.post(
    "/cases/{case_id}/departure",
    response={200: schemas.CaseRecord, 409: schemas.Problem, 422: schemas.Problem},
    tags=["workers"],
)
def case_departure(request: HttpRequest, case_id: int, body: schemas.DepartureIn) -> HttpResponse:
    """The worker left the country (reported by the enterprise, the border, a ministry).

    The case moves to "departed" through the same service as the counsellor's button, with
    the same guard (a contract first, a date not in the future), and a case event whose
    actor is this client.
    """
    return _move(request, case_id, body, Stage.DEPARTED, {"departure_date": body.departure_date})


@api.post(
    "/cases/{case_id}/return",
    response={200: schemas.CaseRecord, 409: schemas.Problem, 422: schemas.Problem},
    tags=["workers"],
)
def case_return(request: HttpRequest, case_id: int, body: schemas.ReturnIn) -> HttpResponse:
    """The worker came back: the case moves to "returned", as the counsellor's button does."""
    return _move(request, case_id, body, Stage.RETURNED, {"return_date": body.return_date})


@api.get("/reports/monthly", response=schemas.MonthlyFigures, tags=["reports"])
def monthly_figures(
    request: HttpRequest, month: str, province: int | None = None
) -> dict[str, Any]:
    """One month's figures, counted as the dashboards count them (reports.selectors).

    `month` is "YYYY-MM". A provincial client reads its own province (another province's
    code answers 404); a national client names a province by its code, or none: the nation.
    """
    client = _client(request, Scope.REPORTS_READ)
    try:
        first = datetime.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise HttpError(400, "month must be YYYY-MM.") from None
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    place = _province_of(client, province)
    place = None
    if client.province_id is not None:
        if province is not None and province != client.province.code:  # type: ignore[union-attr]  # province_id is checked first, without a query
            raise Http404
        place = client.province
    elif province is not None:
        place = Province.objects.filter(code=province).first()  # reference data
        if place is None:
            raise Http404
    counts = period_counts(place, Period(first, last), latest_run(place))
    codes = {str(pk): code for pk, code in market_codes().items()}
    return {
        "province": place.code if place else None,
        "month": month,
        "departures": counts.departures,
        "returns": counts.returns,
        "sessions": counts.sessions,
        "departures_by_market": {codes.get(k, k): n for k, n in counts.market.items()},
        "departures_by_sex": dict(counts.sex),
        "departures_by_priority_group": dict(counts.group),
    }


def _province_of(client: ApiClient, code: int | None) -> Province | None:
    """The province a client asks for: a provincial client its own (another code: 404), a
    national one any by its code, or none (the nation)."""
    own = client.province
    if own is not None:
        if code is not None and code != own.code:
            raise Http404
        return own
    if code is None:
        return None
    place = Province.objects.filter(code=code).first()  # reference data
    if place is None:
        raise Http404
    return place


@api.get(
    "/exchange/departures",
    response=schemas.ExchangeFile,
    tags=["reports"],
    by_alias=True,
    openapi_extra={
        "responses": {
            200: {
                "description": "The rows as JSON, or with format=xlsx the spreadsheet",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ExchangeFile"}},
                    XLSX: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def exchange_departures(
    request: HttpRequest,
    period_from: datetime.date = Query(..., alias="from"),  # noqa: B008
    period_to: datetime.date = Query(..., alias="to"),  # noqa: B008
    province: int | None = None,
    format: str = "json",
) -> Any:
    """The departures and returns of a period, one line a worker: the ministry's exchange
    file (the same lines as the staff download), as JSON or, with `format=xlsx`, as the
    spreadsheet. `from` and `to` are dates (YYYY-MM-DD), both included, at most three years
    apart. A provincial client reads its own province; a national one names a province by
    its code, or none for every province. Every call is written to the export log."""
    client = _client(request, Scope.REPORTS_READ)
    if format not in ("json", "xlsx"):
        raise HttpError(400, "format must be json or xlsx.")
    if period_to < period_from:
        raise HttpError(400, "to must not be before from.")
    if (period_to - period_from).days > 3 * 366:
        raise HttpError(400, "Choose a period of at most three years.")
    place = _province_of(client, province)
    if client.user is None:
        # The export log names an account: api_client_create gives every client one.
        raise HttpError(403, "This client has no account to record the export under.")
    try:
        rows = exchange.exchange_export(
            user=client.user,
            province_id=place.pk if place else None,
            first=period_from,
            last=period_to,
            query=request.GET,
        )
    except exchange.TooManyRows:
        raise HttpError(
            400, f"More than {exchange.MAX_ROWS} lines: ask for a shorter period or a province."
        ) from None
    api_request_cases_read(entry=request.api_log, case_ids=[r.case_id for r in rows])  # type: ignore[attr-defined]
    if format == "xlsx":
        response = HttpResponse(exchange.workbook(rows), content_type=XLSX)
        name = str(place.code) if place else "national"
        response["Content-Disposition"] = (
            f'attachment; filename="{exchange.filename(name, period_from, period_to)}"'
        )
        response["Cache-Control"] = "no-store"
        return response
    return {
        "province": place.code if place else None,
        "from": period_from,
        "to": period_to,
        "results": [r.__dict__ for r in rows],
    }
