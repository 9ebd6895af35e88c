import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Count, DateField, F, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncMonth

from accounts.models import Province, User
from reports import selectors
from reports.models import MonthlyFigure, SummaryRun, Target
from workers.models import Case, CounsellingSession, PriorityGroupClaim


@transaction.atomic
def target_set(*, province: Province, year: int, half: int, departures: int, by: User) -> Target:
    """The plan for a province and period; setting it again replaces the figure."""
    target, _created = Target.objects.unscoped(
        "the view passes a province the user may set"
    ).update_or_create(
        province=province,
        year=year,
        half=half,
        defaults={"departures": departures, "set_by": by},
    )
    return target


def monthly_figures_rebuild(*, today: datetime.date) -> SummaryRun:
    """Every month through today, counted per province from the records, replaces the last
    counts in one transaction: readers see the old figures or the new, never a mix."""
    Figure = MonthlyFigure.Figure
    left = selectors.departures_in(None, selectors.Period(datetime.date.min, today))
    gone = left.annotate(m=TruncMonth("departure_date"))
    grouped: list[tuple[str, QuerySet[Any]]] = [
        (Figure.DEPARTURES_MARKET, gone.values_list("province", "m", "market")),
        (Figure.DEPARTURES_SEX, gone.values_list("province", "m", "sex")),
        (
            Figure.DEPARTURES_MARKET_SEX,
            gone.annotate(
                pair=Concat(Coalesce(Cast("market", CharField()), Value("")), Value("|"), "sex")
            ).values_list("province", "m", "pair"),
        ),
        (Figure.DEPARTURES_COMMUNE, gone.values_list("province", "m", "commune")),
        (
            Figure.DEPARTURES_GROUP,
            PriorityGroupClaim.objects.filter(profile__case__in=left)
            .annotate(m=TruncMonth("profile__case__departure_date"))
            .values_list("profile__case__province", "m", "group"),
        ),
        (
            Figure.CASES_BY_STAGE,
            Case.objects.unscoped("national monthly figures, grouped by province")
            .annotate(m=Value(today.replace(day=1), DateField()))
            .values_list("province", "m", "stage"),
        ),
        (
            Figure.RETURNS,
            Case.objects.unscoped("national monthly figures, grouped by province")
            .filter(return_date__lte=today)
            .annotate(m=TruncMonth("return_date"))
            .values_list("province", "m"),
        ),
    ]
    rows: list[MonthlyFigure] = []
    for figure, query in grouped:
        for province, month, *key, n in query.annotate(n=Count("pk")):
            rows.append(
                MonthlyFigure(
                    province_id=province,
                    month=selectors.as_month(month),
                    figure=figure,
                    key=selectors.figure_key(key[0]) if key else "",
                    count=n,
                )
            )
    # Sessions held before tomorrow begins in the portal's time zone, as a period ending
    # today counts them.
    sessions = CounsellingSession.objects.unscoped(
        "nightly rebuild of every province's figures"
    ).filter(held_at__lt=selectors.midnight(today + datetime.timedelta(days=1)))
    by_month = sessions.annotate(m=TruncMonth("held_at"))
    for province, month, channel, n in by_month.values_list("province", "m", "channel").annotate(
        n=Count("pk")
    ):
        rows.append(
            MonthlyFigure(
                province_id=province,
                month=selectors.as_month(month),
                figure=Figure.SESSIONS_CHANNEL,
                key=channel,
                count=n,
            )
        )
    for province, month, topic, n in selectors.topic_counts(
        sessions, place=F("province"), m=TruncMonth("held_at")
    ):
        rows.append(
            MonthlyFigure(
                province_id=province,
                month=selectors.as_month(month),
                figure=Figure.SESSIONS_TOPIC,
                key=str(topic),
                count=n,
            )
        )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A second rebuild at the same time waits here; its delete then sees, and
            # removes, what the first wrote. Without the lock both sets of rows would stay
            # and the nation's figures would count twice. Plain reads are not blocked.
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE reports_monthlyfigure IN EXCLUSIVE MODE")
        MonthlyFigure.objects.all().delete()
        MonthlyFigure.objects.bulk_create(rows, batch_size=5000)
        return SummaryRun.objects.create(through=today, rows=len(rows))
