import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from markets import selectors, services
from markets.models import NoticeCategory, NoticeEvent, NoticeStatus
from tests.conftest import DONG_THAP, LAO_CAI, login_staff
from tests.factories import StaffFactory, province
from tests.markets.factories import notice
from tests.mrc.test_pages import assert_self_contained

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def dong_thap_manager(dong_thap):
    return StaffFactory(role=Role.MANAGER, province=dong_thap)


def shown(province_code=None, **kwargs):
    province_id = province(province_code).pk if province_code else None
    return list(selectors.public_notices(province_id=province_id, **kwargs))


# --- Services -------------------------------------------------------------------------


def test_a_manager_writes_a_draft_for_their_province_and_an_event_is_recorded(manager, lao_cai):
    created = services.notice_create(
        by=manager, title="Tuyển", body="x", category=NoticeCategory.JOB_FAIR, province=lao_cai
    )

    assert created.status == NoticeStatus.DRAFT
    assert created.author == manager
    event = NoticeEvent.objects.get(notice=created)
    assert (event.by, event.from_status, event.to_status) == (manager, "", "draft")


@pytest.mark.parametrize("where", [None, DONG_THAP])
def test_a_manager_cannot_write_national_or_another_provinces_notices(manager, where):
    with pytest.raises(PermissionDenied):
        services.notice_create(
            by=manager,
            title="x",
            body="x",
            category=NoticeCategory.POLICY,
            province=province(where) if where else None,
        )


def test_counsellors_do_not_write_notices(counsellor, lao_cai):
    with pytest.raises(PermissionDenied):
        services.notice_create(
            by=counsellor, title="x", body="x", category=NoticeCategory.POLICY, province=lao_cai
        )


def test_an_admin_writes_national_notices(admin_user):
    created = services.notice_create(
        by=admin_user, title="x", body="x", category=NoticeCategory.POLICY, province=None
    )

    assert created.province is None


def test_scheduling_a_draft_sets_its_times_and_records_who_and_why(manager):
    draft = notice(manager, province_code=LAO_CAI)
    start = timezone.now() + HOUR

    scheduled = services.notice_schedule(
        notice=draft, by=manager, publish_at=start, expires_at=start + 24 * HOUR, reason="Tuần sau"
    )

    assert scheduled.status == NoticeStatus.SCHEDULED
    assert scheduled.publish_at == start
    event = NoticeEvent.objects.get(notice=draft)
    assert (event.by, event.from_status, event.to_status, event.reason) == (
        manager,
        "draft",
        "scheduled",
        "Tuần sau",
    )


@pytest.mark.parametrize(
    "status", [NoticeStatus.PUBLISHED, NoticeStatus.ARCHIVED, NoticeStatus.EXPIRED]
)
def test_only_a_draft_or_a_scheduled_notice_can_be_scheduled(manager, status):
    existing = notice(
        manager, province_code=LAO_CAI, status=status, publish_at=timezone.now() - HOUR
    )

    with pytest.raises(ValidationError):
        services.notice_schedule(notice=existing, by=manager, publish_at=timezone.now())
    assert not NoticeEvent.objects.filter(notice=existing).exists()


def test_a_schedule_must_end_after_it_starts(manager):
    draft = notice(manager, province_code=LAO_CAI)
    now = timezone.now()

    with pytest.raises(ValidationError):
        services.notice_schedule(notice=draft, by=manager, publish_at=now, expires_at=now)


def test_publishing_a_future_schedule_brings_it_forward_to_now(manager):
    later = notice(
        manager,
        province_code=LAO_CAI,
        status=NoticeStatus.SCHEDULED,
        publish_at=timezone.now() + 24 * HOUR,
    )

    published = services.notice_publish(notice=later, by=manager)

    assert published.status == NoticeStatus.PUBLISHED
    assert published.publish_at <= timezone.now()
    assert published in shown(LAO_CAI)


def test_archiving_takes_a_notice_down_and_cannot_be_done_twice(manager):
    live = notice(
        manager, province_code=LAO_CAI, status=NoticeStatus.PUBLISHED, publish_at=timezone.now()
    )

    services.notice_archive(notice=live, by=manager, reason="Sai thông tin")

    assert shown(LAO_CAI) == []
    with pytest.raises(ValidationError):
        services.notice_archive(notice=live, by=manager)
    assert NoticeEvent.objects.filter(notice=live, to_status="archived").count() == 1


def test_a_notice_expires_only_once_its_end_time_has_passed(manager):
    now = timezone.now()
    running = notice(
        manager,
        province_code=LAO_CAI,
        status=NoticeStatus.PUBLISHED,
        publish_at=now - 2 * HOUR,
        expires_at=now + HOUR,
    )

    with pytest.raises(ValidationError):
        services.notice_expire(notice=running, now=now)
    expired = services.notice_expire(notice=running, now=now + 2 * HOUR)

    assert expired.status == NoticeStatus.EXPIRED
    assert NoticeEvent.objects.get(notice=running).by is None


def test_a_manager_cannot_move_another_provinces_notice(manager, dong_thap_manager):
    theirs = notice(dong_thap_manager, province_code=DONG_THAP)

    with pytest.raises(PermissionDenied):
        services.notice_publish(notice=theirs, by=manager)


# --- Visibility -----------------------------------------------------------------------


def test_the_public_sees_only_what_is_published_in_scope_and_within_its_times(
    manager, admin_user, dong_thap_manager
):
    now = timezone.now()
    draft = notice(manager, province_code=LAO_CAI)
    not_yet = notice(
        manager, province_code=LAO_CAI, status=NoticeStatus.SCHEDULED, publish_at=now + HOUR
    )
    due = notice(
        manager, province_code=LAO_CAI, status=NoticeStatus.SCHEDULED, publish_at=now - HOUR
    )
    expired = notice(
        manager,
        province_code=LAO_CAI,
        status=NoticeStatus.PUBLISHED,
        publish_at=now - 3 * HOUR,
        expires_at=now - HOUR,
    )
    national = notice(admin_user, status=NoticeStatus.PUBLISHED, publish_at=now - 2 * HOUR)
    elsewhere = notice(
        dong_thap_manager,
        province_code=DONG_THAP,
        status=NoticeStatus.PUBLISHED,
        publish_at=now - HOUR,
    )

    lao_cai = shown(LAO_CAI)

    assert due in lao_cai and national in lao_cai
    for hidden in (draft, not_yet, expired, elsewhere):
        assert hidden not in lao_cai
    assert shown() == [national]
    assert set(shown(all_provinces=True)) == {due, national, elsewhere}


def test_a_scheduled_notice_appears_when_its_time_comes_without_any_job(manager):
    now = timezone.now()
    later = notice(
        manager, province_code=LAO_CAI, status=NoticeStatus.SCHEDULED, publish_at=now + HOUR
    )

    assert later not in shown(LAO_CAI, now=now)
    assert later in shown(LAO_CAI, now=now + 2 * HOUR)


def test_pinned_notices_come_first_then_the_newest(admin_user):
    now = timezone.now()
    old = notice(admin_user, status=NoticeStatus.PUBLISHED, publish_at=now - 5 * HOUR)
    new = notice(admin_user, status=NoticeStatus.PUBLISHED, publish_at=now - HOUR)
    pinned = notice(
        admin_user, status=NoticeStatus.PUBLISHED, publish_at=now - 9 * HOUR, pinned=True
    )

    assert shown() == [pinned, new, old]


# --- Public pages ---------------------------------------------------------------------


def test_the_public_notice_list_and_page_show_a_published_notice(client, admin_user):
    live = notice(
        admin_user, status=NoticeStatus.PUBLISHED, publish_at=timezone.now(), title="Hội chợ"
    )

    listing = client.get(reverse("markets:notice_list"))
    page = client.get(reverse("markets:notice", args=[live.pk]))

    assert "Hội chợ" in listing.text
    assert page.status_code == 200
    assert "Hội chợ" in page.text
    assert_self_contained(listing.text)
    assert_self_contained(page.text)


@pytest.mark.parametrize("status", [NoticeStatus.DRAFT, NoticeStatus.ARCHIVED])
def test_a_notice_the_public_may_not_see_is_a_404(client, manager, status):
    hidden = notice(manager, province_code=LAO_CAI, status=status)

    assert client.get(reverse("markets:notice", args=[hidden.pk])).status_code == 404


def test_notice_bodies_are_rendered_from_markdown_without_script(client, admin_user):
    body = (
        "**Chú ý** _lừa đảo_\n\n<script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n<a href="javascript:alert(2)">bấm</a>\n\n- một\n- hai'
    )
    live = notice(admin_user, status=NoticeStatus.PUBLISHED, publish_at=timezone.now(), body=body)

    html = client.get(reverse("markets:notice", args=[live.pk])).text

    assert "<strong>Chú ý</strong>" in html
    assert "<li>một</li>" in html
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "alert(" not in html
    assert_self_contained(html)


def test_the_national_feed_has_national_notices_and_a_province_feed_adds_its_own(
    client, admin_user, manager
):
    now = timezone.now()
    notice(admin_user, status=NoticeStatus.PUBLISHED, publish_at=now, title="Toàn quốc")
    notice(
        manager,
        province_code=LAO_CAI,
        status=NoticeStatus.PUBLISHED,
        publish_at=now,
        title="Riêng Lào Cai",
        body="<script>alert(1)</script>ok",
    )

    national = client.get(reverse("markets:notice_feed"))
    lao_cai = client.get(reverse("markets:notice_feed_province", args=[LAO_CAI]))

    assert national["Content-Type"].startswith("application/atom+xml")
    assert "Toàn quốc" in national.text and "Riêng Lào Cai" not in national.text
    assert "Toàn quốc" in lao_cai.text and "Riêng Lào Cai" in lao_cai.text
    assert "alert" not in lao_cai.text


def test_the_notice_list_query_count_does_not_grow_with_rows(
    client, admin_user, manager, django_assert_max_num_queries
):
    def publish(n: int) -> None:
        for i in range(n):
            notice(
                manager if i % 2 else admin_user,
                province_code=LAO_CAI if i % 2 else None,
                status=NoticeStatus.PUBLISHED,
                publish_at=timezone.now() - i * HOUR,
            )

    publish(3)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("markets:notice_list"), {"province": LAO_CAI})

    publish(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("markets:notice_list"), {"province": LAO_CAI})
    assert response.context["page"].paginator.count == 43


# --- Staff pages ----------------------------------------------------------------------


def test_staff_notice_pages_send_anonymous_visitors_to_sign_in(client, manager):
    draft = notice(manager, province_code=LAO_CAI)

    for url in (
        reverse("markets:staff_notices"),
        reverse("markets:staff_notice_create"),
        reverse("markets:staff_notice", args=[draft.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_draft_of_another_province_is_a_404(client, manager, dong_thap_manager):
    theirs = notice(dong_thap_manager, province_code=DONG_THAP, title="Bản nháp Đồng Tháp")
    login_staff(client, manager)

    detail = client.get(reverse("markets:staff_notice", args=[theirs.pk]))
    publish = client.post(reverse("markets:staff_notice_publish", args=[theirs.pk]))
    listing = client.get(reverse("markets:staff_notices"))

    assert detail.status_code == 404
    assert publish.status_code == 404
    assert "Bản nháp Đồng Tháp" not in listing.text


def test_counsellors_get_a_404_on_the_notice_staff_pages(client, counsellor):
    login_staff(client, counsellor)

    assert client.get(reverse("markets:staff_notices")).status_code == 404


def test_a_manager_writes_and_schedules_a_notice_through_the_staff_pages(client, manager):
    login_staff(client, manager)

    created = client.post(
        reverse("markets:staff_notice_create"),
        {
            "title": "Phiên việc làm",
            "body": "**Mời** bạn",
            "category": "job_fair",
            "province": LAO_CAI,
        },
    )
    assert created.status_code == 302
    draft = selectors.staff_notices(manager).get(title="Phiên việc làm")
    assert draft.province.code == LAO_CAI

    start = timezone.localtime() - datetime.timedelta(minutes=1)
    scheduled = client.post(
        reverse("markets:staff_notice_schedule", args=[draft.pk]),
        {"publish_at": start.strftime("%Y-%m-%dT%H:%M"), "expires_at": ""},
    )
    assert scheduled.status_code == 302
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.SCHEDULED
    assert (
        "Phiên việc làm" in client.get(reverse("markets:notice_list"), {"province": LAO_CAI}).text
    )


def test_a_manager_cannot_pick_another_province_in_the_form(client, manager):
    login_staff(client, manager)

    response = client.post(
        reverse("markets:staff_notice_create"),
        {"title": "x", "body": "x", "category": "policy", "province": DONG_THAP},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["province"]
    assert not selectors.staff_notices(manager).exists()


def test_a_bad_schedule_keeps_what_was_typed(english, manager):
    login_staff(english, manager)
    draft = notice(manager, province_code=LAO_CAI)

    response = english.post(
        reverse("markets:staff_notice_schedule", args=[draft.pk]),
        {"publish_at": "2026-05-02T10:00", "expires_at": "2026-05-01T10:00"},
    )

    assert response.status_code == 400
    assert "The end time must be after the publish time." in response.text
    assert 'value="2026-05-02T10:00"' in response.text
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT


def test_the_notices_page_explains_the_feed_instead_of_a_bare_link_to_xml(client, db):
    text = client.get(reverse("markets:notice_list")).content.decode()

    start = text.index('<details class="fine" id="feed-help">')
    end = text.index("</details>", start)
    feed_link = f'href="{reverse("markets:notice_feed")}"'
    # The only visible way to the feed is inside the explanation, which says what it is.
    assert feed_link in text[start:end]
    assert text.count(f"<a {feed_link}") == text[start:end].count(f"<a {feed_link}") == 1
    assert "ứng dụng đọc tin" in text[start:end]
    assert "Atom" not in text[start:end]
