from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import InterfaceError, OperationalError, connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.decorators import staff_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import STAFF_ROLES, Role, User
from assistance.selectors import staff_home as help_staff_home
from assistance.selectors import staff_home_counted as help_staff_home_counted
from fairs.models import Fair
from loans.models import WAITING_STATUSES
from loans.models import Application as SupportApplication
from markets.models import Complaint, FraudReport
from workers.models import (
    Case,
    DeletionRequest,
    DuplicateIdAttempt,
    ProvinceTransfer,
    Stage,
    WorkerProfile,
)
from workers.selectors import count_key, follow_ups_due
from workers.views import worker_home

log = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.exception("health: database unreachable")
        return False


def _broker_ok() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
        )
        return bool(client.ping())
    except Exception:
        log.exception("health: broker unreachable")
        return False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and the broker, when one is configured) answers, else 503."""
    checks = {"database": _database_ok()}
    if settings.REDIS_URL:
        checks["broker"] = _broker_ok()
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


#: Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """The portal's error page, drawn without the database: 503 with Retry-After while the
    database cannot be reached (a restart, a failover), 500 for anything else."""
    # Django calls this while handling the exception, so it is still the current one.
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    status, template = (503, "503.html") if unavailable else (500, "500.html")
    # The language the locale middleware chose, if it got that far; else the visitor's
    # choice from the cookie. Reading the user's saved language would need the database.
    language = getattr(request, "LANGUAGE_CODE", None) or request.COOKIES.get(
        settings.LANGUAGE_COOKIE_NAME
    )
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            # No request: the context processors would read the database.
            body: str = render_to_string(template)
        except Exception:
            log.exception("The error page %s could not be drawn", template)
            body = (
                _("The portal is briefly unavailable") if unavailable else _("Something went wrong")
            )
    response = HttpResponse(body, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def home(request: HttpRequest) -> HttpResponse:
    """The front door: public page, worker home or staff home by who is signed in."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/public.html")
    if user.is_staff_member:
        return staff_home(request)
    return worker_home(request)


def counts_at_once(**querysets: QuerySet[Any]) -> dict[str, int]:
    """The rows of each queryset counted in one round trip: one SELECT of scalar
    subqueries, so each count keeps its own plan (its own index) as if run alone.
    The querysets are counted as given: a guarded model's must already be scoped; one
    sliced by `up_to` is counted no further."""
    columns: list[str] = []
    params: list[Any] = []
    for queryset in querysets.values():
        try:
            if not queryset.query.is_sliced:
                queryset = queryset.order_by().values("pk")
            sql, values = queryset.query.sql_with_params()
        except EmptyResultSet:  # .none(): a staff member with no province
            columns.append("0")
            continue
        # count(*) over a plain subselect: PostgreSQL pulls it up and counts as it would
        # `SELECT count(*) FROM t WHERE ...` (an index-only scan where the index covers it).
        columns.append(f"(SELECT count(*) FROM ({sql}) AS counted)")  # noqa: S608  # Django's SQL, values as parameters
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


#: What needs attention is counted up to this many and then shown as "more than 1.000": a
#: list that long is not worked through from the home page, and counting it all cost the
#: staff home of a province of 167,000 cases 6 ms for its cases without a counsellor.
ATTENTION_COUNTED_UP_TO = 1000


def up_to(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The queryset's rows, no more than ATTENTION_COUNTED_UP_TO + 1, for `counts_at_once`."""
    return queryset.order_by().values("pk")[: ATTENTION_COUNTED_UP_TO + 1]


def workers_key(user: User) -> str | None:
    """Where the staff home keeps its count of the worker accounts the staff member sees,
    a minute (DASHBOARD_CACHE_SECONDS, as the dashboards and the long lists' counts):
    counted on every visit it cost 1.4 ms in a province of 17,000 workers and 8.6 ms in
    one of 167,000. None: counted on every visit."""
    return count_key(user, "home-workers")


@staff_required
def staff_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What needs the staff member's attention in their province."""
    user = request.user
    today = timezone.localdate()
    now = timezone.now()
    cases = Case.objects.for_user(user)
    # Fourteen counts of nine tables, one query: each was a round trip of its own. Staff
    # are counted by their roles off the (province, role) index, what needs attention up
    # to a cap, and the workers once a minute: the page does not grow with the province.
    people = User.objects.for_user(user)
    key = workers_key(user)
    workers = cache.get(key) if key else None
    counted = counts_at_once(
        **({} if isinstance(workers, int) else {"workers": people.filter(role=Role.WORKER)}),
        staff=people.filter(role__in=STAFF_ROLES),
        unassigned=up_to(
            cases.filter(assigned_to__isnull=True).exclude(
                stage__in=[Stage.WITHDRAWN, Stage.REINTEGRATED]
            )
        ),
        return_overdue=up_to(cases.return_overdue(today)),
        fairs_coming=up_to(Fair.objects.for_user(user).upcoming(now)),
        support_waiting=up_to(
            SupportApplication.objects.for_user(user).filter(status__in=WAITING_STATUSES)
        ),
        id_review=up_to(WorkerProfile.objects.for_user(user).exclude(id_problems=[])),
        duplicates=up_to(
            DuplicateIdAttempt.objects.for_user(user).filter(reviewed_at__isnull=True)
        ),
        deletions=up_to(DeletionRequest.objects.for_user(user).filter(completed_at__isnull=True)),
        # Files moving in or out of the province, waiting for the worker's answer.
        transfers=up_to(
            ProvinceTransfer.objects.for_user(user).filter(status=ProvinceTransfer.Status.REQUESTED)
        ),
        # What the markets' context processor would count on its own, two queries more.
        fraud_reports=up_to(FraudReport.objects.for_user(user).open()),
        complaints=up_to(Complaint.objects.for_user(user).open()),
        # Help requests from abroad: a province's open ones are few, counted in full.
        **help_staff_home_counted(user, now),
    )
    if not isinstance(workers, int):
        workers = counted.pop("workers")
        if key:
            cache.set(key, workers, settings.DASHBOARD_CACHE_SECONDS)
    counts = {"workers": workers, "staff": counted.pop("staff")}
    fraud_reports, complaints = counted.pop("fraud_reports"), counted.pop("complaints")
    help_home = help_staff_home(
        user, open_=counted.pop("help_open"), overdue=counted.pop("help_overdue")
    )
    attention = counted
    return render(
        request,
        "home/staff.html",
        {
            "counts": counts,
            "attention": attention,
            "cap": ATTENTION_COUNTED_UP_TO,
            "due": follow_ups_due(user, today)[:20],
            "today": today,
            "help_home": help_home,
            "help_now": now,
            "fraud_reports_open_count": fraud_reports,
            "complaints_open_count": complaints,
        },
    )
