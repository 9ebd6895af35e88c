"""Pictures of lessons and quiz questions: checked like every other upload, then made small.

`accounts.uploads.clean_bytes` decides the type from the first bytes, refuses pictures over
its pixel limit before decoding and drops EXIF; here the clean picture is then scaled down to
a phone's width and stored as WebP (Android Chrome, and Safari from iOS 14, show it).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

from accounts.uploads import HEIC, JPEG, PNG, RejectedUpload, clean_bytes, sniff

#: A 360 px phone at 2x: wider pictures only cost the worker's data.
MAX_WIDTH = 720
WEBP_QUALITY = 70
MAX_UPLOAD_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Picture:
    data: bytes
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def picture_from_upload(upload: UploadedFile) -> Picture:
    """The uploaded photo or drawing as a small WebP; RejectedUpload saying why not."""
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise RejectedUpload(
            _("This picture is larger than %(mb)s MB. Send a smaller copy.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    data = upload.read()
    if data and sniff(data[:16]) not in {JPEG, PNG, HEIC}:
        raise RejectedUpload(
            _("Only a photo or a drawing (JPEG, PNG, HEIC) can go here. This file is neither.")
        )
    clean = clean_bytes(data, accept=(JPEG, PNG, HEIC))
    with Image.open(io.BytesIO(clean.content)) as opened:
        opened.load()
        image: Image.Image = opened
        if image.width > MAX_WIDTH:
            height = round(image.height * MAX_WIDTH / image.width)
            image = image.resize((MAX_WIDTH, max(1, height)), Image.Resampling.LANCZOS)
        if image.mode not in {"RGB", "RGBA"}:
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        out = io.BytesIO()
        image.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
        return Picture(out.getvalue(), image.width, image.height)


def picture_name(kind: str, pk: int, picture: Picture) -> str:
    return f"orientation/images/{kind}-{pk}-{picture.digest[:12]}.webp"
