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
    #: The day the costs arose (the first receipt), when a grant application says it.
    costs_arose_on: datetime.date | None = None
    #: The worker said their permanent residence (thường trú) is the commune in their file:
    #: True, False (elsewhere), or None (not said yet).
    permanent_residence_here: bool | None = None
    #: Grants already paid to the worker through the portal.
    state_support_received: Decimal = Decimal(0)


@dataclass(frozen=True)
class GroupPeriod:
    """The groups a programme is for between two dates, with the text that says so."""

    valid_from: datetime.date
    valid_to: datetime.date | None
    groups: tuple[str, ...]
    legal_basis: str = ""
    confirmed: bool = False

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Terms:
    """A programme's conditions and loan figures, as data."""

    kind: str = GRANT
    valid_from: datetime.date = datetime.date.min
    valid_to: datetime.date | None = None
    #: After `valid_to`, late applications (for contracts signed or costs that arose while
    #: the programme was valid) are taken until this day.
    accepts_until: datetime.date | None = None
    legal_basis: str = ""
    province_id: int | None = None
    province_name: str = ""
    groups: tuple[str, ...] = ()
    #: Groups that change with the law: when any, they replace `groups`, by date.
    group_periods: tuple[GroupPeriod, ...] = ()
    #: (code, name) of the markets; empty means any.
    markets: tuple[tuple[str, str], ...] = ()
    #: ("<market>/<programme>", name) of the work programmes; empty means any.
    programmes: tuple[tuple[str, str], ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    requires_residence: bool = False
    requires_permanent_residence: bool = False
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


# Which day decides the rules: the law in force when the contract was signed (loans) or
# when the cost arose (grants), not the day the worker applies (Decree 338/2025 replaced
# Decree 61/2015 on 1 Jan 2026 for contracts signed from then on).
BY_CONTRACT = "contract"
BY_COSTS = "costs"
BY_TODAY = "today"


def regime_day(facts: Facts, terms: Terms, today: datetime.date) -> tuple[datetime.date, str]:
    """The day whose rules apply, and which day it is (contract, costs, or today)."""
    if terms.kind == LOAN and facts.contract_signed_on is not None:
        return facts.contract_signed_on, BY_CONTRACT
    if terms.kind == GRANT and facts.costs_arose_on is not None:
        return facts.costs_arose_on, BY_COSTS
    return today, BY_TODAY


def taking_applications(terms: Terms, today: datetime.date) -> bool:
    """Applications are taken today: the programme is valid, or ended and still taking late
    applications."""
    if today < terms.valid_from:
        return False
    if terms.valid_to is None or today <= terms.valid_to:
        return True
    return terms.accepts_until is not None and today <= terms.accepts_until


def _which_day(basis: str) -> str:
    if basis == BY_CONTRACT:
        return _("you signed your contract")
    if basis == BY_COSTS:
        return _("your costs arose")
    return _("you applied")


def rule_open(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    day, basis = regime_day(facts, terms, today)
    if not taking_applications(terms, today):
        if today < terms.valid_from:
            return [_("This programme opens on %(date)s.") % {"date": _day(terms.valid_from)}]
        return [
            _("This programme ended on %(date)s. Ask the centre about the programmes open now.")
            % {"date": _day(terms.valid_to or today)}
        ]
    if basis == BY_TODAY:
        # Ended, but taking late applications: the date asked on the form decides.
        return []
    if day < terms.valid_from:
        return [
            _(
                "This programme is for contracts signed or costs that arose from %(start)s. "
                "%(what)s on %(day)s: the rules in force before then apply. Ask the centre "
                "which programme that is."
            )
            % {
                "start": _day(terms.valid_from),
                "what": _("You signed your contract")
                if basis == BY_CONTRACT
                else _("Your costs arose"),
                "day": _day(day),
            }
        ]
    if terms.valid_to is not None and day > terms.valid_to:
        return [
            _(
                "This programme is for contracts signed or costs that arose until %(end)s. "
                "%(what)s on %(day)s: the rules in force from then apply. Ask the centre "
                "which programme that is."
            )
            % {
                "end": _day(terms.valid_to),
                "what": _("You signed your contract")
                if basis == BY_CONTRACT
                else _("Your costs arose"),
                "day": _day(day),
            }
        ]
    return []


def regime_note(facts: Facts, terms: Terms, today: datetime.date) -> str:
    """Which rules were applied, and why that day: said on the application pages."""
    day, basis = regime_day(facts, terms, today)
    boundary = datetime.date(2026, 1, 1)
    side = (
        _("before 01/01/2026 (the earlier rules)")
        if day < boundary
        else _("from 01/01/2026 (the new rules)")
    )
    return _("Judged on %(day)s, the day %(which)s: %(side)s. Rules applied: %(basis)s") % {
        "day": _day(day),
        "which": _which_day(basis),
        "side": side,
        "basis": terms.legal_basis,
    }


def groups_on(terms: Terms, day: datetime.date) -> tuple[tuple[str, ...], GroupPeriod | None]:
    """The groups a programme is for on `day`: from its dated list when it has one."""
    if not terms.group_periods:
        return terms.groups, None
    for period in terms.group_periods:
        if period.covers(day):
            return period.groups, period
    return terms.groups, None


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


def rule_permanent_residence(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    if not terms.requires_permanent_residence:
        return []
    if facts.permanent_residence_here is None:
        return [
            _(
                "The bank lends where you have permanent residence (thường trú, as written on "
                "your ID card). Say in your file whether that is the commune where you live."
            )
        ]
    if not facts.permanent_residence_here:
        return [
            _(
                "The bank lends where you have permanent residence (thường trú). Your file says "
                "it is not where you live now: apply through the office of the province of your "
                "permanent residence, or tell your counsellor if it has changed."
            )
        ]
    branch = terms.province_id or facts.province_id
    if facts.commune_province_id is None:
        return [
            _(
                "Your commune or ward is not in your file yet. Add your address to your file: "
                "the bank lends where you have permanent residence."
            )
        ]
    if branch is not None and facts.commune_province_id != branch:
        return [
            _(
                "Your permanent residence is not in the province of this bank branch. Apply "
                "through the office of the province where you have permanent residence."
            )
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
    groups, _period = groups_on(terms, regime_day(facts, terms, today)[0])
    if not groups or facts.priority_groups & set(groups):
        return []
    labels = ", ".join(str(PriorityGroup(g).label) for g in groups)
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


def deposit_due_on(terms: Terms, signed: datetime.date | None) -> datetime.date | None:
    """The last day to pay the deposit (e.g. 35 days after signing with COLAB): a deadline
    for paying the deposit, told to the worker, not a deadline for asking for the loan."""
    if terms.contract_deadline_days is None or signed is None:
        return None
    return signed + datetime.timedelta(days=terms.contract_deadline_days)


Rule = Callable[[Facts, Terms, datetime.date], list[str]]

RULES: tuple[Rule, ...] = (
    rule_open,
    rule_province,
    rule_residence,
    rule_permanent_residence,
    rule_age,
    rule_groups,
    rule_market,
    rule_programme,
    rule_contract,
)


def unmet_conditions(facts: Facts, terms: Terms, today: datetime.date) -> list[str]:
    """Every condition the worker does not meet, as sentences; empty means eligible.

    Applications are taken today; the programme's dates and groups are judged on the day the
    contract was signed or the costs arose when the application says it."""
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
    found += _term_findings(terms, request)
    return found


def date_findings(terms: Terms, facts: Facts, today: datetime.date) -> list[Finding]:
    """The date that decides the rules: the contract's signing (loans, always asked) or the
    day the costs arose (grants: asked when the programme has ended and takes late
    applications; used whenever it is given)."""
    if terms.kind == LOAN:
        field, day = "contract_signed_on", facts.contract_signed_on
        missing = _("Write the date you signed the contract: the rules in force that day apply.")
    else:
        field, day = "costs_arose_on", facts.costs_arose_on
        missing = _(
            "Write the date your costs arose (the date on your first receipt): this programme "
            "ended on %(date)s and pays only costs that arose until then."
        ) % {"date": _day(terms.valid_to or today)}
    if day is None:
        late = terms.valid_to is not None and today > terms.valid_to
        if terms.kind == LOAN or late:
            return [Finding(field, missing, missing=True)]
        return []
    if day > today:
        return [
            Finding(
                field,
                _("The date %(date)s is in the future. Check the date.") % {"date": _day(day)},
            )
        ]
    return []


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
                        "Write the length of your contract in months, without extensions: the "
                        "loan must be repaid within it."
                    ),
                    missing=True,
                )
            )
        elif term > request.contract_months:
            found.append(
                Finding(
                    "loan_term_months",
                    _(
                        "The term cannot be longer than your contract (%(months)s months). "
                        "Extensions of the contract do not count."
                    )
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
