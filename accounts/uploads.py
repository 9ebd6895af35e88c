"""Checking and cleaning an uploaded file before it is stored, on every upload path.

The type is decided by the file's first bytes, never by its name or the browser's word.
Images are measured from their header and refused over MAX_PIXELS before a pixel is
decoded, then decoded and encoded again, which drops EXIF (GPS position, phone model) and
anything hidden after the image data; HEIC photos from iPhones become JPEG. PDFs are
parsed with pikepdf (names decoded, object streams opened) and refused when any object
holds an action, a script, a launch or an embedded file.

Workers' documents and support receipts (workers.uploads) and fraud-report files
(markets.forms) all come through `clean_bytes`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# 25 million pixels: a 24-megapixel camera or a phone's usual 12 MP photo passes, a page
# scanned at 300 dpi is 9 MP; decoding one costs ~75 MB, and an 8900 x 8900 "bomb"
# (79 MP, 300 KB on disk, 600 MB decoded) is refused from its header.
MAX_PIXELS = 25_000_000
JPEG_QUALITY = 85

# Pillow itself refuses at twice this (DecompressionBombError) on any other path.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"


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
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"heim"}:
        return HEIC
    return None


def _unreadable_picture() -> RejectedUpload:
    return RejectedUpload(_("This picture could not be read. Take the photo again and send it."))


def _too_many_pixels() -> RejectedUpload:
    return RejectedUpload(
        _(
            "This picture has more than %(million)s million pixels. Take the photo again at a "
            "lower resolution, or send a smaller copy."
        )
        % {"million": MAX_PIXELS // 1_000_000}
    )


def reencode(data: bytes, source_type: str) -> CleanFile:
    """The picture drawn again without its metadata; refused over MAX_PIXELS undecoded."""
    if source_type == HEIC:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    try:
        with Image.open(io.BytesIO(data)) as image:
            # Image.open reads the header only: the size is known before any decoding.
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels()
            image.load()
            upright = ImageOps.exif_transpose(image)  # keep the photo upright without EXIF
            out = io.BytesIO()
            if source_type == PNG:
                upright.save(out, format="PNG", optimize=True)
                return CleanFile(out.getvalue(), PNG, "png")
            upright.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            return CleanFile(out.getvalue(), JPEG, "jpg")
    except RejectedUpload:
        raise
    except Image.DecompressionBombError:
        # Pillow's own guard, at twice MAX_PIXELS, fires in Image.open: still undecoded.
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise _unreadable_picture() from None


# --- PDFs -----------------------------------------------------------------------------

#: Keys that make a PDF do something rather than show pages: scripts, embedded or attached
#: files, rich media, XFA forms. Actions are found by their dictionary: /Type /Action, or an
#: /S naming an action (wherever it sits: /A, /AA, /OpenAction, /Next, a name tree). An
#: /OpenAction or a link that is only a destination (a page to show) is not an action.
_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/RichMedia", "/XFA"}
)
_ACTION_SUBTYPES = frozenset(
    {
        "/GoTo", "/GoToR", "/GoToE", "/GoToDp", "/Launch", "/Thread", "/URI", "/Sound",
        "/Movie", "/Hide", "/Named", "/SubmitForm", "/ResetForm", "/ImportData",
        "/JavaScript", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView",
        "/RichMediaExecute",
    }
)  # fmt: skip
_ACTIVE_TYPES = frozenset({"/Action", "/EmbeddedFile", "/Filespec"})
_ACTIVE_SUBTYPES = frozenset(
    {"/FileAttachment", "/Movie", "/Sound", "/Screen", "/RichMedia", "/3D"}
)
_MAX_DEPTH = 64


def _name(value: Any) -> str | None:
    import pikepdf

    return str(value) if isinstance(value, pikepdf.Name) else None


def _active(obj: Any, depth: int = 0) -> str | None:
    """What makes this object active (looking into its direct children too), or None.

    pikepdf hands over names decoded (/J#61vaScript is /JavaScript) and the objects of
    compressed object streams as any others.
    """
    import pikepdf

    if depth > _MAX_DEPTH:
        return "nesting"
    if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        keys = set(obj.keys())
        if found := keys & _ACTIVE_KEYS:
            return min(found)
        if _name(obj.get("/S")) in _ACTION_SUBTYPES:
            return str(obj.get("/S"))
        if _name(obj.get("/Type")) in _ACTIVE_TYPES:
            return str(obj.get("/Type"))
        if _name(obj.get("/Subtype")) in _ACTIVE_SUBTYPES:
            return str(obj.get("/Subtype"))
        children: Iterable[Any] = [obj.get(k) for k in keys]
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return None
    for child in children:
        if getattr(child, "is_indirect", False):
            continue  # visited on its own in the object list
        if reason := _active(child, depth + 1):
            return reason
    return None


def check_pdf(data: bytes) -> CleanFile:
    """The PDF as sent, if it only shows pages; RejectedUpload otherwise."""
    import pikepdf

    if b"%%eof" not in data[-2048:].lower():
        raise RejectedUpload(_("This PDF is incomplete. Send it again."))
    program = RejectedUpload(_("This PDF contains a program. Send a plain scan or a photo."))
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if _active(pdf.trailer) or _active(pdf.Root):
                raise program
            for obj in pdf.objects:
                if _active(obj):
                    raise program
            if pdf.attachments:
                raise program
    except pikepdf.PasswordError:
        raise RejectedUpload(
            _("This PDF is locked with a password. Send a copy without a password.")
        ) from None
    except pikepdf.PdfError:
        # Unreadable to a parser may still run in a lenient viewer: never kept.
        if b"/javascript" in data.lower() or b"/launch" in data.lower():
            raise program from None
        raise RejectedUpload(
            _("This PDF could not be read. Send a plain scan or a photo.")
        ) from None
    return CleanFile(data, PDF, "pdf")


def clean_bytes(data: bytes, *, accept: Iterable[str] = (PDF, JPEG, PNG, HEIC)) -> CleanFile:
    """The file as it will be stored, or RejectedUpload saying why not."""
    if not data:
        raise RejectedUpload(_("The file is empty."))
    kind = sniff(data[:16])
    if kind is None or kind not in set(accept):
        raise RejectedUpload(
            _("Only photos (JPEG, PNG, HEIC) and PDF files can be sent. This file is neither.")
        )
    if kind == PDF:
        return check_pdf(data)
    return reencode(data, kind)
