"""Administrators keep the programmes, their caps and yearly budgets here. Applications are
read-only: their status moves only through the services, from the staff pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from loans.models import (
    Application,
    ApplicationEvent,
    CostItem,
    CostLine,
    GroupRule,
    InterestRate,
    ProgrammeBudget,
    SupportProgramme,
)


class CostItemInline(admin.TabularInline):
    model = CostItem
    extra = 0
    fields = ["code", "unit", "cap", "cap_note_vi", "cap_note_en", "legal_basis", "order"]


class ProgrammeBudgetInline(admin.TabularInline):
    model = ProgrammeBudget
    extra = 0


class GroupRuleInline(admin.TabularInline):
    """Who the programme is for, by the date the contract was signed or the cost arose."""

    model = GroupRule
    extra = 0
    fields = ["valid_from", "valid_to", "groups", "legal_basis", "confirmed", "note_vi", "note_en"]


class InterestRateInline(admin.TabularInline):
    model = InterestRate
    extra = 0
    fields = [
        "group",
        "percent_of_poor_rate",
        "rate_vi",
        "rate_en",
        "valid_from",
        "valid_to",
        "legal_basis",
        "confirmed",
        "order",
    ]


@admin.register(SupportProgramme)
class SupportProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "kind", "province", "valid_from", "valid_to", "checked_on"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name_vi", "name_en", "legal_basis_vi"]
    filter_horizontal = ["markets", "programmes", "required_documents"]
    inlines = [CostItemInline, GroupRuleInline, InterestRateInline, ProgrammeBudgetInline]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CostLineInline(ReadOnlyInline):
    model = CostLine


class EventInline(ReadOnlyInline):
    model = ApplicationEvent


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["pk", "programme", "province", "status", "requested_amount", "approved_amount"]
    list_filter = ["status", "programme", "province"]
    inlines = [CostLineInline, EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
