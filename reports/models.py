from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet


class TargetQuerySet(ScopedQuerySet):
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

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "province"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "half"], name="one_target_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.year}: {self.departures}"
