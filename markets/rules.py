"""Pure rules of the markets app: fees, licences, names. No ORM, no settings, no I/O.

Every amount (wage multiple, caps, deposit ceilings, exchange rates) comes in as data read
from admin-editable rows; nothing here knows a figure of the law except that a brokerage
fee may never be charged to a worker (Law 69/2020/QH14, Art. 7(8)).
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
class FeeRules:
    """What the law allows for one programme, as recorded by an administrator."""

    #: Months of basic wage the service fee may reach per 12 months of contract (1, or 1.5
    #: for seafarers).
    service_fee_months_per_year: Decimal
    #: Per-programme ceiling on the service fee, if any, for a contract of cap_months.
    service_fee_cap: Money | None = None
    service_fee_cap_months: int | None = None
    #: Ceiling on the deposit (tiền ký quỹ), if the programme has one.
    deposit_cap: Money | None = None


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
    SERVICE_FEE_OVER_WAGE_RULE = "service_fee_over_wage_rule"
    SERVICE_FEE_OVER_CAP = "service_fee_over_cap"
    DEPOSIT_OVER_CAP = "deposit_over_cap"


@dataclass(frozen=True)
class Over:
    finding: Finding
    asked: Money
    allowed: Money


@dataclass(frozen=True)
class FeeVerdict:
    #: The most the service fee may be under the wage rule, in VND.
    wage_rule_limit: Money
    #: The programme's cap for this contract length (in the cap's currency), if any.
    cap_limit: Money | None
    #: The cap converted to VND, to compare with what was asked.
    cap_limit_vnd: Money | None
    #: The lower of the two, in VND: what the worker may be asked as a service fee at most.
    service_fee_limit: Money
    overs: list[Over] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.overs

    def has(self, finding: Finding) -> bool:
        return any(over.finding == finding for over in self.overs)


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

    A longer contract does not raise the cap: the circular states a ceiling per contract.
    """
    if not cap_months or contract_months >= cap_months:
        return cap
    return Money(cap.amount * contract_months / cap_months, cap.currency)


def check_fees(request: FeeRequest, rules: FeeRules, rates: Mapping[str, Decimal]) -> FeeVerdict:
    """Compare what a company asks with what the law allows; amounts compared in VND.

    Raises MissingRate when an amount is in a currency with no exchange rate on file.
    """
    overs: list[Over] = []
    service_fee_vnd = to_vnd(request.service_fee, rates)

    # Law 69/2020 Art. 7(8): a worker never pays brokerage, whatever the programme.
    if request.brokerage.amount > 0:
        overs.append(Over(Finding.BROKERAGE_CHARGED, request.brokerage, Money(Decimal(0), VND)))

    wage_vnd = to_vnd(request.monthly_wage, rates)
    wage_limit = wage_vnd * rules.service_fee_months_per_year * request.contract_months / 12
    wage_rule_limit = Money(wage_limit, VND)
    if service_fee_vnd > wage_limit:
        overs.append(Over(Finding.SERVICE_FEE_OVER_WAGE_RULE, request.service_fee, wage_rule_limit))

    cap_limit = cap_limit_vnd = None
    service_fee_limit = wage_limit
    if rules.service_fee_cap is not None:
        cap_limit = cap_for_contract(
            rules.service_fee_cap, rules.service_fee_cap_months, request.contract_months
        )
        cap_vnd = to_vnd(cap_limit, rates)
        cap_limit_vnd = Money(cap_vnd, VND)
        service_fee_limit = min(service_fee_limit, cap_vnd)
        if service_fee_vnd > cap_vnd:
            overs.append(Over(Finding.SERVICE_FEE_OVER_CAP, request.service_fee, cap_limit))

    if rules.deposit_cap is not None and to_vnd(request.deposit, rates) > to_vnd(
        rules.deposit_cap, rates
    ):
        overs.append(Over(Finding.DEPOSIT_OVER_CAP, request.deposit, rules.deposit_cap))

    return FeeVerdict(
        wage_rule_limit=wage_rule_limit,
        cap_limit=cap_limit,
        cap_limit_vnd=cap_limit_vnd,
        service_fee_limit=Money(service_fee_limit, VND),
        overs=overs,
    )


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
