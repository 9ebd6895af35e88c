"""Checking and cleaning an uploaded document before it is stored.

The checks themselves live in accounts.uploads, shared with every other upload path (the
fraud report's files); this module adds the documents' size limit.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from accounts.uploads import (
    MAX_PIXELS,
    CleanFile,
    RejectedUpload,
    check_pdf,
    clean_bytes,
    sniff,
)

__all__ = [
    "MAX_BYTES",
    "MAX_PIXELS",
    "CleanFile",
    "RejectedUpload",
    "check_pdf",
    "clean_upload",
    "sniff",
]

MAX_BYTES = 10 * 1024 * 1024


def clean_upload(upload: UploadedFile) -> CleanFile:
    """The file as it will be stored, or RejectedUpload saying why not."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise RejectedUpload(
            _("The file is larger than %(mb)s MB. Take the photo at a lower size.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise RejectedUpload(_("The file is empty."))
    upload.seek(0)
    return clean_bytes(upload.read())
