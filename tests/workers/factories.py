from __future__ import annotations

import datetime
import io
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Consent, ConsentText
from accounts.text import fold
from tests.factories import ModelFactory, WorkerFactory
from workers.models import Case, WorkerProfile

# 1990-05-17, female, born in Lào Cai (code 015): 015 1 90 123456 agrees with all three.
VALID_ID = "015190123456"


class CaseFactory(ModelFactory[Case]):
    class Meta:
        model = Case

    province = factory.LazyAttribute(lambda case: case.profile.user.province)
    search_name = factory.LazyAttribute(lambda case: fold(case.profile.user.name))
    sex = factory.LazyAttribute(lambda case: case.profile.sex)
    commune = factory.LazyAttribute(lambda case: case.profile.commune)


class ProfileFactory(ModelFactory[WorkerProfile]):
    class Meta:
        model = WorkerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(WorkerFactory)
    # Every profile has its case, as profile_start makes them.
    case = factory.RelatedFactory(CaseFactory, factory_related_name="profile")

    @factory.post_generation
    def consent(self: Any, create: bool, extracted: bool | None, **kwargs: object) -> None:
        # factory_boy calls a post-generation hook with the made profile as `self`.
        if create and extracted is not False:
            Consent.objects.create(user=self.user, text=ConsentText.objects.get(version=1))


def identity_values(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Giàng Thị Mai",
        "date_of_birth": datetime.date(1990, 5, 17),
        "sex": "female",
        "personal_id": VALID_ID,
        "id_issued_on": datetime.date(2021, 6, 1),
        "id_problems": [],
    }
    values.update(overrides)
    return values


def jpeg_upload(name: str = "photo.jpg", exif: bool = False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", (80, 60), "navy")
    if exif:
        data = Image.Exif()
        data[0x0110] = "Secret Phone Model"  # Model
        image.save(buffer, format="JPEG", exif=data.tobytes())
    else:
        image.save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png_upload(name: str = "scan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def heic_upload(name: str = "IMG_0001.HEIC") -> SimpleUploadedFile:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, format="HEIF")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/heic")


def _one_page_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


# A real one-page A4 PDF (uploads are parsed: a PDF without pages is refused as unreadable).
PDF_BYTES = _one_page_pdf()


def pdf_upload(name: str = "record.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")
