from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import GuardedManager, GuardedQuerySet


class TargetQuerySet(GuardedQuerySet):
    province_path = "province"


class Target(models.Model):
    """A province's planned departures for a year, or for one half of it."""

    class Half(models.IntegerChoices):
        YEAR = 0, _("Whole year")
        FIRST = 1, _("First half")
        SECOND = 2, _("Second half")

    province = models.ForeignKey("accounts.Province", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("period"), choices=Half, default=Half.YEAR)
    departures = models.PositiveIntegerField(_("departures planned"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = GuardedManager.from_queryset(TargetQuerySet)()
    all_objects = TargetQuerySet.as_manager()

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-year", "province"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "half"], name="one_target_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.year}: {self.departures}"


class MonthlyFigure(models.Model):
    """One count of one month in one province, for the national view.

    Rebuilt whole every few minutes by a job (`reports.services.monthly_figures_rebuild`):
    the national view would otherwise count a million cases and sessions for every visit.
    """

    class Figure(models.TextChoices):
        DEPARTURES_MARKET = "departures_market"
        DEPARTURES_SEX = "departures_sex"
        # key "<market id>|<sex>": departures of women (and men) by market
        DEPARTURES_MARKET_SEX = "departures_market_sex"
        DEPARTURES_COMMUNE = "departures_commune"
        DEPARTURES_GROUP = "departures_group"
        RETURNS = "returns"
        SESSIONS_CHANNEL = "sessions_channel"
        SESSIONS_TOPIC = "sessions_topic"
        # Cases by stage on the run's day, kept on its month: "preparing", "abroad now".
        CASES_BY_STAGE = "cases_by_stage"

    province = models.ForeignKey(
        "accounts.Province", on_delete=models.CASCADE, null=True, related_name="+"
    )
    month = models.DateField()  # its first day
    figure = models.CharField(max_length=30, choices=Figure)
    # What is counted: a market or commune id, a sex, a group, a channel, a topic; "" for
    # none (a case with no market yet) and for plain totals.
    key = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["month", "figure"], name="monthly_figure_by_month"),
            # A province's dashboard reads its own closed months.
            models.Index(fields=["province", "month", "figure"], name="monthly_figure_province"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.month:%m/%Y} {self.figure} {self.key}: {self.count}"


class SummaryRun(models.Model):
    """A rebuild of the monthly figures: every month up to `through`'s, counted through that
    day (records made after `made_at` wait for the next rebuild)."""

    made_at = models.DateTimeField(default=timezone.now)
    through = models.DateField()
    rows = models.PositiveIntegerField()

    class Meta:
        get_latest_by = "made_at"

    def __str__(self) -> str:
        return f"{self.made_at:%d/%m/%Y %H:%M}: through {self.through:%d/%m/%Y}"
