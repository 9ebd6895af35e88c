"""The only writers of worker data. Each function is one transaction.

One module per seam: `profiles` (consent, the wizard's steps, assisted and imported
registration), `personal_id` (the population-database check, a disputed number),
`cases` (stage moves, assignment, sessions, notes, follow-ups, check-ins), `documents`
(upload and review), `transfers` (the province move and the transfer the worker answers),
`erasure` (deletion requests and anonymisation); `common` holds the refused transition.
Callers import from ``workers.services``, which names them all.
"""

from workers.services.cases import (
    MOVE_FIELDS,
    REINTEGRATION_TASKS,
    GuardRefused,
    StaleCase,
    case_assign,
    case_move,
    caseload_handover,
    check_in_record,
    follow_up_create,
    follow_up_done,
    note_add,
    session_log,
    sessions_link_contact,
)
from workers.services.common import (
    InvalidTransition,
)
from workers.services.documents import (
    document_return,
    document_upload,
    document_verify,
)
from workers.services.erasure import (
    deletion_request_create,
    erasure_subject,
    profile_anonymise,
)
from workers.services.personal_id import (
    ID_CHECK_FIELDS,
    IdentityIncomplete,
    id_check_differs,
    id_check_summary,
    personal_id_reassign,
    personal_id_verify,
)
from workers.services.profiles import (
    ID_CHECK_WINDOW,
    ID_CHECKS_PER_HOUR,
    STEP_FIELDS,
    DuplicatePersonalId,
    StaleProfile,
    TooManyIdChecks,
    consent_accept,
    personal_id_check_count,
    profile_fill_imported,
    profile_save_step,
    profile_start,
    sensitive_read_record,
    worker_register_assisted,
)
from workers.services.transfers import (
    PROVINCE_MOVE_HOOKS,
    TransferNeeded,
    on_province_move,
    transfer_accept,
    transfer_answer_days,
    transfer_by_address,
    transfer_cancel,
    transfer_decline,
    transfer_request,
    transfers_expire,
    worker_province_move,
)

__all__ = [
    "ID_CHECKS_PER_HOUR",
    "ID_CHECK_FIELDS",
    "ID_CHECK_WINDOW",
    "MOVE_FIELDS",
    "PROVINCE_MOVE_HOOKS",
    "REINTEGRATION_TASKS",
    "STEP_FIELDS",
    "DuplicatePersonalId",
    "GuardRefused",
    "IdentityIncomplete",
    "InvalidTransition",
    "StaleCase",
    "StaleProfile",
    "TooManyIdChecks",
    "TransferNeeded",
    "case_assign",
    "case_move",
    "caseload_handover",
    "check_in_record",
    "consent_accept",
    "deletion_request_create",
    "document_return",
    "document_upload",
    "document_verify",
    "erasure_subject",
    "follow_up_create",
    "follow_up_done",
    "id_check_differs",
    "id_check_summary",
    "note_add",
    "on_province_move",
    "personal_id_check_count",
    "personal_id_reassign",
    "personal_id_verify",
    "profile_anonymise",
    "profile_fill_imported",
    "profile_save_step",
    "profile_start",
    "sensitive_read_record",
    "session_log",
    "sessions_link_contact",
    "transfer_accept",
    "transfer_answer_days",
    "transfer_by_address",
    "transfer_cancel",
    "transfer_decline",
    "transfer_request",
    "transfers_expire",
    "worker_province_move",
    "worker_register_assisted",
]
