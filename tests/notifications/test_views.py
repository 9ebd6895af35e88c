from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from notifications import services
from notifications.context_processors import unread
from notifications.models import Channel, Notification, NotificationSettings
from tests.conftest import login_staff, statements_on
from tests.factories import StaffFactory, UserFactory, WorkerFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

INBOX = "/inbox/"
SETTINGS = "/me/notifications/settings/"


def in_app(recipient, **fields):
    fields.setdefault("key", f"test:{Notification.objects.count()}:in_app")
    return NotificationFactory(recipient=recipient, channel=Channel.IN_APP, status="sent", **fields)


def assert_no_inline_code(html: str) -> None:
    assert "style=" not in html
    assert "<script" not in html
    assert "http://" not in html and "https://" not in html


def test_the_urls_are_where_the_brief_puts_them():
    assert reverse("notifications:inbox") == INBOX
    assert reverse("notifications:settings") == SETTINGS
    assert reverse("notifications:open", args=[7]) == "/inbox/7/"


# --- inbox ----------------------------------------------------------------------------


def test_the_inbox_needs_a_signed_in_person(client):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_inbox_lists_the_persons_in_app_messages_newest_first(client, worker, lao_cai):
    now = timezone.now()
    old = in_app(worker, subject="Older", created_at=now - datetime.timedelta(days=1))
    new = in_app(worker, subject="Newer", created_at=now)
    NotificationFactory(recipient=worker, channel=Channel.SMS, subject="By SMS")
    in_app(WorkerFactory(province=lao_cai), subject="Someone else's")
    client.force_login(worker)

    response = client.get(INBOX)

    assert list(response.context["page"].object_list) == [new, old]
    assert "By SMS" not in response.text
    assert "Someone else&#x27;s" not in response.text
    assert_no_inline_code(response.text)


def test_the_inbox_speaks_vietnamese_first(client, worker):
    client.force_login(worker)

    response = client.get(INBOX)

    assert response["Content-Language"] == "vi"


def test_the_inbox_costs_the_same_queries_with_many_messages(
    client, worker, django_assert_max_num_queries
):
    client.force_login(worker)
    client.get(INBOX)  # the first request of a session records it (allauth usersessions)
    in_app(worker)
    with django_assert_max_num_queries(10) as few:
        client.get(INBOX)
    for _ in range(45):
        in_app(worker)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INBOX)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(INBOX + "?page=3")

    assert len(response.context["page"].object_list) == 20


def test_opening_a_message_marks_it_read_and_goes_to_its_link(client, worker):
    message = in_app(worker, link="/me/documents/")
    client.force_login(worker)

    response = client.get(reverse("notifications:open", args=[message.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/me/documents/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_opening_it_again_keeps_the_first_reading_time(client, worker):
    first = timezone.now() - datetime.timedelta(days=2)
    message = in_app(worker, read_at=first)
    client.force_login(worker)

    client.get(reverse("notifications:open", args=[message.pk]))

    message.refresh_from_db()
    assert message.read_at == first


def test_a_message_without_a_link_opens_on_its_own_page(client, worker):
    message = in_app(worker, subject="Hội chợ việc làm", body="Ngày mai lúc 8 giờ")
    client.force_login(worker)

    response = client.get(reverse("notifications:open", args=[message.pk]))

    assert response.status_code == 200
    assert "Ngày mai lúc 8 giờ" in response.text
    assert_no_inline_code(response.text)


@pytest.mark.parametrize(
    "link", ["//evil.example/", "https://evil.example/", "/\\evil.example/", "javascript:alert(1)"]
)
def test_a_stored_link_to_another_site_is_never_followed(client, worker, link):
    message = in_app(worker, link=link, body="Ngày mai lúc 8 giờ")
    client.force_login(worker)

    response = client.get(reverse("notifications:open", args=[message.pk]))

    # Not sent on: the message is shown on its own page, read, without the link.
    assert response.status_code == 200
    assert "Ngày mai lúc 8 giờ" in response.text
    assert "evil.example" not in response.text and "javascript:" not in response.text
    message.refresh_from_db()
    assert message.read_at is not None


def test_another_persons_message_is_not_found_and_stays_unread(client, worker, lao_cai):
    theirs = in_app(WorkerFactory(province=lao_cai))
    client.force_login(worker)

    response = client.get(reverse("notifications:open", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_counsellor_cannot_open_a_workers_message(client, worker, counsellor):
    theirs = in_app(worker)
    login_staff(client, counsellor)

    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404


def test_mark_all_read_marks_only_the_persons_messages(client, worker, lao_cai):
    mine = [in_app(worker), in_app(worker)]
    theirs = in_app(WorkerFactory(province=lao_cai))
    client.force_login(worker)

    response = client.post(reverse("notifications:read_all"))

    assert response.status_code == 302
    assert all(Notification.objects.get(pk=m.pk).read_at for m in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_wants_a_post(client, worker):
    in_app(worker)
    client.force_login(worker)

    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_mark_all_button_shows_only_when_something_is_unread(client, worker):
    client.force_login(worker)
    action = reverse("notifications:read_all")
    in_app(worker, read_at=timezone.now())

    assert action not in client.get(INBOX).text
    in_app(worker)
    assert action in client.get(INBOX).text


# --- the bell -------------------------------------------------------------------------


def test_unread_count_is_one_query_made_only_when_read(worker, django_assert_num_queries):
    in_app(worker)
    in_app(worker)
    in_app(worker, read_at=timezone.now())
    NotificationFactory(recipient=worker)  # an SMS is not in the inbox
    request = RequestFactory().get("/")
    request.user = worker

    with django_assert_num_queries(0):
        context = unread(request)
    with django_assert_num_queries(1):
        assert context["unread_count"] == 2


def bell(page: str) -> str:
    """The bell's count as the page shows it ("" when nothing is unread)."""
    import re

    found = re.search(r'<span class="flag" aria-hidden="true">(\d+)</span>', page)
    return found.group(1) if found else ""


def test_the_bell_is_counted_once_then_follows_new_and_read_messages(client, worker):
    client.force_login(worker)

    with statements_on("notifications_notification") as counted:
        for _ in range(3):
            assert bell(client.get(reverse("home")).text) == ""
    assert len(counted) == 1  # counted on the first page, then kept

    services.notify(recipient=worker, kind="welcome", key="welcome:bell", channels=["in_app"])
    after_message = bell(client.get(reverse("home")).text)
    message = Notification.objects.get(recipient=worker, channel=Channel.IN_APP)
    client.get(reverse("notifications:open", args=[message.pk]))
    after_reading = bell(client.get(reverse("home")).text)

    assert (after_message, after_reading) == ("1", "")


def test_an_anonymous_visitor_has_no_unread_count():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    assert unread(request) == {}


def test_pages_get_the_unread_count_from_the_context_processor(client, worker):
    in_app(worker)
    client.force_login(worker)

    response = client.get(INBOX)

    assert response.context["unread_count"] == 1


def test_the_bell_links_to_the_inbox_with_a_spoken_count(worker):
    with translation.override("en"):
        html = render_to_string("notifications/_bell.html", {"user": worker, "unread_count": 3})

    assert 'href="/inbox/"' in html
    assert 'aria-label="Messages, 3 unread"' in html
    assert '<span class="flag" aria-hidden="true">3</span>' in html
    assert_no_inline_code(html)


def test_the_bell_counts_through_the_context_processor(worker, rf):
    in_app(worker)
    in_app(worker)
    request = rf.get("/")
    request.user = worker

    with translation.override("en"):
        html = render_to_string("notifications/_bell.html", request=request)

    assert 'aria-label="Messages, 2 unread"' in html
    assert ">2</span>" in html


def test_the_bell_shows_no_count_when_all_is_read(worker):
    html = render_to_string("notifications/_bell.html", {"user": worker, "unread_count": 0})

    assert 'href="/inbox/"' in html
    assert "flag" not in html and "aria-label" not in html


def test_the_bell_is_not_drawn_for_anonymous_visitors():
    from django.contrib.auth.models import AnonymousUser

    assert render_to_string("notifications/_bell.html", {"user": AnonymousUser()}).strip() == ""


# --- settings -------------------------------------------------------------------------


def test_the_settings_page_needs_a_signed_in_person(client):
    response = client.get(SETTINGS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_worker_sees_the_defaults_and_can_switch_sms_off(client, worker):
    client.force_login(worker)

    page = client.get(SETTINGS)
    assert page.context["form"].initial == {"email": False, "sms": True}
    assert page.context["form"].fields["email"].disabled  # no email address
    assert page["Content-Language"] == "vi"
    assert_no_inline_code(page.text)

    response = client.post(SETTINGS, {})

    assert response.status_code == 302
    saved = NotificationSettings.objects.get(user=worker)
    assert (saved.email, saved.sms) == (False, False)
    assert [r.channel for r in services.notify(recipient=worker, kind="welcome", key="w")] == [
        Channel.IN_APP
    ]


def test_a_channel_without_an_address_cannot_be_switched_on(client, lao_cai):
    person = UserFactory(role=Role.WORKER, province=lao_cai, phone=None)
    client.force_login(person)

    client.post(SETTINGS, {"email": "on", "sms": "on"})

    saved = NotificationSettings.objects.get(user=person)
    assert (saved.email, saved.sms) == (True, False)


def test_staff_can_choose_email_and_sms(client, lao_cai):
    staff = StaffFactory(role=Role.MANAGER, province=lao_cai, phone="+84912000222")
    login_staff(client, staff)

    assert client.get(SETTINGS).context["form"].initial == {"email": True, "sms": False}
    client.post(SETTINGS, {"email": "on", "sms": "on"})

    saved = NotificationSettings.objects.get(user=staff)
    assert (saved.email, saved.sms) == (True, True)


def test_the_settings_page_lists_the_kinds_that_concern_the_person(client, worker):
    client.force_login(worker)

    kinds = {k.slug for k in client.get(SETTINGS).context["kinds"]}

    assert "fair-reminder" in kinds
    assert "weekly-summary" not in kinds
