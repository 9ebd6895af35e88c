"""Reads of the job-fair app that pages, tasks and reports share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.text import digits, fold
from fairs.models import Fair, Interview, JobOrder, Participation, Registration
from fairs.tickets import looks_like_code, normalise_code

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

Status = Registration.Status


def _count(queryset: QuerySet[Any], outer: str = "pk") -> Subquery:
    """A correlated COUNT(*) per fair: several of them side by side never multiply rows."""
    counted = (
        queryset.filter(fair=OuterRef(outer))
        .order_by()
        .values("fair")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)  # type: ignore[return-value]  # Coalesce of an IntegerField is an integer expression


def with_counts(fairs: QuerySet[Fair]) -> QuerySet[Fair]:
    """Each fair with places taken, waitlist, attendance and enterprises, in one query."""
    # Correlated subqueries, counted per fair of `fairs` (already narrowed by the caller).
    why = "correlated to the fairs the caller narrowed"
    registrations = Registration.objects.unscoped(why)
    return fairs.annotate(
        n_registered=_count(registrations.filter(status=Status.REGISTERED)),
        n_waitlisted=_count(registrations.filter(status=Status.WAITLISTED)),
        n_checked_in=_count(registrations.filter(checked_in_at__isnull=False)),
        n_enterprises=_count(Participation.objects.unscoped(why)),
    )


def places_taken(fair: Fair) -> int:
    return (
        Registration.objects.unscoped("the places of a fair the caller holds")
        .filter(fair=fair, status=Status.REGISTERED)
        .count()
    )


# --- Public and worker pages ----------------------------------------------------------


def public_fairs(*, now: datetime.datetime, province_id: int | None = None) -> QuerySet[Fair]:
    """Published fairs not yet over, soonest first, with the places taken."""
    fairs = Fair.objects.public().upcoming(now).select_related("province", "commune")
    if province_id:
        fairs = fairs.filter(province_id=province_id)
    return with_counts(fairs).order_by("starts_at", "pk")


def _participations() -> Prefetch:
    return Prefetch(
        "participations",
        queryset=Participation.objects.unscoped("the enterprises of fairs already narrowed")
        .select_related("enterprise")
        .prefetch_related(
            Prefetch(
                "job_orders",
                queryset=JobOrder.objects.select_related("market", "programme__market"),
            )
        ),
    )


def fair_for_public(pk: int) -> Fair:
    """A fair anyone may read (not a draft), with its enterprises and job orders."""
    return with_counts(
        Fair.objects.public()
        .select_related("province", "commune")
        .prefetch_related(_participations())
    ).get(pk=pk)


def live_registration(fair: Fair, user: User | AnonymousUser) -> Registration | None:
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.for_user(user)
        .filter(fair=fair, worker=user)
        .exclude(status=Status.CANCELLED)
        .first()
    )


def my_registrations(user: User) -> QuerySet[Registration]:
    """The worker's tickets, the coming fairs first."""
    return (
        Registration.objects.for_user(user)
        .filter(worker=user)
        .select_related("fair__province", "fair__commune")
        .order_by("-fair__starts_at", "-pk")
    )


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to get a place; None when not on the waitlist."""
    if registration.status != Status.WAITLISTED or registration.waitlisted_at is None:
        return None
    ahead = (
        Registration.objects.unscoped("who is ahead on this fair's waitlist")
        .filter(fair_id=registration.fair_id, status=Status.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=registration.waitlisted_at)
            | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
        )
    )
    return ahead.count() + 1


# --- Staff pages ----------------------------------------------------------------------


def staff_fairs(user: User, *, status: str = "") -> QuerySet[Fair]:
    fairs = Fair.objects.for_user(user).select_related("province", "commune")
    if status in Fair.Status.values:
        fairs = fairs.filter(status=status)
    return with_counts(fairs)


def coming_fairs_count(user: User, now: datetime.datetime) -> int:
    """Published fairs of the user's scope not yet over: for a count on the staff home."""
    return Fair.objects.for_user(user).upcoming(now).count()


def fair_for_staff(user: User, pk: int) -> Fair:
    """A fair of the user's province with enterprises and job orders; DoesNotExist otherwise."""
    return with_counts(
        Fair.objects.for_user(user)
        .select_related("province", "commune", "created_by")
        .prefetch_related(_participations())
    ).get(pk=pk)


def search_registrations(
    registrations: QuerySet[Registration], query: str
) -> QuerySet[Registration]:
    """By ticket code, by name without diacritics (every word), or by phone digits."""
    query = query.strip()
    if not query:
        return registrations
    condition = Q()
    if looks_like_code(query):
        condition |= Q(code=normalise_code(query))
    number = digits(query)
    if len(number) >= 3:
        # 0912 345 001 is stored +84912345001: the leading 0 is the country code's.
        condition |= Q(phone__contains=number.removeprefix("0"))
    words = fold(query).split()[:6]
    if words and not number:
        by_name = Q()
        for word in words:
            by_name &= Q(search_name__contains=word)
        condition |= by_name
    return registrations.filter(condition) if condition else registrations.none()


def fair_registrations(fair: Fair, *, query: str = "", status: str = "") -> QuerySet[Registration]:
    registrations = (
        Registration.objects.unscoped("a fair the view fetched for the user")
        .filter(fair=fair)
        .select_related("commune", "checked_in_by", "worker")
    )
    if status in Status.values:
        registrations = registrations.filter(status=status)
    return search_registrations(registrations, query).order_by("status", "waitlisted_at", "pk")


def check_in_matches(fair: Fair, query: str, limit: int = 20) -> list[Registration]:
    """The people a door keeper may be looking for; only what the door needs is loaded."""
    if not query.strip():
        return []
    registrations = (
        Registration.objects.unscoped("a fair the view fetched for the user").filter(fair=fair)
        .exclude(status=Status.CANCELLED)
        .select_related("commune", "checked_in_by")
        .only(
            "pk", "fair_id", "name", "phone", "code", "status", "checked_in_at",
            "commune__name", "checked_in_by__name",
        )
    )  # fmt: skip
    return list(search_registrations(registrations, query).order_by("search_name", "pk")[:limit])


def fair_interviews(fair: Fair) -> QuerySet[Interview]:
    return (
        Interview.objects.unscoped("a fair the view fetched for the user")
        .filter(participation__fair=fair)
        .select_related(
            "participation__enterprise",
            "registration",
            "job_order",
            "follow_up",
            "case",
        )
        .order_by("participation__enterprise__name_normalised", "recorded_at", "pk")
    )


# --- Reminders ------------------------------------------------------------------------


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of `day` and of the next one, in Vietnam's time."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, start + datetime.timedelta(days=1)


def registrations_to_remind(day: datetime.date) -> QuerySet[Registration]:
    """Registered (not waitlisted, not cancelled) workers with an account, of the published
    fairs that start on `day`."""
    start, end = day_bounds(day)
    return (
        Registration.objects.unscoped("fair reminders, every province")
        .filter(
            status=Status.REGISTERED,
            worker__isnull=False,
            worker__is_active=True,
            fair__status=Fair.Status.PUBLISHED,
            fair__starts_at__gte=start,
            fair__starts_at__lt=end,
        )
        .select_related("worker", "fair__commune")
        .order_by("pk")
    )


# --- Figures --------------------------------------------------------------------------


@dataclass
class Figures:
    sessions: int = 0
    enterprises: int = 0
    vacancies: int = 0
    registrations: int = 0
    attendance: int = 0
    interviews: int = 0
    offers: int = 0

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class FairFigures:
    fair: Fair
    figures: Figures


@dataclass
class PeriodFigures:
    start: datetime.date
    end: datetime.date
    totals: Figures = field(default_factory=Figures)
    fairs: list[FairFigures] = field(default_factory=list)
    #: Enterprises counted once however many fairs they came to.
    distinct_enterprises: int = 0


def _by_fair(rows: QuerySet[Any]) -> dict[int, int]:
    return {fair_id: n or 0 for fair_id, n in rows}


def fair_figures(
    user: User | AnonymousUser, start: datetime.date, end: datetime.date
) -> PeriodFigures:
    """Sessions held (published or closed) from `start` to `end` inclusive, by fair day, in
    the user's scope: enterprises taking part, vacancies, registrations holding a place,
    attendance (checked in), interviews and offers. A fixed number of queries.

    An enterprise at two fairs counts twice in `enterprises` (as provinces report it) and
    once in `distinct_enterprises`; waitlisted and cancelled registrations are not counted.
    """
    first, _ = day_bounds(start)
    _, after = day_bounds(end)
    fairs = list(
        Fair.objects.for_user(user)
        .filter(
            status__in=[Fair.Status.PUBLISHED, Fair.Status.CLOSED],
            starts_at__gte=first,
            starts_at__lt=after,
        )
        .select_related("province")
        .order_by("starts_at", "pk")
    )
    result = PeriodFigures(start=start, end=end)
    if not fairs:
        return result
    ids = [fair.pk for fair in fairs]
    participations = Participation.objects.unscoped(
        "the fairs above, narrowed for the user"
    ).filter(fair_id__in=ids)
    enterprises = _by_fair(
        participations.order_by()
        .values("fair_id")
        .annotate(n=Count("pk"))
        .values_list("fair_id", "n")
    )
    vacancies = _by_fair(
        JobOrder.objects.filter(participation__fair_id__in=ids)
        .order_by()
        .values("participation__fair_id")
        .annotate(n=Sum("vacancies"))
        .values_list("participation__fair_id", "n")
    )
    people = {
        row["fair_id"]: row
        for row in Registration.objects.unscoped("the fairs above, narrowed for the user")
        .filter(fair_id__in=ids, status=Status.REGISTERED)
        .order_by()
        .values("fair_id")
        .annotate(n=Count("pk"), came=Count("pk", filter=Q(checked_in_at__isnull=False)))
    }
    outcomes = {
        row["participation__fair_id"]: row
        for row in Interview.objects.unscoped("the fairs above, narrowed for the user")
        .filter(participation__fair_id__in=ids)
        .order_by()
        .values("participation__fair_id")
        .annotate(n=Count("pk"), offers=Count("pk", filter=Q(result=Interview.Result.OFFERED)))
    }
    for fair in fairs:
        figures = Figures(
            sessions=1,
            enterprises=enterprises.get(fair.pk, 0),
            vacancies=vacancies.get(fair.pk, 0),
            registrations=people.get(fair.pk, {}).get("n", 0),
            attendance=people.get(fair.pk, {}).get("came", 0),
            interviews=outcomes.get(fair.pk, {}).get("n", 0),
            offers=outcomes.get(fair.pk, {}).get("offers", 0),
        )
        result.fairs.append(FairFigures(fair=fair, figures=figures))
        result.totals.add(figures)
    result.distinct_enterprises = (
        participations.order_by().values("enterprise_id").distinct().count()
    )
    return result
