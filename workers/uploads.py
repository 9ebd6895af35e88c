"""Checking and cleaning an uploaded document before it is stored.

The type is decided by the file's first bytes, never by its name or the browser's word.
Images are decoded and encoded again, which drops EXIF (GPS position, phone model) and
anything hidden after the image data; HEIC photos from iPhones become JPEG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
JPEG_QUALITY = 85

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class RejectedUpload(ValueError):
    """The file cannot be kept; the message says why, in the user's language."""


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str


def sniff(head: bytes) -> str | None:
    """The content type that the file's first bytes show, among those we accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"heim"}:
        return "image/heic"
    return None


def _reencode(data: bytes, source_type: str) -> CleanFile:
    if source_type == "image/heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the photo upright without EXIF
            out = io.BytesIO()
            if source_type == "image/png":
                image.save(out, format="PNG", optimize=True)
                return CleanFile(out.getvalue(), "image/png", "png")
            image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            return CleanFile(out.getvalue(), "image/jpeg", "jpg")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise RejectedUpload(
            _("This picture could not be read. Take the photo again and send it.")
        ) from None


def _check_pdf(data: bytes) -> CleanFile:
    # A PDF that runs scripts or opens actions is no paper document.
    lowered = data.lower()
    if b"/javascript" in lowered or b"/launch" in lowered:
        raise RejectedUpload(_("This PDF contains a program. Send a plain scan or a photo."))
    if b"%%eof" not in lowered[-2048:]:
        raise RejectedUpload(_("This PDF is incomplete. Send it again."))
    return CleanFile(data, "application/pdf", "pdf")


def clean_upload(upload: UploadedFile) -> CleanFile:
    """The file as it will be stored, or RejectedUpload saying why not."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise RejectedUpload(
            _("The file is larger than %(mb)s MB. Take the photo at a lower size.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise RejectedUpload(_("The file is empty."))
    data = upload.read()
    kind = sniff(data[:16])
    if kind is None:
        raise RejectedUpload(
            _("Only photos (JPEG, PNG, HEIC) and PDF files can be sent. This file is neither.")
        )
    if kind == "application/pdf":
        return _check_pdf(data)
    return _reencode(data, kind)
