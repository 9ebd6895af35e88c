from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from markets import services
from markets.models import (
    ENTERPRISE_COLUMNS,
    DepartureStat,
    DepartureTotal,
    Enterprise,
    EnterpriseEvent,
    ExchangeRate,
    LegalFigure,
    LegalFigureChange,
    Market,
    Notice,
    NoticeEvent,
    Programme,
)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "vnd_per_unit", "as_of", "source"]


class DepartureStatInline(admin.TabularInline):
    model = DepartureStat
    extra = 0


class ProgrammeInline(admin.TabularInline):
    model = Programme
    fields = ["code", "name_vi", "name_en", "order", "is_published"]
    show_change_link = True
    extra = 0


class FigureInline(admin.TabularInline):
    """The figures of a market or programme, read here; changed in their own admin page so
    that every change goes through the service and lands in the history."""

    model = LegalFigure
    fields = ["kind", "label_vi", "amount", "currency", "valid_from", "valid_to", "status"]
    readonly_fields = fields  # type: ignore[assignment]  # fields here is a flat list of names
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "code", "currency", "order", "is_published"]
    list_editable = ["order", "is_published"]
    prepopulated_fields = {"code": ["name_en"]}
    search_fields = ["name_vi", "name_en", "code"]
    inlines = [ProgrammeInline, FigureInline, DepartureStatInline]
    fieldsets = [
        (None, {"fields": ["code", "name_vi", "name_en", "currency", "order", "is_published"]}),
        (_("Summary"), {"fields": ["summary_vi", "summary_en"]}),
        (
            _("Hotlines and risks"),
            {"fields": ["hotlines_vi", "hotlines_en", "risks_vi", "risks_en"]},
        ),
    ]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "market", "order", "is_published"]
    list_filter = ["market", "is_published"]
    list_select_related = ["market"]
    search_fields = ["name_vi", "name_en", "code"]
    inlines = [FigureInline]
    fieldsets = [
        (None, {"fields": ["market", "code", "name_vi", "name_en", "order", "is_published"]}),
        (_("Summary"), {"fields": ["summary_vi", "summary_en"]}),
        (
            _("Conditions in words (figures such as ages and wages are legal figures)"),
            {
                "fields": [
                    "language_vi",
                    "language_en",
                    "health_vi",
                    "health_en",
                    "other_conditions_vi",
                    "other_conditions_en",
                ]
            },
        ),
        (
            _("Fees in words (the fee checker reads the legal figures)"),
            {
                "fields": [
                    "deposit_rules_vi",
                    "deposit_rules_en",
                    "costs_vi",
                    "costs_en",
                    "legal_basis_vi",
                    "legal_basis_en",
                ]
            },
        ),
        (
            _("Hotlines and risks"),
            {"fields": ["hotlines_vi", "hotlines_en", "risks_vi", "risks_en"]},
        ),
    ]


class FigureChangeInline(admin.TabularInline):
    model = LegalFigureChange
    fields = ["at", "by", "action", "changes", "reason"]
    readonly_fields = fields  # type: ignore[assignment]  # fields here is a flat list of names
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LegalFigureForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Why you change it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history with your name, e.g. the new decree's number."),
    )

    class Meta:
        model = LegalFigure
        fields = list(services.FIGURE_FIELDS)


@admin.register(LegalFigure)
class LegalFigureAdmin(admin.ModelAdmin):
    """Every legal rule and figure: changes go through services.legal_figure_save, which
    records who changed which field when (the history below each figure)."""

    form = LegalFigureForm
    list_display = [
        "label_vi",
        "kind",
        "market",
        "programme",
        "amount",
        "currency",
        "valid_from",
        "valid_to",
        "status",
        "checked_on",
    ]
    list_filter = ["status", "kind", "market", "programme__market"]
    list_select_related = ["market", "programme__market"]
    search_fields = ["label_vi", "label_en", "document", "article"]
    inlines = [FigureChangeInline]
    fieldsets = [
        (None, {"fields": ["kind", "market", "programme", "label_vi", "label_en", "order"]}),
        (
            _("The figure"),
            {
                "fields": [
                    ("amount", "amount_max", "currency"),
                    "per_months",
                    "value_vi",
                    "value_en",
                ]
            },
        ),
        (
            _("Source and validity"),
            {
                "fields": [
                    "document",
                    "article",
                    "source_url",
                    ("valid_from", "valid_to"),
                    ("status", "checked_on"),
                    "note_vi",
                    "note_en",
                    "change_reason",
                ]
            },
        ),
    ]

    def save_model(self, request: HttpRequest, obj: LegalFigure, form: Any, change: bool) -> None:
        services.legal_figure_save(
            figure=obj,
            by=request.user,  # type: ignore[arg-type]  # the admin site only serves signed-in staff
            reason=form.cleaned_data.get("change_reason", ""),
        )

    def delete_model(self, request: HttpRequest, obj: LegalFigure) -> None:
        services.legal_figure_delete(figure=obj, by=request.user)  # type: ignore[arg-type]  # the admin site only serves signed-in staff

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for figure in queryset:
            services.legal_figure_delete(figure=figure, by=request.user)  # type: ignore[arg-type]  # the admin site only serves signed-in staff


@admin.register(LegalFigureChange)
class LegalFigureChangeAdmin(admin.ModelAdmin):
    """The history, read only: who changed which figure when."""

    list_display = ["at", "figure_label", "action", "by", "reason"]
    list_filter = ["action"]
    search_fields = ["figure_label", "reason"]
    readonly_fields = ["figure", "figure_label", "by", "at", "action", "changes", "reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DepartureStat)
class DepartureStatAdmin(admin.ModelAdmin):
    list_display = ["market", "year", "departures", "period_vi", "source"]
    list_filter = ["year", "market"]
    list_select_related = ["market"]


@admin.register(DepartureTotal)
class DepartureTotalAdmin(admin.ModelAdmin):
    list_display = ["year", "total", "women", "plan", "period_vi"]


class EnterpriseAdminForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [*ENTERPRISE_COLUMNS, "is_demo"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("status")
        if self.instance.pk and status:
            # The service's rule and message; the save would refuse it too, as a 500.
            services.enterprise_status_check(previous=self.initial["status"], status=status)
        return data


class EnterpriseEventInline(admin.TabularInline):
    model = EnterpriseEvent
    fields = ["at", "by", "from_status", "to_status", "decision_reference", "reason"]
    readonly_fields = fields  # type: ignore[assignment]  # fields here is a flat list of names
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    form = EnterpriseAdminForm
    list_display = ["name", "licence_number", "status", "licence_issued_on", "is_demo"]
    list_filter = ["status", "is_demo", "markets"]
    search_fields = ["name", "short_name", "licence_number", "search_text"]
    filter_horizontal = ["markets"]
    inlines = [EnterpriseEventInline]

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        # Through the service, so the search columns are filled and a status move recorded;
        # the admin sets the markets afterwards with save_related.
        services.enterprise_save(enterprise=obj, by=request.user)  # type: ignore[arg-type]  # the admin site only serves signed-in staff


class NoticeEventInline(admin.TabularInline):
    model = NoticeEvent
    fields = ["at", "by", "from_status", "to_status", "reason"]
    readonly_fields = fields  # type: ignore[assignment]  # fields here is a flat list of names
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only here: notices are written and moved on the staff pages, through services."""

    list_display = ["title", "category", "province", "status", "publish_at", "expires_at", "pinned"]
    list_filter = ["status", "category", "province"]
    list_select_related = ["province"]
    search_fields = ["title"]
    inlines = [NoticeEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
