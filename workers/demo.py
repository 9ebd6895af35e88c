"""Demo workers at different stages of their file, for a newcomer's portal."""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from PIL import Image

from accounts.models import ConsentText, User
from workers import services
from workers.models import STEP_ORDER, DocumentType, WorkerProfile
from workers.uploads import CleanFile

# phone -> (birth date, sex, personal ID, commune name, ethnicity, groups, steps done)
DEMO_WORKERS = {
    "+84912345001": (datetime.date(1998, 3, 12), "male", "015098004211", "Xã Bát Xát", "kinh",
                     [], STEP_ORDER),
    "+84912345002": (datetime.date(2001, 9, 2), "female", "015301007733", "Xã Sa Pả", "mong",
                     ["poor", "ethnic_minority"], STEP_ORDER[:4]),
    "+84912345004": (datetime.date(1995, 7, 21), "male", "087095002468", None, "kinh", [],
                     STEP_ORDER[:1]),
}  # fmt: skip


def _photo() -> CleanFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 90, 160)).save(buffer, format="JPEG", quality=70)
    return CleanFile(buffer.getvalue(), "image/jpeg", "jpg")


@transaction.atomic
def seed_workers() -> None:
    """Profiles with consent for the demo workers; running it again changes nothing."""
    text = ConsentText.objects.order_by("-version").first()
    for phone, (born, sex, pid, commune_name, ethnicity, groups, steps) in DEMO_WORKERS.items():
        user = User.objects.filter(phone=phone).first()
        if user is None or WorkerProfile.objects.filter(user=user).exists():
            continue
        services.consent_accept(user=user, text=text)  # type: ignore[arg-type]
        profile = services.profile_start(user=user)
        commune = (
            user.province.communes.filter(name=commune_name).first()
            or user.province.communes.order_by("name").first()
            if user.province and commune_name is not None
            else None
        )
        values = {
            "identity": {
                "name": user.name,
                "date_of_birth": born,
                "sex": sex,
                "personal_id": pid,
                "id_issued_on": datetime.date(2021, 7, 1),
                "id_problems": [],
            },
            "contact": {"contact_note": "Zalo"},
            "address": {"commune": commune, "address_line": "Thôn 2", "old_address": ""},
            "background": {"ethnicity": ethnicity, "priority_groups": groups},
            "education": {"education": "upper_secondary", "jlpt_level": "N4"},
            "plans": {
                "desired_markets": ["JP"],
                "desired_occupations": "Chế biến thực phẩm",
                "has_worked_abroad": False,
            },
            "health": {"health_fit": True, "has_criminal_record": False},
        }
        for step in steps:
            if step == "address" and commune is None:
                continue
            profile = services.profile_save_step(
                profile_id=profile.pk,
                step=step,
                values=values[step],
                expected_version=profile.version,
                actor=user,
            )
        if len(steps) == len(STEP_ORDER):
            for code in ["id_card", "passport", "health_certificate"]:
                services.document_upload(
                    profile=profile,
                    doc_type=DocumentType.objects.get(code=code),
                    clean=_photo(),
                    original_name=f"{code}.jpg",
                    expires_on=datetime.date(2031, 1, 1),
                    priority_group="",
                    actor=user,
                )
