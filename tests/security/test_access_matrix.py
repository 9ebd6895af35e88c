"""Every URL that takes an object id, for every kind of visitor.

A worker's own objects are theirs; staff of the worker's province see them; staff of
another province and other workers get 404 (not 403: nothing is confirmed); anonymous
visitors are sent to sign in. A URL pattern with an argument that is not classified here
fails `test_every_object_url_is_classified` until someone decides who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Role
from assistance.models import HelpRequest, HelpRequestPhoto
from markets import services as market_services
from markets.models import ComplaintAttachment, FraudReportAttachment, NoticeStatus
from notifications.services import notify
from tests.conftest import login_staff
from tests.factories import StaffFactory, WorkerFactory, province
from tests.markets.factories import MarketFactory, enterprise, fraud_report, notice
from tests.orientation.factories import ModuleFactory, PublishedModuleFactory
from tests.workers.factories import ProfileFactory, jpeg_upload
from workers import services
from workers.models import DocumentType, DuplicateIdAttempt
from workers.uploads import clean_upload

pytestmark = pytest.mark.django_db

OWNER, SAME, OTHER_STAFF, OTHER_WORKER, ANONYMOUS = (
    "owner", "same-province staff", "other-province staff", "other worker", "anonymous",
)  # fmt: skip
VISITORS = [OWNER, SAME, OTHER_STAFF, OTHER_WORKER, ANONYMOUS]


@dataclass(frozen=True)
class Entry:
    args: Callable[[dict[str, Any]], list[Any]]
    allowed: frozenset[str]  # who gets the page; everyone else is refused
    method: str = "get"  # "post": a POST-only action, checked for refusals only


PUBLIC = frozenset(VISITORS)
STAFF_OF_PROVINCE = frozenset({SAME})
OWNER_AND_STAFF = frozenset({OWNER, SAME})
# Notices are written by centre managers and admins: a counsellor, even of the province,
# gets 404 like everyone else in this matrix (the managers' access is in tests/markets).
MANAGERS_ONLY: frozenset[str] = frozenset()

# Patterns in this set are classified by the tests of their own app (their fixtures build
# programmes, applications, fairs and tickets); see tests/loans and tests/fairs. The API
# answers token clients, not sessions: tests/api classifies it (province 404, scopes).
CLASSIFIED_ELSEWHERE_PREFIXES = ("loans:", "fairs:", "api-v1:")

MATRIX: dict[str, Entry] = {
    "accounts:person": Entry(lambda w: [w["owner"].pk], STAFF_OF_PROVINCE),
    "accounts:centre_of": Entry(lambda w: [15], PUBLIC),
    "markets:market": Entry(lambda w: [w["market"].code], PUBLIC),
    # National orientation lessons are for anyone (a province's additions: tests/orientation).
    "orientation:detail": Entry(lambda w: [w["module"].pk], PUBLIC),
    "orientation:audio": Entry(lambda w: [w["module"].pk], PUBLIC),
    "orientation:audio_mp3": Entry(lambda w: [w["module"].pk], PUBLIC),
    "orientation:image": Entry(lambda w: [w["module"].pk], PUBLIC),
    "orientation:question_audio": Entry(lambda w: [w["module"].pk, w["question"].pk], PUBLIC),
    "orientation:question_audio_mp3": Entry(lambda w: [w["module"].pk, w["question"].pk],
                                            PUBLIC),
    "orientation:question_image": Entry(lambda w: [w["module"].pk, w["question"].pk], PUBLIC),
    # Lessons are written by centre managers (their province) and admins: a counsellor gets
    # 404 like everyone else here (managers' access and another province's: tests/orientation).
    "orientation:staff_edit": Entry(lambda w: [w["lesson"].pk], MANAGERS_ONLY),
    "orientation:staff_publish": Entry(lambda w: [w["lesson"].pk], MANAGERS_ONLY, "post"),
    "orientation:staff_unpublish": Entry(lambda w: [w["lesson"].pk], MANAGERS_ONLY, "post"),
    "markets:notice_feed_province": Entry(lambda w: [15], PUBLIC),
    "markets:notice": Entry(lambda w: [w["published"].pk], PUBLIC),
    "markets:enterprise": Entry(lambda w: [w["enterprise"].pk], PUBLIC),
    "markets:staff_notice": Entry(lambda w: [w["draft"].pk], MANAGERS_ONLY),
    "markets:staff_notice_schedule": Entry(lambda w: [w["draft"].pk], MANAGERS_ONLY, "post"),
    "markets:staff_notice_publish": Entry(lambda w: [w["draft"].pk], MANAGERS_ONLY, "post"),
    "markets:staff_notice_unschedule": Entry(lambda w: [w["draft"].pk], MANAGERS_ONLY,
                                             "post"),
    "markets:staff_notice_archive": Entry(lambda w: [w["draft"].pk], MANAGERS_ONLY, "post"),
    "markets:staff_fraud_report": Entry(lambda w: [w["report"].pk], STAFF_OF_PROVINCE),
    "markets:staff_fraud_take": Entry(lambda w: [w["report"].pk], STAFF_OF_PROVINCE, "post"),
    "markets:staff_fraud_link": Entry(lambda w: [w["report"].pk], STAFF_OF_PROVINCE, "post"),
    "markets:staff_fraud_close": Entry(lambda w: [w["report"].pk], STAFF_OF_PROVINCE, "post"),
    "markets:my_complaint": Entry(lambda w: [w["complaint"].pk], frozenset({OWNER})),
    "markets:staff_complaint": Entry(lambda w: [w["complaint"].pk], STAFF_OF_PROVINCE),
    "markets:staff_complaint_take": Entry(
        lambda w: [w["complaint"].pk], STAFF_OF_PROVINCE, "post"
    ),
    "markets:staff_complaint_close": Entry(
        lambda w: [w["complaint"].pk], STAFF_OF_PROVINCE, "post"
    ),
    "markets:staff_complaint_attachment": Entry(
        lambda w: [w["complaint"].pk, w["complaint_file"].pk], STAFF_OF_PROVINCE
    ),
    # The register's entry is public; each staff member sees the complaints and reports of
    # her own province on it (tests/markets/test_complaints.py counts them).
    "markets:staff_enterprise": Entry(
        lambda w: [w["enterprise"].pk], frozenset({SAME, OTHER_STAFF})
    ),
    "markets:staff_fraud_attachment": Entry(
        lambda w: [w["report"].pk, w["attachment"].pk], STAFF_OF_PROVINCE
    ),
    "workers:profile_step": Entry(lambda w: ["identity"], frozenset({OWNER, OTHER_WORKER})),
    "workers:document_file": Entry(lambda w: [w["document"].pk], OWNER_AND_STAFF),
    "workers:staff_worker": Entry(lambda w: [w["profile"].pk], STAFF_OF_PROVINCE),
    "workers:staff_step": Entry(lambda w: [w["profile"].pk, "identity"], STAFF_OF_PROVINCE),
    "workers:staff_documents": Entry(lambda w: [w["profile"].pk], STAFF_OF_PROVINCE, "post"),
    "workers:document_review": Entry(lambda w: [w["document"].pk, "verify"], STAFF_OF_PROVINCE,
                                     "post"),
    "workers:id_reassign": Entry(lambda w: [w["dispute"].pk], STAFF_OF_PROVINCE, "post"),
    "workers:id_verify": Entry(lambda w: [w["profile"].pk], STAFF_OF_PROVINCE, "post"),
    "workers:case_move": Entry(lambda w: [w["case"].pk], STAFF_OF_PROVINCE),
    "workers:session_add": Entry(lambda w: [w["case"].pk], STAFF_OF_PROVINCE),
    "workers:note_add": Entry(lambda w: [w["case"].pk], STAFF_OF_PROVINCE, "post"),
    "workers:follow_up_add": Entry(lambda w: [w["case"].pk], STAFF_OF_PROVINCE),
    "workers:check_in_add": Entry(lambda w: [w["case"].pk], STAFF_OF_PROVINCE),
    "workers:assign": Entry(lambda w: [w["case"].pk], STAFF_OF_PROVINCE),
    "workers:session": Entry(lambda w: [w["session"].pk], STAFF_OF_PROVINCE),
    "workers:follow_up_done": Entry(lambda w: [w["follow_up"].pk], STAFF_OF_PROVINCE, "post"),
    "workers:transfer_new": Entry(lambda w: [w["profile"].pk], STAFF_OF_PROVINCE),
    # A request to a third province: the other-province staff here are neither end of it.
    "workers:transfer_act": Entry(lambda w: [w["transfer"].pk, "cancel"], STAFF_OF_PROVINCE,
                                  "post"),
    "workers:transfer_answer": Entry(lambda w: [w["transfer"].pk], frozenset({OWNER}), "post"),
    "notifications:open": Entry(lambda w: [w["message"].pk], frozenset({OWNER})),
    # Help from abroad: the worker's own page; staff work on it from their side.
    "assistance:request": Entry(lambda w: [w["help"].pk], frozenset({OWNER})),
    "assistance:photo": Entry(lambda w: [w["help_photo"].pk], OWNER_AND_STAFF),
    "assistance:staff_request": Entry(lambda w: [w["help"].pk], STAFF_OF_PROVINCE),
    "assistance:staff_action": Entry(lambda w: [w["help"].pk, "contact"], STAFF_OF_PROVINCE,
                                     "post"),
    "assistance:staff_new": Entry(lambda w: [w["profile"].pk], STAFF_OF_PROVINCE),
}  # fmt: skip


def object_urls() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif (
                isinstance(pattern, URLPattern)
                and "<" in str(pattern.pattern)
                and namespace
                and pattern.name
            ):
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return {n for n in names if not n.startswith(("admin:",))}


def test_every_object_url_is_classified():
    unclassified = {
        name
        for name in object_urls() - set(MATRIX)
        if not name.startswith(CLASSIFIED_ELSEWHERE_PREFIXES)
    }
    assert unclassified == set()


@pytest.fixture
def world(lao_cai, dong_thap, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = WorkerFactory(province=lao_cai)
    profile = ProfileFactory(user=owner)
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    manager = StaffFactory(role=Role.MANAGER, province=lao_cai)
    document = services.document_upload(
        profile=profile,
        doc_type=DocumentType.objects.get(code="passport"),
        clean=clean_upload(jpeg_upload()),
        original_name="p.jpg",
        expires_on=None,
        priority_group="",
        actor=owner,
    )
    session = services.session_log(
        counsellor=counsellor,
        case=profile.case,
        channel="phone",
        topics=["fees"],
        held_at=timezone.now(),
        duration_minutes=5,
        outcome="",
        next_step="",
    )
    follow_up = services.follow_up_create(
        case=profile.case,
        title="Gọi",
        due_on=timezone.localdate(),
        assignee=counsellor,
        actor=counsellor,
    )
    # A personal ID held by one worker of the province and claimed by another.
    holder = ProfileFactory(user=WorkerFactory(province=lao_cai), personal_id="015190654321")
    claimant = ProfileFactory(user=WorkerFactory(province=lao_cai))
    dispute = DuplicateIdAttempt.all_objects.create(
        personal_id=holder.personal_id,
        existing=holder,
        profile=claimant,
        attempted_by=claimant.user,
    )
    report = fraud_report(15)
    attachment = FraudReportAttachment(report=report, content_type="image/jpeg", size=3)
    attachment.file.save("a.jpg", ContentFile(b"abc"), save=True)
    complaint = market_services.complaint_lodge(
        province=lao_cai,
        kind="other",
        what_happened="Không trả cọc",
        complainant_phone=owner.phone,
        broker_name="Anh Tùng",
        by=owner,
    )
    complaint_file = ComplaintAttachment(complaint=complaint, content_type="image/jpeg", size=3)
    complaint_file.file.save("c.jpg", ContentFile(b"abc"), save=True)
    help_request = HelpRequest.all_objects.create(
        profile=profile, province=lao_cai, kind="wages", phone_abroad="+82 10 0000 0000",
        created_by=owner, first_contact_due=timezone.now(),
    )  # fmt: skip
    help_photo = HelpRequestPhoto(
        request=help_request, content_type="image/jpeg", size=3, uploaded_by=owner
    )
    help_photo.file.save("h.jpg", ContentFile(b"abc"), save=True)
    module = PublishedModuleFactory()
    module.audio.save("m.opus", ContentFile(b"OggS"), save=True)
    module.audio_mp3.save("m.mp3", ContentFile(b"ID3"), save=True)
    module.image.save("m.webp", ContentFile(b"RIFF"), save=True)
    question = module.questions.first()
    question.audio.save("q.opus", ContentFile(b"OggS"), save=True)
    question.audio_mp3.save("q.mp3", ContentFile(b"ID3"), save=True)
    question.image.save("q.webp", ContentFile(b"RIFF"), save=True)
    [message] = notify(
        recipient=owner, kind="welcome", key="welcome:test", channels=["in_app"], link="/"
    )
    transfer = services.transfer_request(
        profile_id=profile.pk,
        to_province_id=province(1).pk,
        actor=counsellor,
        reason="Gọi điện báo đã chuyển ra Hà Nội",
    )
    return {
        "owner": owner,
        "transfer": transfer,
        "profile": profile,
        "case": profile.case,
        "document": document,
        "dispute": dispute,
        "session": session,
        "follow_up": follow_up,
        "report": report,
        "complaint": complaint,
        "complaint_file": complaint_file,
        "attachment": attachment,
        "message": message,
        "module": module,
        "help": help_request,
        "help_photo": help_photo,
        "question": question,
        "lesson": ModuleFactory(province=lao_cai),
        "market": MarketFactory(),
        "enterprise": enterprise(),
        "draft": notice(manager, province_code=15, status=NoticeStatus.DRAFT),
        "published": notice(
            manager, province_code=None, status=NoticeStatus.PUBLISHED, publish_at=timezone.now()
        ),
        "people": {
            OWNER: owner,
            SAME: counsellor,
            OTHER_STAFF: StaffFactory(role=Role.COUNSELLOR, province=dong_thap),
            OTHER_WORKER: ProfileFactory(user=WorkerFactory(province=lao_cai)).user,
            ANONYMOUS: None,
        },
    }


def sign_in(client, who: str, person) -> None:
    if person is None:
        return
    if person.is_staff_member:
        login_staff(client, person)
    else:
        client.force_login(person)


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_visitor_gets_exactly_what_the_matrix_says(client, world, visitor):
    sign_in(client, visitor, world["people"][visitor])
    wrong = []
    for name, entry in sorted(MATRIX.items()):
        url = reverse(name, args=entry.args(world))
        allowed = visitor in entry.allowed
        if entry.method == "post":
            if allowed:
                continue  # the action's own tests cover what it does
            response = client.post(url, {})
        else:
            response = client.get(url)
        status = response.status_code
        if allowed:
            ok = status == 200 or (status == 302 and "/accounts/login" not in response["Location"])
        elif visitor == ANONYMOUS:
            ok = status == 302 and response["Location"].startswith("/accounts/login")
        else:
            ok = status == 404
        if not ok:
            wrong.append((name, status))
    assert wrong == []


# --- The same matrix after the worker moved to another province (security review, 2) ---

#: Entries about the worker's own file: after a move the two provinces swap roles.
WORKER_FILE = ("accounts:person", "workers:", "assistance:")


def after_move(allowed: frozenset[str], name: str) -> frozenset[str]:
    if not name.startswith(WORKER_FILE):
        return allowed
    swapped = set(allowed)
    if SAME in allowed:
        swapped.discard(SAME)
        swapped.add(OTHER_STAFF)
    return frozenset(swapped)


@pytest.mark.parametrize("visitor", [SAME, OTHER_STAFF, OWNER])
def test_after_a_province_move_the_matrix_follows_the_worker(client, world, visitor, dong_thap):
    profile = world["profile"]
    profile.refresh_from_db()
    services.profile_save_step(
        profile_id=profile.pk,
        step="address",
        values={"commune": dong_thap.communes.order_by("code").first()},
        expected_version=profile.version,
        actor=world["owner"],
    )
    sign_in(client, visitor, world["people"][visitor])
    wrong = []
    for name, entry in sorted(MATRIX.items()):
        if entry.method == "post" or not name.startswith(WORKER_FILE):
            continue
        url = reverse(name, args=entry.args(world))
        status = client.get(url).status_code
        allowed = visitor in after_move(entry.allowed, name)
        if allowed != (status in (200, 302)) or (not allowed and status != 404):
            wrong.append((name, status))
    assert wrong == []


# --- A walk-in at another province's fair with the worker's phone (review, finding 3) ---


def test_a_walk_in_elsewhere_with_the_workers_phone_reaches_nothing_of_theirs(
    client, world, dong_thap
):
    from fairs.models import Registration
    from fairs.services import registration_create
    from tests.fairs.factories import fair_today

    owner, stranger = world["owner"], world["people"][OTHER_STAFF]
    fair = fair_today(province=dong_thap, created_by=stranger)
    registration_create(fair_id=fair.pk, actor=stranger, name="X", phone=owner.phone, walk_in=True)

    assert not Registration.all_objects.filter(worker=owner).exists()
    sign_in(client, OTHER_STAFF, stranger)
    refused = {
        name: client.get(reverse(name, args=entry.args(world))).status_code
        for name, entry in MATRIX.items()
        if entry.method == "get" and name.startswith(WORKER_FILE)
    }
    assert set(refused.values()) == {404}
