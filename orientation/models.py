"""Pre-departure orientation online: short modules (national, or a province's addition),
a short quiz per module, and each signed-in worker's progress.

Completing these modules is NOT the pre-departure orientation certificate of Law 69/2020
Art. 65 (the enterprise or sending organisation issues that); the pages say so.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.personal import How, PersonalData, reference
from accounts.scoping import GuardedManager, GuardedQuerySet


def audio_path(instance: Module, filename: str) -> str:
    return f"orientation/audio/module-{instance.pk}-{filename}"


def image_path(instance: Module | Question, filename: str) -> str:
    return f"orientation/images/{filename}"


class Pictogram(models.TextChoices):
    """Small drawings shipped with the portal (static/orientation/pictograms/<name>.svg):
    a lesson can show one without anyone uploading a picture."""

    CONTRACT = "contract", _("A contract being signed")
    NO_FEE = "no-fee", _("Money crossed out: no brokerage fee")
    MONEY_HOME = "money-home", _("Money sent home through a bank")
    PHONE = "phone", _("A phone calling for help")
    SAFETY = "safety", _("A helmet and gloves")
    PASSPORT = "passport", _("A passport kept by its owner")
    HOME = "home", _("A house: coming home")
    LAW = "law", _("Scales: the law of the country")


class ModuleQuerySet(GuardedQuerySet):
    """`for_user` (staff pages): an admin every lesson, a manager their province's additions."""

    province_path = "province"

    def published(self) -> Self:
        return self.filter(published_at__isnull=False)

    def visible_to(self, user: Any) -> Self:
        """Published national modules, plus the user's own province's additions. Opens the
        guard: a published national lesson is every visitor's, signed in or not."""
        province_id = getattr(user, "province_id", None) if user.is_authenticated else None
        scope = Q(province__isnull=True)
        if province_id is not None:
            scope |= Q(province_id=province_id)
        return self._public_filter(scope, published_at__isnull=False)


class Module(models.Model):
    """One short lesson in plain Vietnamese, read aloud by a generated audio file."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown; short sentences, plain words."))
    province = models.ForeignKey(
        "accounts.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty for a national module; a province's own addition otherwise."),
    )
    market = models.ForeignKey(
        "markets.Market",
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty when the module is for every destination."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    audio = models.FileField(_("audio"), upload_to=audio_path, blank=True, editable=False)
    #: Hash of the text the audio was made from: a second run with the same text does nothing.
    audio_text_hash = models.CharField(max_length=64, blank=True, editable=False)
    audio_seconds = models.FloatField(null=True, blank=True, editable=False)
    #: The same speech as MP3, for phones that do not play Ogg Opus (Safari before 17).
    audio_mp3 = models.FileField(_("audio (MP3)"), upload_to=audio_path, blank=True, editable=False)
    pictogram = models.CharField(_("drawing"), max_length=20, choices=Pictogram.choices, blank=True)
    image = models.FileField(_("picture"), upload_to=image_path, blank=True, editable=False)
    image_alt = models.CharField(
        _("what the picture shows"),
        max_length=200,
        blank=True,
        help_text=_("In Vietnamese, for people who cannot see the picture."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuardedManager.from_queryset(ModuleQuerySet)()
    all_objects = ModuleQuerySet.as_manager()

    personal_data = reference(
        "A lesson written by administrators for everyone; its audio is of the lesson."
    )

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["order", "pk"]
        verbose_name = _("orientation module")
        verbose_name_plural = _("orientation modules")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Question(models.Model):
    """A quiz question: one right choice, and why it is right."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    choices = models.JSONField(_("choices"), help_text=_("A list of 2-4 short answers."))
    correct = models.PositiveSmallIntegerField(
        _("right answer"), help_text=_("Position of the right answer in the list, from 0.")
    )
    explanation = models.TextField(_("explanation"))
    image = models.FileField(_("picture"), upload_to=image_path, blank=True, editable=False)
    image_alt = models.CharField(_("what the picture shows"), max_length=200, blank=True)
    #: The question and its choices spoken, made with the lesson's audio.
    audio = models.FileField(_("audio"), upload_to=audio_path, blank=True, editable=False)
    audio_mp3 = models.FileField(_("audio (MP3)"), upload_to=audio_path, blank=True, editable=False)
    audio_text_hash = models.CharField(max_length=64, blank=True, editable=False)

    personal_data = reference("A quiz question of a lesson, for everyone.")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")

    def __str__(self) -> str:
        return self.text


class ModuleEvent(models.Model):
    """Who wrote, changed, published or took down a lesson, when and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Written")
        EDITED = "edited", _("Changed")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Taken down")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.TextField(blank=True)

    personal_data = reference("Staff who wrote or published a lesson, and why.")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("lesson event")
        verbose_name_plural = _("lesson events")

    def __str__(self) -> str:
        return f"{self.module_id}: {self.action}"


class ProgressQuerySet(models.QuerySet["Progress"]):
    def passed(self) -> Self:
        return self.filter(passed_at__isnull=False)


class Progress(models.Model):
    """A signed-in worker's last quiz answers for a module, and when they first passed it."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orientation_progress"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    answers = models.JSONField(default=dict)
    attempts = models.PositiveIntegerField(default=0)
    passed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"answers": How.DELETE},
        rows=lambda s: Q(worker_id=s.user_id),
        delete_row=True,
        why="Her answers and the lessons she passed: they go with her.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "module"], name="orientation_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.module_id}"
