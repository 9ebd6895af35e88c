"""For "download my data": the worker's help requests (registered in AssistanceConfig.ready)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import HelpRequest
from workers.models import WorkerProfile
from workers.my_data import Part, readable, record


def help_requests(profile: WorkerProfile) -> Part:
    """Her requests, with what she wrote and how to reach her; the counsellors' notes on
    each step are for staff and stay out, as on her home."""
    found = (
        HelpRequest.objects.unscoped("her own data: the profile asked for is hers")
        .filter(profile=profile)
        .prefetch_related("photos")
    )
    records = []
    for r in found.order_by("created_at", "pk"):
        photos = list(r.photos.all())
        records.append(
            record(
                r,
                _("Help request of %(d)s")
                % {"d": readable(timezone.localtime(r.created_at).date())},
                [
                    ("created_at", _("Sent on")),
                    "kind",
                    "what_happened",
                    "phone_abroad",
                    "zalo",
                    "relative_contact",
                    ("source", _("How it came in")),
                    ("status", _("Status")),
                    ("first_contact_due", _("First contact expected by")),
                    ("first_contact_at", _("First contact on")),
                    ("outcome", _("Outcome")),
                    "referred_to",
                    "amount_recovered",
                    ("closed_at", _("Closed on")),
                ],
                extra=[
                    (
                        "photos",
                        _("Files sent"),
                        [
                            {"name": p.original_name, "type": p.content_type, "size": p.size}
                            for p in photos
                        ],
                        ", ".join(p.original_name or f"#{p.pk}" for p in photos),
                    )
                ],
            )
        )
    return Part(key="help_requests", title=_("Help requests"), records=records)
