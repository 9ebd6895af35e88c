"""Pure rules of the markets app: fees, licences, names. No ORM, no settings, no I/O.

Every amount (wage multiple, the long-contract ceiling, caps, deposit ceilings, exchange rates)
comes in as data read from admin-editable rows (markets.LegalFigure); nothing here knows a
figure of the law except that a brokerage fee may never be charged to a worker (Law
69/2020/QH14, Art. 7(8)).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from enum import StrEnum

VND = "VND"

# --- Amounts typed by people ----------------------------------------------------------

# "4.000.000", "4,000,000", "4 000 000": thousands grouped with one separator.
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_CURRENCY_WORDS = re.compile(r"(₫|vnđ|vnd|đồng|dong|đ|usd|\$)", re.IGNORECASE)


class AmountError(ValueError):
    """The text is not an amount: not a number, or negative."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid" or "negative"


def parse_amount(text: str) -> Decimal:
    """Read an amount the way people in Vietnam write it: 4.000.000, 4,000,000 or 4000000,5.

    A single "." or "," followed by exactly three digits is read as a thousands separator,
    because amounts in VND have no decimals and that is how they are written.
    """
    cleaned = _CURRENCY_WORDS.sub("", text.strip()).replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise AmountError("invalid")
    negative = cleaned.startswith("-")
    if negative:
        cleaned = cleaned[1:]
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", "")
    elif cleaned.count(".") + cleaned.count(",") > 1:
        # Both separators: the last one is the decimal mark (1.234,5 or 1,234.5).
        last = max(cleaned.rfind("."), cleaned.rfind(","))
        whole = cleaned[:last].replace(".", "").replace(",", "")
        cleaned = f"{whole}.{cleaned[last + 1 :]}"
    else:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        raise AmountError("invalid")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the regex above guards it
        raise AmountError("invalid") from error
    if negative and value != 0:
        raise AmountError("negative")
    return value


# --- Fees -----------------------------------------------------------------------------


class MissingRate(LookupError):
    """No exchange rate on file for a currency the check needs."""

    def __init__(self, currency: str) -> None:
        super().__init__(currency)
        self.currency = currency


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Basis:
    """Where a rule comes from, and whether someone checked it against the official text."""

    document: str
    article: str = ""
    confirmed: bool = False
    checked_on: datetime.date | None = None

    @property
    def citation(self) -> str:
        return ", ".join(part for part in (self.document, self.article) if part)


@dataclass(frozen=True)
class FeeRules:
    """What the law allows for one programme on one day, as recorded by administrators.

    Prohibitions and the law's own ceilings apply even when not yet confirmed against the
    official text (they can only warn more); a programme's own cap applies only when
    confirmed: an unconfirmed cap is reported as a figure nobody has confirmed.
    """

    #: Months of basic wage the service fee may reach per 12 months of contract (1, or 1.5
    #: for seafarers; Law 69/2020 Art. 23).
    wage_rule_months_per_year: Decimal
    wage_rule_basis: Basis | None = None
    #: From this contract length on, the service fee is at most long_contract_max_months of
    #: wage (36 months: 3, or 4.5 for seafarers).
    long_contract_from_months: int | None = None
    long_contract_max_months: Decimal | None = None
    long_contract_basis: Basis | None = None
    #: A programme's own ceiling for a contract of service_fee_cap_months.
    service_fee_cap: Money | None = None
    service_fee_cap_months: int | None = None
    service_fee_cap_basis: Basis | None = None
    #: The programme allows no service fee at all (Korea EPS through COLAB).
    no_service_fee: Basis | None = None
    #: Law 69/2020 Art. 7(8). A brokerage fee is flagged even without this row.
    no_brokerage: Basis | None = None
    #: The programme allows no deposit (Japan technical intern).
    no_deposit: Basis | None = None
    deposit_cap: Money | None = None
    deposit_cap_basis: Basis | None = None

    @property
    def cap_confirmed(self) -> bool:
        return self.service_fee_cap_basis is not None and self.service_fee_cap_basis.confirmed


@dataclass(frozen=True)
class FeeRequest:
    """What a company asks of a worker, as typed into the fee checker."""

    contract_months: int
    monthly_wage: Money
    service_fee: Money
    brokerage: Money
    deposit: Money
    other: Money


class Finding(StrEnum):
    BROKERAGE_CHARGED = "brokerage_charged"
    SERVICE_FEE_NOT_ALLOWED = "service_fee_not_allowed"
    SERVICE_FEE_OVER_WAGE_RULE = "service_fee_over_wage_rule"
    SERVICE_FEE_OVER_LONG_CONTRACT = "service_fee_over_long_contract"
    SERVICE_FEE_OVER_CAP = "service_fee_over_cap"
    DEPOSIT_NOT_ALLOWED = "deposit_not_allowed"
    DEPOSIT_OVER_CAP = "deposit_over_cap"
    OTHER_CHARGE_WITHOUT_BASIS = "other_charge_without_basis"


class Limit(StrEnum):
    """Which rule set the most a service fee may be."""

    NO_SERVICE_FEE = "no_service_fee"
    WAGE_RULE = "wage_rule"
    LONG_CONTRACT = "long_contract"
    CAP = "cap"


@dataclass(frozen=True)
class Over:
    finding: Finding
    asked: Money
    allowed: Money
    basis: Basis | None = None


@dataclass(frozen=True)
class FeeVerdict:
    #: The most the service fee may be under the law's wage rules, in VND.
    wage_rule_limit: Money
    #: The programme's cap for this contract length (in the cap's currency), if any, and
    #: whether it is confirmed (only a confirmed cap is applied).
    cap_limit: Money | None
    cap_limit_vnd: Money | None
    cap_confirmed: bool
    #: What the worker may be asked as a service fee at most, in VND, and the rule that set it.
    service_fee_limit: Money
    limit: Limit
    limit_basis: Basis | None
    overs: list[Over] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.overs

    def has(self, finding: Finding) -> bool:
        return any(over.finding == finding for over in self.overs)

    @property
    def deciding_basis(self) -> Basis | None:
        """The rule that decided the verdict: the first breach, else the service fee limit."""
        if self.overs:
            return self.overs[0].basis
        return self.limit_basis


def to_vnd(money: Money, rates: Mapping[str, Decimal]) -> Decimal:
    """The amount in VND, with `rates` giving VND per one unit of each currency."""
    if money.currency == VND:
        return money.amount
    rate = rates.get(money.currency)
    if rate is None:
        raise MissingRate(money.currency)
    return money.amount * rate


def cap_for_contract(cap: Money, cap_months: int | None, contract_months: int) -> Money:
    """A cap stated for a contract of cap_months, applied to a shorter contract pro rata.

    A longer contract does not raise the cap: it is a ceiling per contract.
    """
    if not cap_months or contract_months >= cap_months:
        return cap
    return Money(cap.amount * contract_months / cap_months, cap.currency)


def wage_rule_limit(
    rules: FeeRules, wage_vnd: Decimal, contract_months: int
) -> tuple[Decimal, Limit, Basis | None]:
    """Law 69/2020 Art. 23: (contract months / 12) x the monthly wage (x 1.5 for seafarers)
    under 36 months; at most 3 months' wage (4.5 for seafarers) from 36 months on."""
    by_length = wage_vnd * rules.wage_rule_months_per_year * contract_months / 12
    if (
        rules.long_contract_from_months is not None
        and rules.long_contract_max_months is not None
        and contract_months >= rules.long_contract_from_months
    ):
        ceiling = wage_vnd * rules.long_contract_max_months
        return min(by_length, ceiling), Limit.LONG_CONTRACT, rules.long_contract_basis
    return by_length, Limit.WAGE_RULE, rules.wage_rule_basis


def check_fees(request: FeeRequest, rules: FeeRules, rates: Mapping[str, Decimal]) -> FeeVerdict:
    """Compare what a company asks with what the law allows; amounts compared in VND.

    Raises MissingRate when an amount is in a currency with no exchange rate on file.
    """
    zero = Money(Decimal(0), VND)
    overs: list[Over] = []
    service_fee_vnd = to_vnd(request.service_fee, rates)

    # Law 69/2020 Art. 7(8): a worker never pays brokerage, whatever the programme.
    if request.brokerage.amount > 0:
        overs.append(Over(Finding.BROKERAGE_CHARGED, request.brokerage, zero, rules.no_brokerage))

    wage_vnd = to_vnd(request.monthly_wage, rates)
    law_limit, limit, limit_basis = wage_rule_limit(rules, wage_vnd, request.contract_months)

    cap_limit = cap_limit_vnd = None
    if rules.service_fee_cap is not None:
        cap_limit = cap_for_contract(
            rules.service_fee_cap, rules.service_fee_cap_months, request.contract_months
        )
        cap_limit_vnd = Money(to_vnd(cap_limit, rates), VND)

    if rules.no_service_fee is not None:
        fee_limit, limit, limit_basis = Decimal(0), Limit.NO_SERVICE_FEE, rules.no_service_fee
        if service_fee_vnd > 0:
            overs.append(
                Over(
                    Finding.SERVICE_FEE_NOT_ALLOWED,
                    request.service_fee,
                    zero,
                    rules.no_service_fee,
                )
            )
    else:
        fee_limit = law_limit
        if service_fee_vnd > law_limit:
            finding = (
                Finding.SERVICE_FEE_OVER_LONG_CONTRACT
                if limit == Limit.LONG_CONTRACT
                else Finding.SERVICE_FEE_OVER_WAGE_RULE
            )
            overs.append(Over(finding, request.service_fee, Money(law_limit, VND), limit_basis))
        if cap_limit is not None and cap_limit_vnd is not None and rules.cap_confirmed:
            if cap_limit_vnd.amount < fee_limit:
                fee_limit, limit, limit_basis = (
                    cap_limit_vnd.amount,
                    Limit.CAP,
                    rules.service_fee_cap_basis,
                )
            if service_fee_vnd > cap_limit_vnd.amount:
                overs.append(
                    Over(
                        Finding.SERVICE_FEE_OVER_CAP,
                        request.service_fee,
                        cap_limit,
                        rules.service_fee_cap_basis,
                    )
                )

    deposit_vnd = to_vnd(request.deposit, rates)
    if rules.no_deposit is not None and deposit_vnd > 0:
        overs.append(Over(Finding.DEPOSIT_NOT_ALLOWED, request.deposit, zero, rules.no_deposit))
    elif (
        rules.deposit_cap is not None
        and rules.deposit_cap_basis is not None
        and rules.deposit_cap_basis.confirmed
        and deposit_vnd > to_vnd(rules.deposit_cap, rates)
    ):
        overs.append(
            Over(
                Finding.DEPOSIT_OVER_CAP,
                request.deposit,
                rules.deposit_cap,
                rules.deposit_cap_basis,
            )
        )

    # Law 69/2020 lists what a worker may pay: the service fee, a deposit, and costs at
    # their real price with a receipt. Anything else has no legal basis.
    if request.other.amount > 0:
        overs.append(Over(Finding.OTHER_CHARGE_WITHOUT_BASIS, request.other, zero, None))

    return FeeVerdict(
        wage_rule_limit=Money(law_limit, VND),
        cap_limit=cap_limit,
        cap_limit_vnd=cap_limit_vnd,
        cap_confirmed=rules.cap_confirmed,
        service_fee_limit=Money(fee_limit, VND),
        limit=limit,
        limit_basis=limit_basis,
        overs=overs,
    )


#: A monthly wage outside these bounds (in VND) is a typing mistake, not a contract: the
#: lowest is below any destination's minimum wage, the highest 40 times a usual one.
WAGE_PLAUSIBLE_VND = (Decimal(1_000_000), Decimal(1_000_000_000))
#: No recruitment cost comes near this; more is a typing mistake (or the wrong currency).
FEE_PLAUSIBLE_MAX_VND = Decimal(5_000_000_000)


class Implausible(StrEnum):
    WAGE_TOO_LOW = "wage_too_low"
    WAGE_TOO_HIGH = "wage_too_high"
    AMOUNT_TOO_HIGH = "amount_too_high"


def implausible(request: FeeRequest, rates: Mapping[str, Decimal]) -> dict[str, Implausible]:
    """Fields of a fee request that make no sense, by field name: a wage no contract pays, or
    an amount no recruiter could ask. Raises MissingRate like check_fees."""
    problems: dict[str, Implausible] = {}
    wage = to_vnd(request.monthly_wage, rates)
    if wage < WAGE_PLAUSIBLE_VND[0]:
        problems["monthly_wage"] = Implausible.WAGE_TOO_LOW
    elif wage > WAGE_PLAUSIBLE_VND[1]:
        problems["monthly_wage"] = Implausible.WAGE_TOO_HIGH
    for name in ("service_fee", "brokerage", "deposit", "other"):
        if to_vnd(getattr(request, name), rates) > FEE_PLAUSIBLE_MAX_VND:
            problems[name] = Implausible.AMOUNT_TOO_HIGH
    return problems


# --- Licences -------------------------------------------------------------------------

LICENCE_ACTIVE = "active"
LICENCE_SUSPENDED = "suspended"
LICENCE_REVOKED = "revoked"


def may_recruit(
    *,
    status: str,
    issued_on: datetime.date | None,
    suspended_from: datetime.date | None,
    suspended_until: datetime.date | None,
    revoked_on: datetime.date | None,
    on: datetime.date,
) -> bool:
    """Whether a licence allows recruiting on a day.

    The dates decide; a suspended or revoked status with no date on file counts from
    always, so a register row missing its date never lets an enterprise recruit.
    """
    if issued_on is not None and on < issued_on:
        return False
    if revoked_on is not None:
        if on >= revoked_on:
            return False
    elif status == LICENCE_REVOKED:
        return False
    if suspended_from is not None:
        if suspended_from <= on and (suspended_until is None or on <= suspended_until):
            return False
    elif status == LICENCE_SUSPENDED:
        return False
    return True


# --- Names ----------------------------------------------------------------------------

# Words of a company's legal form, and the trade words nearly every recruiter puts in its
# name ("nhân lực", "xuất khẩu lao động", "quốc tế"...). Scammers keep or change them
# freely: they say nothing about which company it is, so look-alike checks compare what is
# left, the distinctive part ("hoang lien"). Phrases are removed as wholes, after
# normalise(), so "Sao Mai" keeps its "mai" while "thương mại" goes.
_FILLER_PHRASES: tuple[str, ...] = tuple(
    sorted(
        {
            "cong ty",
            "cty",
            "co phan",
            "trach nhiem huu han",
            "mot thanh vien",
            "hai thanh vien tro len",
            "hai thanh vien",
            "tap doan",
            "tong cong ty",
            "chi nhanh",
            "nhan luc",
            "quoc te",
            "xuat khau lao dong",
            "xuat khau",
            "lao dong",
            "thuong mai",
            "dich vu",
            "dau tu",
            "phat trien",
            "cung ung",
            "hop tac",
            "viec lam",
            "dao tao",
            "giao duc",
            "ky thuat",
            "cong nghe",
            "san xuat",
            "xay dung",
            "ngoai nuoc",
            "nuoc ngoai",
            "viet nam",
            "human resources",
            "joint stock company",
            "joint stock",
            "co ltd",
        },
        key=lambda phrase: -len(phrase.split()),
    )
)
_LEGAL_FORM_WORDS = frozenset(
    {"cong", "ty", "tnhh", "co", "phan", "cp", "ctcp", "jsc", "mtv", "tm", "dv", "tmdv"}
    | {
        "xkld",
        "dt",
        "va",
        "and",
        "hr",
        "vn",
        "vietnam",
        "international",
        "intl",
        "manpower",
        "global",
    }
    | {"group", "corp", "corporation", "company", "ltd", "limited", "inc", "jsc"}
)


def normalise(text: str) -> str:
    """Lower case, no diacritics (đ becomes d), words separated by single spaces."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.lower()).split())


def canonical_licence(text: str) -> str:
    """Licence numbers compared as written, but without stray spaces or case differences."""
    return " ".join(text.split()).upper()


def name_tokens(normalised_name: str) -> list[str]:
    """The distinctive words of a normalised name, in order, each once: legal forms and
    trade filler removed ("cong ty tnhh nhan luc hoang lien" -> ["hoang", "lien"])."""
    text = f" {normalised_name} "
    for phrase in _FILLER_PHRASES:
        text = text.replace(f" {phrase} ", " ")
        text = text.replace(f" {phrase} ", " ")  # twice: adjacent repeats share a space
    words: list[str] = []
    for word in text.split():
        if word not in _LEGAL_FORM_WORDS and word not in words:
            words.append(word[:40])
    return words


def distinctive(normalised_name: str) -> str:
    """A normalised name without its legal-form and trade words ("hoang lien"); the whole
    name when nothing distinctive is left."""
    return " ".join(name_tokens(normalised_name)) or normalised_name


@dataclass(frozen=True)
class LookAlike:
    key: int
    name: str
    ratio: float


def is_look_alike(
    *, wanted: Sequence[str], other: Sequence[str], shared: int, threshold: float = 0.75
) -> bool:
    """Whether a registered name whose distinctive words are `other` looks like a typed name
    whose distinctive words are `wanted`, `shared` of them in common.

    Two shared words ("Hoàng Liên"), or all of one side's words, are a look-alike whatever
    the legal form or suffix around them; one shared word out of several is not ("Hồng Hà"
    against "Hồng Phúc") unless the rest is nearly the same text (a changed letter)."""
    if not wanted or not other or shared < 1:
        return False
    if shared >= 2 or shared == len(wanted) or shared == len(other):
        return True
    return SequenceMatcher(None, " ".join(wanted), " ".join(other)).ratio() >= threshold


def look_alikes(
    query: str, candidates: Iterable[tuple[int, str, str]], *, threshold: float = 0.75
) -> list[LookAlike]:
    """Registered names that look like the query, most similar first (for a list in memory;
    the register itself is searched by selectors.enterprise_search over stored tokens).

    `candidates` are (key, display name, normalised name). Nothing is treated as the same
    company here: a changed legal form ("TNHH" for "CP") is the usual impersonation."""
    wanted = name_tokens(normalise(query))
    if not wanted or len("".join(wanted)) < 3:
        return []
    found: list[LookAlike] = []
    for key, name, normalised_name in candidates:
        other = name_tokens(normalised_name)
        shared = len(set(wanted) & set(other))
        if is_look_alike(wanted=wanted, other=other, shared=shared, threshold=threshold):
            ratio = SequenceMatcher(None, " ".join(wanted), " ".join(other)).ratio()
            found.append(LookAlike(key, name, max(ratio, shared / max(len(wanted), len(other)))))
    found.sort(key=lambda item: -item.ratio)
    return found


def fraud_report_reference(pk: int, year: int) -> str:
    """The number a reporter quotes to the centre: "BC" (báo cáo), the year, the row id."""
    return f"BC{year % 100:02d}-{pk:05d}"


def canonical_reference(text: str) -> str:
    """What staff type ("bc26 42", "BC26-00042") as the stored form, or "" if it is not one."""
    match = re.fullmatch(r"\s*bc\s*(\d{2})\s*[-./ ]?\s*(\d{1,9})\s*", text, flags=re.IGNORECASE)
    if match is None:
        return ""
    return f"BC{match.group(1)}-{int(match.group(2)):05d}"


def complaint_reference(pk: int, year: int) -> str:
    """The number a complainant quotes to the centre: "KN" (khiếu nại), the year, the row id."""
    return f"KN{year % 100:02d}-{pk:05d}"


def canonical_complaint_reference(text: str) -> str:
    """What staff type ("kn26 42", "KN26-00042") as the stored form, or "" if it is not one."""
    match = re.fullmatch(r"\s*kn\s*(\d{2})\s*[-./ ]?\s*(\d{1,9})\s*", text, flags=re.IGNORECASE)
    if match is None:
        return ""
    return f"KN{match.group(1)}-{int(match.group(2)):05d}"
