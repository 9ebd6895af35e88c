"""What the API answers, as typed Pydantic models: the OpenAPI document is made from them."""

from __future__ import annotations

import datetime

from ninja import Field, Schema


class Worker(Schema):
    name: str
    personal_id: str | None
    date_of_birth: datetime.date | None
    sex: str
    # The last check with the national population database: "match", "mismatch",
    # "unknown", or "" when never checked (docs/id-verification.md).
    id_check: str
    id_checked_at: datetime.datetime | None


class Sensitive(Schema):
    """Only for a client with the scope workers:sensitive."""

    ethnicity: str
    health_fit: bool | None
    has_criminal_record: bool | None
    priority_groups: list[str]


class CaseRecord(Schema):
    id: int
    version: int
    updated_at: datetime.datetime
    worker: Worker
    province: int | None  # the province's official code
    commune: int | None  # the commune's official code (2025 list)
    stage: str
    market: str | None  # markets' codes, e.g. "japan"
    programme: str | None
    enterprise: str | None  # the licence number
    contract_start: datetime.date | None
    contract_end: datetime.date | None
    departure_date: datetime.date | None
    expected_return: datetime.date | None
    return_date: datetime.date | None
    # "working" (abroad under the contract), "left_contract", or null when not abroad.
    status_abroad: str | None
    left_contract_on: datetime.date | None
    sensitive: Sensitive | None


class Changes(Schema):
    results: list[CaseRecord]
    # Pass it back as ?cursor= for the next page; store it to resume after a failure.
    next_cursor: str | None
    has_more: bool


class Move(Schema):
    event_id: int
    case_id: int
    from_province: int  # official codes
    to_province: int
    at: datetime.datetime
    # The transfer the move closed, and how the worker consented: "online" (on their page),
    # "address" (they changed their own address), "in_person" (a signed paper recorded by a
    # counsellor). Null for a move recorded before transfers existed.
    transfer_id: int | None = None
    consent: str | None = None


class Moves(Schema):
    results: list[Move]
    next_cursor: str | None
    has_more: bool


class Enterprise(Schema):
    id: int
    licence_number: str
    name: str
    status: str
    licence_issued_on: datetime.date | None
    suspended_from: datetime.date | None
    suspended_until: datetime.date | None
    revoked_on: datetime.date | None
    markets: list[str]
    updated_at: datetime.datetime


class Enterprises(Schema):
    results: list[Enterprise]
    next_cursor: str | None
    has_more: bool


class MoveIn(Schema):
    # Chosen by the client, unique per client: the same key sent again changes nothing and
    # answers with the case as it is (header Idempotent-Replayed: true).
    key: str = Field(min_length=8, max_length=100)
    # The case's version the client last read; when given and stale, 409. Omitted: now's.
    version: int | None = None
    reason: str = Field("", max_length=300)


class DepartureIn(MoveIn):
    departure_date: datetime.date


class ReturnIn(MoveIn):
    return_date: datetime.date


class MonthlyFigures(Schema):
    """The dashboard's figures of one month, for one province or the nation (null)."""

    province: int | None
    month: str  # "2026-11"
    departures: int
    returns: int
    sessions: int
    departures_by_market: dict[str, int]  # market code ("" for none recorded)
    departures_by_sex: dict[str, int]
    departures_by_priority_group: dict[str, int]


class RegisterRowIn(Schema):
    """One enterprise of the national register. Text as the register writes it: dates
    dd/mm/yyyy or YYYY-MM-DD, status active / suspended / revoked (or the Vietnamese words),
    markets as codes separated by ";". A field left out keeps the portal's value."""

    licence_number: str = Field(max_length=60)
    name: str = Field(max_length=255)
    short_name: str | None = None
    address: str | None = None
    status: str | None = None
    licence_issued_on: str | None = None
    suspended_from: str | None = None
    suspended_until: str | None = None
    revoked_on: str | None = None
    decision_reference: str | None = None
    markets: str | None = None
    phone: str | None = None
    email: str | None = None


class RegisterIn(Schema):
    rows: list[RegisterRowIn] = Field(max_length=5000)


class RefusedRow(Schema):
    line: int  # the row's position in `rows`, from 1
    reason: str


class RegisterOut(Schema):
    created: int
    updated: int
    unchanged: int
    refused: list[RefusedRow]


class ExchangeRow(Schema):
    """One worker who left the country or came back in the period (the exchange file's line)."""

    case_id: int
    name: str
    personal_id: str
    sex: str  # "male", "female" or ""
    date_of_birth: datetime.date | None
    commune: str  # names, as the ministry's file writes them
    province: str
    market: str
    enterprise: str
    enterprise_licence: str
    departure_date: datetime.date | None
    contract_months: int | None
    return_date: datetime.date | None


class ExchangeFile(Schema):
    province: int | None  # the province's code, or null: every province
    period_from: datetime.date = Field(alias="from")
    period_to: datetime.date = Field(alias="to")
    results: list[ExchangeRow]


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
