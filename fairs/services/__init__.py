"""The only writers of the job-fair app. Each service is one transaction.

One module per seam: `fairs` (the fair, its enterprises and job orders), `registrations`
(places, the waitlist, reminders), `checkin` (the door), `outcomes` (interviews, offers,
follow-ups); `common` holds the refusals and the event log. Callers import from
``fairs.services``, which names them all.

Transitions lock the fair row (``select_for_update``), check the allowed previous states,
save with ``update_fields`` and write a ``FairEvent`` (who, when, from, to, why).

Capacity: every service that gives or frees a place locks the fair row first and counts
the places taken under that lock, so a rush of registrations never hands out more tickets
than places. Locks are always taken fair first, registration second, so two services
never wait on each other in opposite orders.
"""

from fairs.services.checkin import check_in
from fairs.services.common import (
    EDITABLE,
    CheckInRefused,
    FairError,
    InvalidTransition,
    NeedsConfirmation,
    NotLicensed,
    RegistrationRefused,
    RegStatus,
    StaleFair,
    Status,
    place_text,
)
from fairs.services.fairs import (
    FAIR_FIELDS,
    WHEN_AND_WHERE,
    fair_cancel,
    fair_close,
    fair_create,
    fair_publish,
    fair_update,
    job_order_add,
    job_order_remove,
    participation_add,
    participation_remove,
)
from fairs.services.outcomes import (
    FOLLOW_UP_DAYS,
    interview_record,
    offer_follow_up,
    offer_make,
)
from fairs.services.registrations import (
    Registered,
    registration_cancel,
    registration_create,
    reminders_due,
    reminders_send,
)

__all__ = [
    "EDITABLE",
    "FAIR_FIELDS",
    "FOLLOW_UP_DAYS",
    "WHEN_AND_WHERE",
    "CheckInRefused",
    "FairError",
    "InvalidTransition",
    "NeedsConfirmation",
    "NotLicensed",
    "RegStatus",
    "Registered",
    "RegistrationRefused",
    "StaleFair",
    "Status",
    "check_in",
    "fair_cancel",
    "fair_close",
    "fair_create",
    "fair_publish",
    "fair_update",
    "interview_record",
    "job_order_add",
    "job_order_remove",
    "offer_follow_up",
    "offer_make",
    "participation_add",
    "participation_remove",
    "place_text",
    "registration_cancel",
    "registration_create",
    "reminders_due",
    "reminders_send",
]
