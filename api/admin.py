from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from api.models import ApiClient, ApiRequest
from api.services import api_client_deactivate


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Clients are made by `manage.py api_client_create` (the token is shown once there)."""

    list_display = [
        "name",
        "province",
        "scopes",
        "is_active",
        "expires_at",
        "last_used_at",
        "token_prefix",
    ]
    list_filter = ["is_active"]
    fields = [*list_display, "created_at"]  # type: ignore[list-item]  # list_display here holds field names only
    readonly_fields = fields  # type: ignore[assignment]  # fields here is a flat list of names
    actions = ["deactivate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # its request log and the events it wrote name it

    @admin.action(description=_("Switch off the chosen clients (their tokens are refused)"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        count = sum(
            api_client_deactivate(client_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(request, gettext("Clients switched off: %(count)d.") % {"count": count})


@admin.register(ApiRequest)
class ApiRequestAdmin(admin.ModelAdmin):
    list_display = ["at", "client", "method", "path"]
    list_filter = ["client"]
    fields = ["at", "client", "method", "path", "case_ids"]
    readonly_fields = fields  # type: ignore[assignment]  # fields here is a flat list of names
    list_select_related = ["client"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
