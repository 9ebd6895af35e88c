"""Eligibility and amount rules of support programmes: pure functions, no ORM, no I/O.

Every figure (caps, shares, terms, thresholds, dates) arrives as data in `Terms` and `Cap`,
built from admin-editable rows by `loans.selectors`; nothing here knows an amount of the law.
Each unmet condition is one plain sentence that says what is missing and what would change
it, in the language active when the rule runs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from markets.money import format_money
from workers.reference import PriorityGroup

GRANT = "grant"
LOAN = "loan"


@dataclass(frozen=True)
class Facts:
    """What the portal knows of a worker that the conditions look at."""

    age: int | None = None
    priority_groups: frozenset[str] = frozenset()
    province_id: int | None = None
    #: Province of the commune recorded in the file; None when no commune is recorded.
    commune_province_id: int | None = None
    market_code: str | None = None
    #: "<market code>/<programme code>" of the case, e.g. "korea/eps".
    programme_key: str | None = None
    #: The case shows a signed contract (contracted, or already abroad).
    contract_signed: bool = False
    #: The day the contract was signed, when an application says it.
    contract_signed_on: datetime.date | None = None
    #: Grants already paid to the worker through the portal.
    state_support_received: Decimal = Decimal(0)


@dataclass(frozen=True)
class Terms:
    """A programme's conditions and loan figures, as data."""

    kind: str = GRANT
    valid_from: datetime.date = datetime.date.min
    valid_to: datetime.date | None = None
    province_id: int | None = None
    province_name: str = ""
    groups: tuple[str, ...] = ()
    #: (code, name) of the markets; empty means any.
    markets: tuple[tuple[str, str], ...] = ()
    #: ("<market>/<programme>", name) of the work programmes; empty means any.
    programmes: tuple[tuple[str, str], ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    requires_residence: bool = False
    requires_contract: bool = False
    contract_deadline_days: int | None = None
    # Loans
    loan_max: Decimal | None = None
    loan_share_percent: int | None = None
    deduct_state_support: bool = False
    deposit_loan: bool = False
    collateral_threshold: Decimal | None = None
    term_max_months: int | None = None
    term_within_contract: bool = False


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# --- Eligibility ----------------------------------------------------------------------


def rule_open(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    if today < terms.valid_from:
        return [_("This programme opens on %(date)s.") % {"date": _day(terms.valid_from)}]
    if terms.valid_to is not None and today > terms.valid_to:
        return [
            _("This programme ended on %(date)s. Ask the centre about the programmes open now.")
            % {"date": _day(terms.valid_to)}
        ]
    return []


def rule_province(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    if terms.province_id is not None and facts.province_id != terms.province_id:
        return [
            _("This programme is only for people who live in %(province)s.")
            % {"province": terms.province_name}
        ]
    return []


def rule_residence(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    if not terms.requires_residence:
        return []
    if facts.commune_province_id is None:
        return [
            _(
                "Your commune or ward is not in your file yet. Add your address to your file: "
                "this support is given where you live."
            )
        ]
    if terms.province_id is not None and facts.commune_province_id != terms.province_id:
        return [
            _(
                "The address in your file is not in %(province)s. If you have moved there, "
                "correct your address in your file."
            )
            % {"province": terms.province_name}
        ]
    return []


def rule_age(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    if terms.age_min is None and terms.age_max is None:
        return []
    if facts.age is None:
        return [_("Your date of birth is not in your file yet. Add it to your file.")]
    if terms.age_min is not None and facts.age < terms.age_min:
        return [
            _("You must be at least %(min)s years old for this programme; you are %(age)s.")
            % {"min": terms.age_min, "age": facts.age}
        ]
    if terms.age_max is not None and facts.age > terms.age_max:
        return [
            _("This programme is for people up to %(max)s years old; you are %(age)s.")
            % {"max": terms.age_max, "age": facts.age}
        ]
    return []


def rule_groups(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    if not terms.groups or facts.priority_groups & set(terms.groups):
        return []
    labels = ", ".join(str(PriorityGroup(g).label) for g in terms.groups)
    return [
        _(
            "This programme is for: %(groups)s. Your file does not show that you belong to one "
            "of these. If you do, add it to your file with a proof; a counsellor will check it."
        )
        % {"groups": labels}
    ]


def rule_market(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    if not terms.markets or facts.market_code in {code for code, _name in terms.markets}:
        return []
    return [
        _(
            "This programme is for work in: %(markets)s. Your file does not show work there "
            "yet; your counsellor records it when you have a contract."
        )
        % {"markets": ", ".join(name for _code, name in terms.markets)}
    ]


def rule_programme(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    if not terms.programmes or facts.programme_key in {key for key, _name in terms.programmes}:
        return []
    return [
        _(
            "This programme is for: %(programmes)s. Your file does not show it yet; your "
            "counsellor records it when you are selected."
        )
        % {"programmes": ", ".join(name for _key, name in terms.programmes)}
    ]


def rule_contract(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    if not terms.requires_contract or facts.contract_signed:
        return []
    return [
        _(
            "You need a signed work contract first. When you have signed it, tell your "
            "counsellor: they record it in your file, and then you can apply."
        )
    ]


def rule_contract_window(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    signed = facts.contract_signed_on
    if terms.contract_deadline_days is None or signed is None:
        return []
    if signed > today:
        return [
            _("The contract signing date %(date)s is in the future. Check the date.")
            % {"date": _day(signed)}
        ]
    last_day = signed + datetime.timedelta(days=terms.contract_deadline_days)
    if today > last_day:
        return [
            _(
                "This must be asked for within %(days)s days of signing the contract. You "
                "signed on %(signed)s, so the last day was %(last)s."
            )
            % {
                "days": terms.contract_deadline_days,
                "signed": _day(signed),
                "last": _day(last_day),
            }
        ]
    return []


Rule = Callable[[Facts, Terms, datetime.date], list[str]]

RULES: tuple[Rule, ...] = (
    rule_open,
    rule_province,
    rule_residence,
    rule_age,
    rule_groups,
    rule_market,
    rule_programme,
    rule_contract,
    rule_contract_window,
)


def unmet_conditions(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    """Every condition the worker does not meet today, as sentences; empty means eligible."""
    return [reason for rule in RULES for reason in rule(facts, terms, today)]


# --- Grant amounts --------------------------------------------------------------------


@dataclass(frozen=True)
class Cap:
    """A cost item's cap: `amount` per `unit` (None: the actual cost on the receipt)."""

    label: str
    unit: str = "once"
    amount: Decimal | None = None
    unit_label: str = ""
    note: str = ""
    legal_basis: str = ""


def cap_limit(cap: Cap, quantity: int) -> Decimal | None:
    """The most that may be asked for `quantity` units; None when there is no cap."""
    if cap.amount is None:
        return None
    return cap.amount * (1 if cap.unit == "once" else max(quantity, 0))


def describe_cap(cap: Cap) -> str:
    """The cap as people read it: "4.000.000 ₫ per course", or the note for actual costs."""
    if cap.amount is None:
        return cap.note or _("the actual cost on the receipt")
    text = format_money(cap.amount)
    if cap.unit != "once" and cap.unit_label:
        text = f"{text} {cap.unit_label}"
    return text


def cap_problem(cap: Cap, quantity: int, amount: Decimal) -> str | None:
    """Why `amount` for `quantity` units is over the cap, naming the cap; None when within."""
    limit = cap_limit(cap, quantity)
    if limit is None or amount <= limit:
        return None
    basis = f" ({cap.legal_basis})" if cap.legal_basis else ""
    if cap.unit == "once":
        return _("%(item)s: the cap is %(cap)s%(basis)s. You wrote %(amount)s.") % {
            "item": cap.label,
            "cap": describe_cap(cap),
            "basis": basis,
            "amount": format_money(amount),
        }
    return _(
        "%(item)s: the cap is %(cap)s%(basis)s, so at most %(limit)s for %(quantity)s. "
        "You wrote %(amount)s."
    ) % {
        "item": cap.label,
        "cap": describe_cap(cap),
        "basis": basis,
        "limit": format_money(limit),
        "quantity": quantity,
        "amount": format_money(amount),
    }


@dataclass(frozen=True)
class Line:
    cap: Cap
    quantity: int
    amount: Decimal


def grant_problems(lines: list[Line], *, receipts: int, receipts_required: bool) -> list[str]:
    """What stops a grant application from being sent: no costs, a cap passed, no receipt."""
    problems: list[str] = []
    if not [line for line in lines if line.amount > 0]:
        problems.append(_("Write at least one cost you ask support for."))
    for line in lines:
        if line.quantity < 1:
            problems.append(
                _("%(item)s: write how many (days, months or courses).") % {"item": line.cap.label}
            )
        problem = cap_problem(line.cap, line.quantity, line.amount)
        if problem:
            problems.append(problem)
    if receipts_required and receipts == 0:
        problems.append(
            _("Attach a photo of at least one receipt: this support is paid on receipts.")
        )
    return problems


# --- Loans ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoanRequest:
    amount: Decimal
    term_months: int | None = None
    costs_before_departure: Decimal | None = None
    other_state_support: Decimal = Decimal(0)
    contract_months: int | None = None
    contract_signed_on: datetime.date | None = None
    agreed_deposit: Decimal | None = None


def state_support(facts: Facts, request: LoanRequest) -> Decimal:
    """State support already received: grants paid through the portal plus what was declared."""
    return facts.state_support_received + (request.other_state_support or Decimal(0))


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a loan request: the form field it is about, and whether it is
    only missing (fine in a draft) or over a limit (refused as soon as it is typed)."""

    field: str
    message: str
    missing: bool = False


def loan_findings(terms: Terms, request: LoanRequest, facts: Facts) -> list[Finding]:
    """Everything wrong with the loan asked for, each limit named with its figure."""
    found: list[Finding] = []
    amount = request.amount
    if amount <= 0:
        found.append(Finding("amount", _("Write the amount you want to borrow."), missing=True))
    if terms.loan_max is not None and amount > terms.loan_max:
        found.append(
            Finding(
                "amount",
                _(
                    "You can borrow at most %(cap)s from this programme (its largest loan). "
                    "You asked for %(amount)s."
                )
                % {"cap": format_money(terms.loan_max), "amount": format_money(amount)},
            )
        )
    if terms.loan_share_percent is not None:
        found += _share_findings(terms, request, facts)
    if terms.deposit_loan:
        if request.agreed_deposit is None:
            found.append(
                Finding(
                    "agreed_deposit", _("Write the deposit agreed in your contract."), missing=True
                )
            )
        elif amount > request.agreed_deposit:
            found.append(
                Finding(
                    "amount",
                    _("You can borrow at most the deposit agreed in your contract (%(deposit)s).")
                    % {"deposit": format_money(request.agreed_deposit)},
                )
            )
    if terms.contract_deadline_days is not None and request.contract_signed_on is None:
        found.append(
            Finding(
                "contract_signed_on", _("Write the date you signed the contract."), missing=True
            )
        )
    found += _term_findings(terms, request)
    return found


def _share_findings(terms: Terms, request: LoanRequest, facts: Facts) -> list[Finding]:
    costs = request.costs_before_departure
    if costs is None:
        return [
            Finding(
                "costs_before_departure",
                _(
                    "Write your costs before departure, as in your contract: the loan is worked "
                    "out from them."
                ),
                missing=True,
            )
        ]
    share = costs * (terms.loan_share_percent or 0) / 100
    support = state_support(facts, request) if terms.deduct_state_support else Decimal(0)
    limit = max(share - support, Decimal(0))
    if request.amount <= limit:
        return []
    if terms.deduct_state_support:
        message = _(
            "You can borrow at most %(limit)s: %(share)s per cent of your costs before departure "
            "(%(costs)s) minus the state support you already received (%(support)s)."
        ) % {
            "limit": format_money(limit),
            "share": terms.loan_share_percent,
            "costs": format_money(costs),
            "support": format_money(support),
        }
    else:
        message = _(
            "You can borrow at most %(limit)s: %(share)s per cent of the costs in your contract "
            "(%(costs)s)."
        ) % {
            "limit": format_money(limit),
            "share": terms.loan_share_percent,
            "costs": format_money(costs),
        }
    return [Finding("amount", message)]


def _term_findings(terms: Terms, request: LoanRequest) -> list[Finding]:
    term = request.term_months
    if term is None or term < 1:
        return [
            Finding(
                "loan_term_months",
                _("Write over how many months you will repay the loan."),
                missing=True,
            )
        ]
    found: list[Finding] = []
    if terms.term_max_months is not None and term > terms.term_max_months:
        found.append(
            Finding(
                "loan_term_months",
                _("The term can be at most %(months)s months for this programme.")
                % {"months": terms.term_max_months},
            )
        )
    if terms.term_within_contract:
        if request.contract_months is None:
            found.append(
                Finding(
                    "contract_months",
                    _(
                        "Write the length of your contract in months: the loan must be repaid "
                        "within it."
                    ),
                    missing=True,
                )
            )
        elif term > request.contract_months:
            found.append(
                Finding(
                    "loan_term_months",
                    _("The term cannot be longer than your contract (%(months)s months).")
                    % {"months": request.contract_months},
                )
            )
    return found


def loan_problems(terms: Terms, request: LoanRequest, facts: Facts) -> list[str]:
    """Why the loan asked for cannot be sent, each sentence naming the limit passed."""
    return [finding.message for finding in loan_findings(terms, request, facts)]


def needs_collateral(terms: Terms, amount: Decimal) -> bool:
    """Loans above the programme's threshold need collateral (a flag, not a refusal)."""
    return terms.collateral_threshold is not None and amount > terms.collateral_threshold
