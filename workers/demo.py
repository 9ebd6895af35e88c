"""Demo workers at different stages of their file, for a newcomer's portal."""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import ConsentText, User
from workers import services
from workers.models import STEP_ORDER, Case, DocumentType, Stage, WorkerProfile
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
        if user is None or WorkerProfile.all_objects.filter(user=user).exists():
            continue
        services.consent_accept(user=user, text=text)  # type: ignore[arg-type]  # a consent text is seeded by a data migration
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


@transaction.atomic
def seed_cases() -> None:
    """Move the demo cases along: one abroad, one counselled, with sessions and follow-ups."""
    from markets.models import Programme
    from markets.selectors import licensed_enterprises_on

    counsellor = User.objects.filter(email="tuvan.laocai@mrc.demo").first()
    an = Case.all_objects.filter(profile__user__phone="+84912345001").first()
    mai = Case.all_objects.filter(profile__user__phone="+84912345002").first()
    # Already seeded once the case moved (the ID check at registration is an event too).
    moved = an is not None and an.events.exclude(to_stage=Stage.REGISTERED).exists()
    if counsellor is None or an is None or mai is None or moved:
        return
    today = timezone.localdate()
    services.case_assign(case_ids=[an.pk, mai.pk], to=counsellor, actor=counsellor)
    an.refresh_from_db()
    mai.refresh_from_db()
    for case, outcome in [(an, "Chọn đi Nhật Bản, thực tập kỹ năng"), (mai, "Quan tâm EPS")]:
        services.session_log(
            counsellor=counsellor,
            case=case,
            channel="in_person",
            topics=["markets", "fees", "support"],
            held_at=timezone.now(),
            duration_minutes=40,
            outcome=outcome,
            next_step="Học tiếng",
        )
    for document in an.profile.documents.all():
        services.document_verify(document_id=document.pk, actor=counsellor)
    for stage in [Stage.COUNSELLED, Stage.PREPARING]:
        an = services.case_move(
            case_id=an.pk, to=stage, actor=counsellor, expected_version=an.version
        )
    # The judicial record, the JLPT certificate and the orientation certificate were brought
    # to the centre.
    for code in ["judicial_record", "language_certificate", "orientation_certificate"]:
        services.document_upload(
            profile=an.profile,
            doc_type=DocumentType.objects.get(code=code),
            clean=_photo(),
            original_name=f"{code}.jpg",
            expires_on=today + datetime.timedelta(180),
            priority_group="",
            actor=counsellor,
        )
    for document in an.profile.documents.filter(status="uploaded"):  # type: ignore[misc]  # a related manager's filter (django-stubs cannot resolve it here)
        services.document_verify(document_id=document.pk, actor=counsellor)
    # Documents ready needs the ID checked with the population database (the fake one here).
    if not an.profile.id_verified:
        services.personal_id_verify(profile_id=an.profile_id, actor=counsellor)
    an.refresh_from_db()
    an = services.case_move(
        case_id=an.pk, to=Stage.DOCUMENTS_READY, actor=counsellor, expected_version=an.version
    )
    programme = Programme.objects.filter(code="technical-intern").select_related("market").first()
    enterprise = licensed_enterprises_on(today).first()
    if programme and enterprise:
        start = today - datetime.timedelta(days=200)
        an = services.case_move(
            case_id=an.pk,
            to=Stage.CONTRACTED,
            actor=counsellor,
            expected_version=an.version,
            changes={
                "market": programme.market,
                "programme": programme,
                "enterprise": enterprise,
                "contract_start": start,
                "contract_end": start + datetime.timedelta(days=3 * 365),
            },
        )
        services.case_move(
            case_id=an.pk,
            to=Stage.DEPARTED,
            actor=counsellor,
            expected_version=an.version,
            changes={"departure_date": start + datetime.timedelta(days=10)},
        )
    mai = services.case_move(
        case_id=mai.pk, to=Stage.COUNSELLED, actor=counsellor, expected_version=mai.version
    )
    services.follow_up_create(
        case=mai,
        title="Gọi hỏi kết quả lớp tiếng Hàn",
        due_on=today,
        assignee=counsellor,
        actor=counsellor,
    )
    services.follow_up_create(
        case=an,
        title="Liên lạc định kỳ với An ở Nhật Bản",
        due_on=today - datetime.timedelta(days=2),
        assignee=counsellor,
        actor=counsellor,
    )
