from allauth.usersessions.admin import UserSessionAdmin as AllauthUserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Centre, Commune, PendingFileDeletion, Province, Role, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["name"]
    list_display = ["name", "email", "phone", "role", "province", "is_active"]
    list_filter = ["role", "province", "is_active"]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["province"]
    fieldsets = [
        (None, {"fields": ["name", "email", "phone", "phone_verified", "password"]}),
        (_("Role"), {"fields": ["role", "province", "language", "is_active", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["name", "email", "phone", "role", "province", "password1", "password2"]})
    ]
    filter_horizontal = []

    @staticmethod
    def _has_worker_file(obj: User | None) -> bool:
        # A user whose role was changed away from "worker" still has the file, the case and
        # the applications scoped by this province: the role alone does not unlock it.
        return obj is not None and (obj.role == Role.WORKER or hasattr(obj, "worker_profile"))

    def get_readonly_fields(self, request, obj=None):
        # A worker's province moves their case, sessions, support applications and help
        # requests with them (workers.services.worker_province_move), and only with their
        # consent (a province transfer, docs/data-integrity.md section 5): changed here, it
        # would skip both. Read-only, with a link to the transfer page instead.
        fields = list(super().get_readonly_fields(request, obj))
        if self._has_worker_file(obj):
            fields += ["province", "province_move"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._has_worker_file(obj):
            return fieldsets
        return [
            (title, {**options, "fields": [
                name for field in options["fields"]
                for name in ([field, "province_move"] if field == "province" else [field])
            ]})
            for title, options in fieldsets
        ]  # fmt: skip

    @admin.display(description=_("Move to another province"))
    def province_move(self, obj: User) -> str:
        profile = getattr(obj, "worker_profile", None)
        explain = _(
            "The province of a worker changes only through a transfer: the worker consents, "
            "and the file, the case, the support applications and the help requests move "
            "together."
        )
        if profile is None:
            return str(explain)
        # By URL name: accounts sits below workers and may not import it.
        return format_html(
            '{} <a href="{}">{}</a>',
            explain,
            reverse("workers:transfer_new", args=[profile.pk]),
            _("Ask for a transfer"),
        )


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "phones", "is_demo", "updated_at"]
    list_filter = ["is_demo"]
    search_fields = ["name", "province__name", "address"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "division_type"]
    search_fields = ["name", "short_name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    search_fields = ["name"]
    list_select_related = ["province"]


# allauth searches sessions by `user__username`, which our User does not have: any search in
# the admin's list of sessions was a server error.
admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(AllauthUserSessionAdmin):
    search_fields = ["user__name", "user__email", "user__phone", "ip"]


@admin.register(PendingFileDeletion)
class PendingFileDeletionAdmin(admin.ModelAdmin):
    """Files an erasure could not delete yet: the nightly job tries them again."""

    list_display = ["name", "storage", "created_at", "attempts", "last_tried_at", "last_error"]
    readonly_fields = list_display  # type: ignore[assignment]  # list_display here holds field names only

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
