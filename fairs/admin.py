from django.contrib import admin

from fairs.models import Fair, FairEvent, Registration


@admin.register(Fair)
class FairAdmin(admin.ModelAdmin):
    """Read-mostly: fairs are run from the staff pages, whose services keep the history."""

    list_display = ["title", "province", "starts_at", "status", "capacity"]
    list_filter = ["status", "province"]
    search_fields = ["title"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "fair", "status", "checked_in_at"]
    list_filter = ["status"]
    search_fields = ["code", "search_name"]
    list_select_related = ["fair"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FairEvent)
class FairEventAdmin(admin.ModelAdmin):
    list_display = ["fair", "action", "from_status", "to_status", "actor", "at"]
    list_select_related = ["fair", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
