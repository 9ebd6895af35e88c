from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from orientation import services
from orientation.models import Module, Question


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    min_num = 0
    max_num = 5


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "province", "market", "order", "published_at", "audio_seconds"]
    list_filter = ["province", "market"]
    readonly_fields = ["published_at", "audio", "audio_mp3", "audio_seconds"]
    inlines = [QuestionInline]
    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publish (and make the audio)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Module]) -> None:
        for module in queryset:
            try:
                services.module_publish(module=module, actor=request.user)  # type: ignore[arg-type]  # the admin site only serves signed-in staff
            except ValidationError as problem:
                self.message_user(
                    request, f"{module}: {'; '.join(problem.messages)}", messages.ERROR
                )

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Module]) -> None:
        for module in queryset:
            services.module_unpublish(module=module, actor=request.user)  # type: ignore[arg-type]  # the admin site only serves signed-in staff

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A published module whose text changed gets new audio (nothing when unchanged).
        if form.instance.published_at is not None:
            try:
                services.module_publish(module=form.instance, actor=request.user)  # type: ignore[arg-type]  # the admin site only serves signed-in staff
            except ValidationError as problem:
                # Saved, but no longer publishable as it stands: say so rather than fail.
                self.message_user(
                    request, f"{form.instance}: {'; '.join(problem.messages)}", messages.WARNING
                )
