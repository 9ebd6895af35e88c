from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications import services
from notifications.models import Notification, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent to whom, and why a message failed."""

    list_display = ["created_at", "recipient", "kind", "channel", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["key", "recipient__name", "recipient__email", "recipient__phone"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [field.name for field in Notification._meta.get_fields() if field.concrete]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Try the failed messages again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = sum(
            services.notification_retry(notification_id=pk)
            for pk in queryset.filter(status=Notification.Status.FAILED).values_list(
                "pk", flat=True
            )
        )
        self.message_user(
            request,
            gettext("Messages to send again: %(count)d.") % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "sms", "updated_at"]
    search_fields = ["user__name", "user__email", "user__phone"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
