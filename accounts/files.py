"""Serving a private upload (a document, a receipt, a fraud report's file)."""

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
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
