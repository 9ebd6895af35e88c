"""What the API answers, as typed Pydantic models: the OpenAPI document is made from them."""

from __future__ import annotations

import datetime

from ninja import Field, Schema


class Worker(Schema):
    name: str
    personal_id: str | None
    date_of_birth: datetime.date | None
    sex: str


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


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
