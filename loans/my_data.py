"""For "download my data": the worker's support applications (registered in LoansConfig.ready)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from loans.models import Application
from workers.models import WorkerProfile
from workers.my_data import Part, readable, record


def support_applications(profile: WorkerProfile) -> Part:
    """Her applications with what she gave (phone, bank account, words, the copy of her
    file sent with it), the amounts, the decision and its reason."""
    found = (
        Application.objects.unscoped("her own data: the profile asked for is hers")
        .filter(profile=profile)
        .select_related("programme")
        .prefetch_related("lines__item", "attachments")
        .order_by("created_at", "pk")
    )
    records = []
    for a in found:
        lines = list(a.lines.all())
        files = list(a.attachments.all())
        records.append(
            record(
                a,
                _("Application %(ref)s of %(d)s")
                % {"ref": a.reference, "d": readable(timezone.localtime(a.created_at).date())},
                [
                    ("created_at", _("Started on")),
                    "status",
                    "requested_amount",
                    "approved_amount",
                    "phone",
                    "note",
                    "bank_account",
                    "bank_name",
                    "loan_purpose",
                    "loan_term_months",
                    "decision_reason",
                    "payment_reference",
                    "bank_reference",
                    "lent_amount",
                    "bank_decided_on",
                    ("submitted_at", _("Sent on")),
                    ("decided_at", _("Decided on")),
                    ("closed_at", _("Closed on")),
                ],
                extra=[
                    ("reference", _("Reference number"), a.reference, a.reference),
                    ("programme", _("Programme"), a.programme.code, str(a.programme)),
                    (
                        "costs",
                        _("Costs"),
                        [
                            {
                                "item": line.item.code,
                                "quantity": line.quantity,
                                "amount": int(line.amount),
                            }
                            for line in lines
                        ],
                        "; ".join(f"{line.item}: {readable(line.amount)}" for line in lines),
                    ),
                    (
                        "attachments",
                        _("Files sent"),
                        [{"name": f.original_name, "type": f.content_type} for f in files],
                        ", ".join(f.original_name for f in files),
                    ),
                    # The copy of her file sent with the application; the JSON keeps it,
                    # the page shows the file itself above.
                    (
                        "applicant",
                        _("Copy of your file sent with it"),
                        a.applicant,
                        _("Yes") if a.applicant else None,
                    ),
                ],
            )
        )
    return Part(key="support_applications", title=_("Support applications"), records=records)
