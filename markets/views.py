"""Public pages of the markets app: markets, the fee checker, notices, enterprises, fraud
reports and complaints as the public and workers see them. The staff pages are in
staff_views.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import worker_required
from accounts.http import AuthenticatedHttpRequest
from accounts.limits import body_limit
from accounts.models import Province
from accounts.phones import format_national
from accounts.text import as_id
from markets import panels, rules, selectors, services, throttle
from markets.forms import (
    ComplaintForm,
    FeeCheckForm,
    FraudReportForm,
)
from markets.models import (
    Enterprise,
    FigureKind,
    Market,
    Notice,
    Programme,
)
from markets.money import format_amount
from markets.uploads import MAX_FILE_BYTES as FRAUD_FILE_BYTES
from markets.uploads import MAX_FILES as FRAUD_FILES

NOTICES_PER_PAGE = 20
ENTERPRISES_PER_PAGE = 30

FRAUD_REPORTS_PER_HOUR = 5
FRAUD_REPORT_WINDOW = 60 * 60


# --- Markets --------------------------------------------------------------------------


@require_GET
def market_list(request: HttpRequest) -> HttpResponse:
    totals = selectors.national_departures()
    return render(
        request,
        "markets/market_list.html",
        {
            "markets": selectors.published_markets(),
            "totals": totals,
            "chart": selectors.national_departures_chart(totals),
        },
    )


@require_GET
def market_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        market = selectors.market_for_public(code)
    except Market.DoesNotExist as error:
        raise Http404 from error
    stats = sorted(market.departures.all(), key=lambda s: s.year)
    return render(
        request,
        "markets/market_detail.html",
        {
            "market": market,
            "programmes": market.programmes.all(),
            "national_rules": selectors.national_rules(),
            "stats": stats,
            "chart": selectors.market_departures_chart(market),
            "panels": panels.collect(request, market),
        },
    )


# --- Fee checker ----------------------------------------------------------------------


def _finding_sentence(over: rules.Over, fee_request: rules.FeeRequest, fee: rules.FeeRules) -> str:
    asked, allowed = format_amount(over.asked), format_amount(over.allowed)
    contract = fee_request.contract_months
    match over.finding:
        case rules.Finding.BROKERAGE_CHARGED:
            return _(
                "Brokerage fee %(asked)s: not allowed. No one may charge a worker a brokerage fee."
            ) % {"asked": asked}
        case rules.Finding.SERVICE_FEE_NOT_ALLOWED:
            return _(
                "Service fee %(asked)s: not allowed. In this programme no enterprise may charge "
                "you a service fee."
            ) % {"asked": asked}
        case rules.Finding.SERVICE_FEE_OVER_WAGE_RULE:
            return _(
                "Service fee %(asked)s: too high. For a %(contract)s-month contract the law "
                "allows at most %(allowed)s (%(months)s month of basic wage for each 12 months "
                "of contract)."
            ) % {
                "asked": asked,
                "allowed": allowed,
                "contract": contract,
                "months": _number(fee.wage_rule_months_per_year),
            }
        case rules.Finding.SERVICE_FEE_OVER_LONG_CONTRACT:
            return _(
                "Service fee %(asked)s: too high. For a contract of %(from)s months or more the "
                "law allows at most %(months)s months of basic wage, %(allowed)s, however long "
                "the contract."
            ) % {
                "asked": asked,
                "allowed": allowed,
                "from": fee.long_contract_from_months,
                "months": _number(fee.long_contract_max_months or Decimal(0)),
            }
        case rules.Finding.SERVICE_FEE_OVER_CAP:
            return _(
                "Service fee %(asked)s: above this programme's cap of %(allowed)s "
                "for a %(contract)s-month contract."
            ) % {"asked": asked, "allowed": allowed, "contract": contract}
        case rules.Finding.DEPOSIT_NOT_ALLOWED:
            return _(
                "Deposit %(asked)s: not allowed. In this programme no one may take a deposit or "
                "penalty money from you."
            ) % {"asked": asked}
        case rules.Finding.OTHER_CHARGE_WITHOUT_BASIS:
            return _(
                "Other charges %(asked)s: the law names no such charge. You pay only the service "
                "fee, a deposit where the programme allows one, and costs at their real price "
                "with a receipt. Ask in writing what it is for and which law allows it."
            ) % {"asked": asked}
    return _("Deposit %(asked)s: above the most allowed, %(allowed)s.") % {
        "asked": asked,
        "allowed": allowed,
    }


_IMPLAUSIBLE = {
    rules.Implausible.WAGE_TOO_LOW: gettext_lazy(
        "This wage is too low to be a monthly wage abroad. Write the monthly basic wage from "
        "the contract, and check whether it is in the country's money or in VND."
    ),
    rules.Implausible.WAGE_TOO_HIGH: gettext_lazy(
        "This wage is too high to be a monthly wage. Check the number of zeros, and whether it "
        "is in the country's money or in VND."
    ),
    rules.Implausible.AMOUNT_TOO_HIGH: gettext_lazy(
        "This amount is too high to be right. Check the number of zeros, and whether it is in "
        "VND or in US dollars."
    ),
}

#: Figures shown beside the fee checker's answer: what the state body collects, the foreign
#: agency's monthly fee, unconfirmed caps, prohibitions and hotlines.
_FEE_CHECK_FIGURE_KINDS = frozenset(
    {
        FigureKind.NO_SERVICE_FEE,
        FigureKind.NO_DEPOSIT,
        FigureKind.SERVICE_FEE_CAP,
        FigureKind.DEPOSIT_CAP,
        FigureKind.STATE_CHARGE,
        FigureKind.AGENCY_MONTHLY_FEE,
        FigureKind.HOTLINE,
    }
)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def _fee_check_refused(request: HttpRequest) -> HttpResponse | None:
    """One more check for the visitor's address, or, over the limit, the form with a 429."""
    if request.user.is_authenticated and request.user.is_staff_member:
        return None
    address = throttle.client_address(request)
    window = settings.FEE_CHECK_WINDOW_SECONDS
    if throttle.consume(
        "fee-check", address, limit=settings.FEE_CHECKS_PER_WINDOW, window_seconds=window
    ):
        return None
    wait = throttle.retry_after("fee-check", address, window_seconds=window)
    response = render(
        request,
        "markets/fee_check.html",
        {
            # Unbound but filled with what was typed: no errors for fields nobody checked.
            "form": FeeCheckForm(initial=request.GET.dict()),
            "limited": True,
            "limit": settings.FEE_CHECKS_PER_WINDOW,
            "window_minutes": max(1, window // 60),
            "retry_at": timezone.localtime() + timedelta(seconds=wait),
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def _fee_check_answer(
    form: FeeCheckForm, programme: Programme, fee_request: rules.FeeRequest
) -> dict[str, Any] | None:
    """The checker's answer, or None after adding to the form what makes no sense."""
    rates = selectors.exchange_rates()
    try:
        fee_rules = selectors.fee_rules_for(programme)
        problems = rules.implausible(fee_request, rates)
        if not problems:
            verdict = rules.check_fees(fee_request, fee_rules, rates)
    except rules.MissingRate as missing:
        form.add_error(
            None,
            _(
                "We cannot check amounts in %(currency)s yet. Please call the centre "
                "or write the amounts in VND."
            )
            % {"currency": missing.currency},
        )
        return None
    except selectors.MissingRule:
        form.add_error(
            None,
            _(
                "The rules for this programme have not been recorded yet, so we cannot check "
                "it. Please call the centre."
            ),
        )
        return None
    if problems:
        for name, problem in problems.items():
            form.add_error(name, str(_IMPLAUSIBLE[problem]))
        return None
    figures = [
        figure
        for figure in selectors.programme_figures(programme)
        if figure.kind in _FEE_CHECK_FIGURE_KINDS
    ]
    return {
        "programme": programme,
        "fee_request": fee_request,
        "fee_rules": fee_rules,
        "verdict": verdict,
        "findings": [
            {
                "text": _finding_sentence(over, fee_request, fee_rules),
                "basis": over.basis,
            }
            for over in verdict.overs
        ],
        "limit": format_amount(verdict.service_fee_limit),
        "wage_limit": format_amount(verdict.wage_rule_limit),
        "cap_limit": format_amount(verdict.cap_limit) if verdict.cap_limit else "",
        "cap_limit_vnd": format_amount(verdict.cap_limit_vnd) if verdict.cap_limit_vnd else "",
        "other": format_amount(fee_request.other) if fee_request.other.amount else "",
        "figures": figures,
        "hotlines": [f for f in figures if f.kind == FigureKind.HOTLINE],
    }


def _flag_implausible(form: FeeCheckForm) -> None:
    """On a form with errors, also mark the amounts that make no sense."""
    partial = form.partial_fee_request()
    if partial is None:
        return
    try:
        problems = rules.implausible(partial, selectors.exchange_rates())
    except rules.MissingRate:
        return
    for name, problem in problems.items():
        if name not in form.errors:
            form.add_error(name, str(_IMPLAUSIBLE[problem]))


@require_GET
def fee_check(request: HttpRequest) -> HttpResponse:
    """The form is a GET: checking changes nothing, and the answer can be shared as a link."""
    context: dict[str, Any] = {}
    if "programme" in request.GET and "contract_months" in request.GET:
        refused = _fee_check_refused(request)
        if refused is not None:
            return refused
        form = FeeCheckForm(request.GET)
        if form.is_valid():
            answer = _fee_check_answer(form, form.cleaned_data["programme"], form.fee_request())
            if answer is not None:
                context.update(answer)
        else:
            _flag_implausible(form)
    else:
        initial = {}
        if programme_id := as_id(request.GET.get("programme")):
            initial["programme"] = programme_id
        form = FeeCheckForm(initial=initial)
    context["form"] = form
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "markets/fee_check.html", context, status=status)


# --- Notices (public) -----------------------------------------------------------------


def _chosen_province(request: HttpRequest) -> tuple[Province | None, bool]:
    """(province, all_provinces) from ?province=<code>|all, else the visitor's province."""
    wanted = request.GET.get("province", "")
    if wanted == "all":
        return None, True
    if (code := as_id(wanted)) is not None:
        province = Province.objects.filter(code=code).first()
        if province is not None:
            return province, False
    if wanted == "national":
        return None, False
    user = request.user
    if user.is_authenticated and user.province_id and not user.is_admin:
        return user.province, False
    return None, True


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    province, all_provinces = _chosen_province(request)
    notices = selectors.public_notices(
        province_id=province.pk if province else None, all_provinces=all_provinces
    )
    page = Paginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "markets/notice_list.html",
        {
            "page": page,
            "province": province,
            "all_provinces": all_provinces,
            "provinces": Province.objects.only("code", "short_name"),
        },
    )


@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = selectors.notice_for_public(pk)
    except Notice.DoesNotExist as error:
        raise Http404 from error
    return render(request, "markets/notice_detail.html", {"notice": notice})


# --- Enterprises ----------------------------------------------------------------------


@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    search = selectors.enterprise_search(query)
    page = Paginator(search.results, ENTERPRISES_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    # A match holds every word typed, legal form included, so one whose distinctive part
    # is the query's is the company the visitor meant: no warning about the others.
    exact = bool(query) and any(
        e.name_distinctive == rules.distinctive(rules.normalise(query)) for e in page.object_list
    )
    return render(
        request,
        "markets/enterprise_list.html",
        {
            "query": query,
            "page": page,
            "rows": [(e, e.may_recruit_on(today)) for e in page.object_list],
            "look_alikes": [] if exact else search.look_alikes,
            "today": today,
        },
    )


@require_GET
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        enterprise = selectors.enterprise_for_public(pk)
    except Enterprise.DoesNotExist as error:
        raise Http404 from error
    today = timezone.localdate()
    return render(
        request,
        "markets/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "may_recruit": selectors.enterprise_may_recruit(enterprise, today),
            "today": today,
        },
    )


# --- Fraud reports (public) -----------------------------------------------------------


FRAUD_REFERENCE_SESSION_KEY = "fraud_report_reference"


@body_limit(FRAUD_FILES * FRAUD_FILE_BYTES)
@require_http_methods(["GET", "POST"])
def fraud_report_create(request: HttpRequest) -> HttpResponse:
    address = throttle.client_address(request)
    if request.method == "GET":
        initial = {"name_used": request.GET.get("name", "")[:200]}
        if as_id(request.GET.get("province")):
            initial["province"] = request.GET["province"]
        return render(
            request, "markets/fraud_report_form.html", {"form": FraudReportForm(initial=initial)}
        )
    if "show_communes" in request.POST:
        # Fills the commune list for the chosen province without a script, keeping what
        # was typed and without showing errors for fields not filled in yet.
        form = FraudReportForm(initial=request.POST.dict())
        return render(request, "markets/fraud_report_form.html", {"form": form})
    # The place is taken before the form is read (increment, then check), and given back
    # if the form comes back with errors: at once or one by one, 5 reports an hour.
    if not throttle.consume(
        "fraud-report", address, limit=FRAUD_REPORTS_PER_HOUR, window_seconds=FRAUD_REPORT_WINDOW
    ):
        form = FraudReportForm(initial=request.POST.dict())
        return render(
            request,
            "markets/fraud_report_form.html",
            {"form": form, "limited": True, "limit": FRAUD_REPORTS_PER_HOUR},
            status=429,
        )
    form = FraudReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = services.fraud_report_submit(
                province=data["province"],
                commune=data["commune"],
                name_used=data["name_used"],
                phone=data["phone"],
                what_was_asked=data["what_was_asked"],
                amount_paid=data["amount_paid"],
                reporter_name=data["reporter_name"],
                reporter_contact=data["reporter_contact"],
                attachments=data["attachments"],
                by=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown once on the thank-you page, from this visitor's own session.
            request.session[FRAUD_REFERENCE_SESSION_KEY] = report.reference
            return redirect("markets:fraud_report_sent")
    throttle.refund("fraud-report", address)
    return render(request, "markets/fraud_report_form.html", {"form": form}, status=400)


@require_GET
def fraud_report_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(FRAUD_REFERENCE_SESSION_KEY, "")
    return render(request, "markets/fraud_report_sent.html", {"reference": reference})


# --- Complaints (complainant) ---------------------------------------------------------

COMPLAINTS_PER_HOUR = 5
COMPLAINT_REFERENCE_SESSION_KEY = "complaint_reference"


def _complaint_form(request: HttpRequest, *args: Any, **kwargs: Any) -> ComplaintForm:
    user = request.user
    fixed = bool(user.is_authenticated and not user.is_staff_member and user.province_id)
    return ComplaintForm(*args, province_fixed=fixed, **kwargs)


def _complaint_page(
    request: HttpRequest, form: ComplaintForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(request, "markets/complaint_form.html", {"form": form, **extra}, status=status)


@body_limit(FRAUD_FILES * FRAUD_FILE_BYTES)
@require_http_methods(["GET", "POST"])
def complaint_create(request: HttpRequest) -> HttpResponse:
    """Anyone lodges a complaint; a signed-in worker's goes to her province and her account."""
    user = request.user
    if request.method == "GET":
        initial: dict[str, Any] = {}
        if (pk := as_id(request.GET.get("enterprise"))) is not None:
            found = Enterprise.objects.filter(pk=pk).values_list("pk", "name").first()
            if found:
                initial.update(enterprise=found[0], enterprise_query=found[1])
        if user.is_authenticated and not user.is_staff_member:
            initial.update(
                complainant_name=user.name, complainant_phone=format_national(user.phone or "")
            )
        return _complaint_page(request, _complaint_form(request, initial=initial))
    if "find" in request.POST:
        # Searches the register for the name typed, keeping everything else, without
        # errors for the fields not filled in yet (no script needed).
        return _complaint_page(request, _complaint_form(request, initial=request.POST.dict()))
    address = throttle.client_address(request)
    if not throttle.consume(
        "complaint", address, limit=COMPLAINTS_PER_HOUR, window_seconds=FRAUD_REPORT_WINDOW
    ):
        form = _complaint_form(request, initial=request.POST.dict())
        return _complaint_page(request, form, status=429, limited=True, limit=COMPLAINTS_PER_HOUR)
    form = _complaint_form(request, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        # The form leaves the province out only for a signed-in worker whose own is known.
        province = data.get("province") or (user.province if user.is_authenticated else None)
        try:
            if province is None:
                raise ValidationError(_("Choose your province: its centre handles the complaint."))
            complaint = services.complaint_lodge(
                province=province,
                kind=data["kind"],
                what_happened=data["what_happened"],
                complainant_name=data["complainant_name"],
                complainant_phone=data["complainant_phone"],
                enterprise=data["enterprise"],
                broker_name=data["broker_name"],
                broker_phone=data["broker_phone"],
                amount_paid=data["amount_paid"],
                amount_claimed=data["amount_claimed"],
                attachments=data["attachments"],
                by=user if user.is_authenticated else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[COMPLAINT_REFERENCE_SESSION_KEY] = complaint.reference
            return redirect("markets:complaint_sent")
    throttle.refund("complaint", address)
    return _complaint_page(request, form, status=400)


@require_GET
def complaint_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(COMPLAINT_REFERENCE_SESSION_KEY, "")
    return render(request, "markets/complaint_sent.html", {"reference": reference})


@worker_required
@require_GET
def my_complaints(request: AuthenticatedHttpRequest) -> HttpResponse:
    complaints = selectors.complaints_for(request.user)
    return render(request, "markets/my_complaints.html", {"complaints": complaints[:100]})


@worker_required
@require_GET
def my_complaint(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(selectors.complaints_for(request.user), pk=pk)
    return render(request, "markets/my_complaint.html", {"complaint": complaint})
