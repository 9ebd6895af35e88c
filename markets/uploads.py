"""What a file really is, from its first bytes: the name and the browser's word are not
trusted."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

MAX_FILES = 3
MAX_FILE_BYTES = 5 * 1024 * 1024

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def content_type_of(head: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def sniff_content_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return content_type_of(head)
