"""Serving a private upload (a document, a receipt, a fraud report's file), and a file that
a player seeks in (an orientation recording) with byte ranges."""

import re
from collections.abc import Iterator

from django.conf import settings
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from storages.backends.s3 import S3Storage

# Stored files have random names without an extension; the name offered to the browser
# gets the one of what the file is (read from its bytes at upload), so that a phone can
# open the download (security review, finding 13).
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
}


def private_file_response(
    file: FieldFile, *, content_type: str, name: str, inline: bool = True
) -> HttpResponse:
    """The file, never cached by anyone else and unable to run anything in the portal.

    The caller has already checked who may see it (through `for_user`); `name` is the file
    name offered to the browser, which says nothing of the person or of the upload's name;
    the extension of its content type is added when it lacks one.
    With PRIVATE_FILES_SIGNED_URLS and a bucket, the answer is instead a redirect to a URL
    of the bucket signed for S3_SIGNED_URL_SECONDS: the web worker is not held while a slow
    phone downloads, and the link is worthless a minute later.
    """
    extension = EXTENSIONS.get(content_type)
    if extension and not name.lower().endswith(extension):
        name = f"{name}{extension}"
    disposition = "inline" if inline else "attachment"
    if settings.PRIVATE_FILES_SIGNED_URLS and isinstance(file.storage, S3Storage):
        if not file.storage.exists(file.name):
            raise Http404
        url = file.storage.url(
            file.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": f'{disposition}; filename="{name}"',
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.S3_SIGNED_URL_SECONDS,
        )
        response: HttpResponse = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(  # type: ignore[assignment]  # a FileResponse streams; callers return it as their HttpResponse
        handle, content_type=content_type, as_attachment=not inline, filename=name
    )
    response["Cache-Control"] = "private, no-store"
    # Whatever the file holds, it runs nothing in the portal's origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_CHUNK = 64 * 1024


def _single_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(first, last) byte of a single `Range: bytes=` header; None to send the whole file
    (no header, several ranges, a syntax we do not read: RFC 9110 lets a server ignore
    Range); False when it cannot be satisfied (it starts past the end)."""
    match = _RANGE.fullmatch(header.strip())
    if size == 0 or match is None or not (match[1] or match[2]):
        return None
    if not match[1]:  # "bytes=-500": the last 500 bytes
        suffix = int(match[2])
        if suffix == 0:
            return False
        return max(0, size - suffix), size - 1
    first = int(match[1])
    if match[2] and int(match[2]) < first:  # "bytes=9-1" is not a range: ignored
        return None
    if first >= size:
        return False
    return first, min(int(match[2]) if match[2] else size - 1, size - 1)


def _slice(handle: File, first: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(first)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def ranged_file_response(
    request: HttpRequest, file: FieldFile, *, content_type: str
) -> HttpResponseBase:
    """The whole file (200), or the single byte range asked for (206), or 416 for a range
    past its end. A browser's <audio> asks for the end of an Ogg file to read its length:
    without ranges Chrome shows "Infinity" until the recording has played through."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
        size = file.size
    except FileNotFoundError:
        raise Http404 from None
    # If-Range: the file may have changed since the part the browser holds; these files
    # carry no validator to compare with, so the whole file is the safe answer.
    wanted = None if "if-range" in request.headers else request.headers.get("range")
    span = _single_range(wanted, size) if wanted else None
    response: HttpResponseBase
    if span is False:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif isinstance(span, tuple):
        first, last = span
        response = StreamingHttpResponse(
            _slice(handle, first, last - first + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    else:
        response = FileResponse(handle, content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    return response
