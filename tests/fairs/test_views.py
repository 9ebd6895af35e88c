"""Pages: what workers and the public see, staff pages, access and query counts."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fairs.models import Fair, Participation, Registration
from markets.models import LicenceStatus
from tests.factories import WorkerFactory
from tests.fairs.factories import FairFactory, participation, register, walk_in
from tests.markets.factories import enterprise
from tests.workers.factories import ProfileFactory

pytestmark = pytest.mark.django_db


# --- Public and worker pages ----------------------------------------------------------


def test_the_public_list_shows_published_coming_fairs_only(client, fair, counsellor):
    draft = FairFactory(status=Fair.Status.DRAFT, title="Bản nháp", created_by=counsellor)
    past = FairFactory(
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3, hours=-2),
        title="Đã qua",
        created_by=counsellor,
    )

    page = client.get(reverse("fairs:list"))

    assert f'data-fair="{fair.pk}"' in page.text
    assert f'data-fair="{draft.pk}"' not in page.text
    assert f'data-fair="{past.pk}"' not in page.text


def test_the_public_list_costs_the_same_queries_for_more_fairs(
    client, counsellor, django_assert_max_num_queries
):
    FairFactory(created_by=counsellor)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("fairs:list"))
    for _ in range(12):
        fair = FairFactory(created_by=counsellor)
        participation(fair, counsellor)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("fairs:list"))
    assert page.text.count("data-fair=") == 13


def test_an_anonymous_visitor_sees_the_fair_and_a_sign_in_link(client, fair, counsellor):
    joined = participation(fair, counsellor, name="Công ty CP Nhân lực Hoàng Liên")

    page = client.get(reverse("fairs:detail", args=[fair.pk]))

    assert joined.enterprise.name in page.text
    assert f"{reverse('account_login')}?next=/fairs/{fair.pk}/" in page.text
    assert 'id="register"' not in page.text


def test_a_draft_fair_has_no_public_page(client, counsellor):
    draft = FairFactory(status=Fair.Status.DRAFT, created_by=counsellor)

    assert client.get(reverse("fairs:detail", args=[draft.pk])).status_code == 404


def test_a_worker_registers_with_one_tap_on_the_fair_page_and_lands_on_the_ticket(
    client, fair, profile
):
    client.force_login(profile.user)
    page = client.get(reverse("fairs:detail", args=[fair.pk]))
    assert 'id="register"' in page.text

    response = client.post(reverse("fairs:register", args=[fair.pk]))

    registration = Registration.all_objects.get(worker=profile.user)
    assert response["Location"] == reverse("fairs:ticket", args=[registration.pk])


def test_a_full_fair_says_the_worker_is_on_the_waitlist(client, counsellor, profile):
    fair = FairFactory(capacity=1, created_by=counsellor)
    register(fair, WorkerFactory())
    client.force_login(profile.user)

    page = client.post(reverse("fairs:register", args=[fair.pk]), follow=True)

    assert "waitlist (number 1)" in page.text
    assert 'data-status="waitlisted"' in page.text and '<svg class="qr"' not in page.text


@pytest.mark.parametrize("status", [Fair.Status.CLOSED, Fair.Status.CANCELLED])
def test_registering_for_a_closed_or_cancelled_fair_says_so(client, counsellor, profile, status):
    fair = FairFactory(status=status, cancel_reason="Bão", created_by=counsellor)
    client.force_login(profile.user)

    page = client.post(reverse("fairs:register", args=[fair.pk]), follow=True)

    assert ("closed" if status == Fair.Status.CLOSED else "cancelled: Bão") in page.text
    assert not Registration.all_objects.exists()


def test_a_worker_without_consent_reads_it_first(client, fair, worker):
    client.force_login(worker)

    response = client.post(reverse("fairs:register", args=[fair.pk]))

    assert response["Location"].startswith(reverse("workers:consent"))
    assert not Registration.all_objects.exists()


def test_staff_cannot_register_themselves(client, fair, counsellor):
    client.force_login(counsellor)

    assert client.post(reverse("fairs:register", args=[fair.pk])).status_code == 404


def test_the_ticket_is_one_small_self_contained_page_with_the_qr_inline(client, fair, profile):
    registration = register(fair, profile.user).registration
    client.force_login(profile.user)

    page = client.get(reverse("fairs:ticket", args=[registration.pk]))

    html = page.text
    assert page.status_code == 200
    assert '<svg class="qr"' in html and registration.code in html
    # One script only, the portal's own, deferred: it keeps the ticket for offline use and
    # the page needs nothing from it.
    assert html.count("<script") == 1
    assert '<script src="/static/js/offline-tickets.js"' in html and " defer>" in html
    assert " style=" not in html and "<style" not in html
    # Nothing is fetched from another host: every src and stylesheet is on this site.
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http:", "https:", "//")), url
    assert len(page.content) < 20_000
    assert page["Cache-Control"].startswith("private")


def test_the_ticket_calendar_file_has_the_fair_in_utc(client, fair, profile):
    registration = register(fair, profile.user).registration
    client.force_login(profile.user)

    response = client.get(reverse("fairs:ticket_ics", args=[registration.pk]))

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    start = fair.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}\r\n" in body and registration.code in body


def test_a_worker_cancels_from_the_ticket(client, fair, profile):
    registration = register(fair, profile.user).registration
    client.force_login(profile.user)

    client.post(reverse("fairs:ticket_cancel", args=[registration.pk]))

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_my_tickets_costs_the_same_queries_for_more_tickets(
    client, counsellor, profile, django_assert_max_num_queries
):
    register(FairFactory(created_by=counsellor), profile.user)
    client.force_login(profile.user)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("fairs:my_tickets"))
    for _ in range(8):
        register(FairFactory(created_by=counsellor), profile.user)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("fairs:my_tickets"))
    assert page.text.count("data-registration=") == 9


# --- Who sees a ticket ----------------------------------------------------------------


def test_the_ticket_is_for_its_owner_and_the_staff_of_the_province(
    client, fair, profile, counsellor, other_counsellor
):
    registration = register(fair, profile.user).registration
    url = reverse("fairs:ticket", args=[registration.pk])

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    for user, status in [
        (profile.user, 200),
        (counsellor, 200),
        (other_counsellor, 404),
        (ProfileFactory().user, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.get(reverse("fairs:ticket_ics", args=[registration.pk])).status_code == status


def test_another_worker_cannot_cancel_someone_elses_ticket(client, fair, profile):
    registration = register(fair, profile.user).registration
    client.force_login(ProfileFactory().user)

    assert client.post(reverse("fairs:ticket_cancel", args=[registration.pk])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


# --- Staff pages ----------------------------------------------------------------------

STAFF_GET = ["staff_fair", "edit", "registrations", "walk_in", "check_in", "outcomes", "cancel",
             "enterprise_add"]  # fmt: skip


@pytest.mark.parametrize("name", STAFF_GET)
def test_a_fairs_staff_pages_are_for_the_staff_of_its_province(
    client, fair, counsellor, manager, other_counsellor, admin_user, name
):
    url = reverse(f"fairs:{name}", args=[fair.pk])

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    for user, status in [
        (counsellor, 200),
        (manager, 200),
        (admin_user, 200),
        (other_counsellor, 404),
        (WorkerFactory(), 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


@pytest.mark.parametrize("name", ["publish", "close"])
def test_another_provinces_counsellor_cannot_move_a_fair(
    client, counsellor, other_counsellor, name
):
    fair = FairFactory(status=Fair.Status.DRAFT, created_by=counsellor)
    client.force_login(other_counsellor)

    assert client.post(reverse(f"fairs:{name}", args=[fair.pk])).status_code == 404
    fair.refresh_from_db()
    assert fair.status == Fair.Status.DRAFT


def test_a_counsellor_creates_a_draft_fair_in_their_province(client, counsellor, lao_cai):
    client.force_login(counsellor)
    starts = timezone.localtime() + datetime.timedelta(days=20)

    response = client.post(
        reverse("fairs:new"),
        {
            "title": "Phiên giao dịch việc làm tháng 12",
            "starts_at": starts.strftime("%Y-%m-%dT08:00"),
            "ends_at": starts.strftime("%Y-%m-%dT11:30"),
            "address": "Nhà văn hoá xã Bát Xát",
            "capacity": "150",
        },
    )

    fair = Fair.all_objects.get()
    assert response["Location"] == reverse("fairs:staff_fair", args=[fair.pk])
    assert (fair.status, fair.province, fair.capacity) == (Fair.Status.DRAFT, lao_cai, 150)
    assert timezone.localtime(fair.starts_at).hour == 8


def test_the_fair_form_keeps_what_was_typed_when_something_is_wrong(client, counsellor):
    client.force_login(counsellor)

    page = client.post(
        reverse("fairs:new"),
        {
            "title": "Phiên tháng 12",
            "starts_at": "2026-12-20T11:00",
            "ends_at": "2026-12-20T08:00",
            "capacity": "150",
        },
    )

    assert page.status_code == 200
    assert 'value="Phiên tháng 12"' in page.text and 'value="150"' in page.text
    assert "must end after it starts" in page.text
    assert not Fair.all_objects.exists()


def test_publishing_a_fair_with_no_enterprise_shows_a_warning_and_can_be_confirmed(
    client, counsellor
):
    fair = FairFactory(status=Fair.Status.DRAFT, created_by=counsellor)
    client.force_login(counsellor)

    warned = client.post(reverse("fairs:publish", args=[fair.pk]))

    assert warned.status_code == 400
    assert 'id="publish-warnings"' in warned.text
    assert "No enterprise takes part yet" in warned.text
    fair.refresh_from_db()
    assert fair.status == Fair.Status.DRAFT
    client.post(reverse("fairs:publish", args=[fair.pk]), {"confirm": "1"})
    fair.refresh_from_db()
    assert fair.status == Fair.Status.PUBLISHED


def test_publishing_cancelling_and_closing_from_the_staff_pages(client, counsellor, profile):
    fair = FairFactory(status=Fair.Status.DRAFT, created_by=counsellor)
    client.force_login(counsellor)

    client.post(reverse("fairs:publish", args=[fair.pk]), {"confirm": "1"})
    fair.refresh_from_db()
    assert fair.status == Fair.Status.PUBLISHED
    register(fair, profile.user)

    refused = client.post(reverse("fairs:cancel", args=[fair.pk]), {"reason": ""})
    assert refused.status_code == 200
    client.post(reverse("fairs:cancel", args=[fair.pk]), {"reason": "Mưa lũ"})
    fair.refresh_from_db()
    assert (fair.status, fair.cancel_reason) == (Fair.Status.CANCELLED, "Mưa lũ")

    closing = client.post(reverse("fairs:close", args=[fair.pk]), follow=True)
    assert "Only a published fair can be closed" in closing.text


def test_adding_an_unlicensed_enterprise_says_why_and_keeps_the_choice(client, fair, counsellor):
    revoked = enterprise(
        name="Công ty Đã Thu Hồi",
        status=LicenceStatus.REVOKED,
        revoked_on=datetime.date(2025, 1, 9),
    )
    client.force_login(counsellor)

    page = client.post(reverse("fairs:enterprise_add", args=[fair.pk]), {"enterprise": revoked.pk})

    assert page.status_code == 200
    assert "Công ty Đã Thu Hồi: its licence was revoked on 09/01/2025" in page.text
    assert "Only licensed enterprises may take part" in page.text
    assert f'<option value="{revoked.pk}" selected>' in page.text
    assert not Participation.all_objects.exists()


def test_adding_a_licensed_enterprise_and_a_job_order_from_the_staff_pages(
    client, fair, counsellor
):
    from tests.markets.factories import ProgrammeFactory

    company = enterprise()
    programme = ProgrammeFactory()
    client.force_login(counsellor)

    client.post(reverse("fairs:enterprise_add", args=[fair.pk]), {"enterprise": company.pk})
    joined = Participation.all_objects.get(fair=fair)
    client.post(
        reverse("fairs:job_order_add", args=[fair.pk, joined.pk]),
        {
            "market": programme.market_id,
            "programme": programme.pk,
            "occupation": "Điều dưỡng",
            "vacancies": "12",
            "wage_min": "200000",
            "wage_max": "240000",
        },
    )

    order = joined.job_orders.get()
    assert (order.occupation, order.vacancies, order.wage_currency) == ("Điều dưỡng", 12, "JPY")
    page = client.get(reverse("fairs:detail", args=[fair.pk]))
    assert "Điều dưỡng" in page.text and "200.000" in page.text


def test_a_counsellor_registers_a_walk_in_from_the_staff_pages(client, fair, counsellor):
    client.force_login(counsellor)

    client.post(
        reverse("fairs:walk_in", args=[fair.pk]), {"name": "Tẩn Láo Lở", "phone": "0987 000 888"}
    )

    registration = Registration.all_objects.get()
    assert (registration.name, registration.phone, registration.source) == (
        "Tẩn Láo Lở",
        "+84987000888",
        Registration.Source.WALK_IN,
    )


@pytest.mark.parametrize("name", ["staff_list", "registrations"])
def test_staff_lists_cost_the_same_queries_for_more_rows(
    client, counsellor, django_assert_max_num_queries, name
):
    fair = FairFactory(created_by=counsellor)
    client.force_login(counsellor)
    url = reverse(f"fairs:{name}", args=[fair.pk] if name == "registrations" else [])

    def grow(n: int) -> None:
        for _ in range(n):
            other = FairFactory(created_by=counsellor)
            participation(other, counsellor)
            register(fair, ProfileFactory().user)
            walk_in(fair, counsellor, "Khách")

    grow(1)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    grow(10)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    rows = page.text.count("data-fair=") + page.text.count("data-registration=")
    assert rows >= 11


def test_the_count_of_coming_fairs_is_the_users_province(counsellor, other_counsellor):
    from fairs.selectors import coming_fairs_count

    FairFactory(created_by=counsellor)
    FairFactory(status=Fair.Status.DRAFT, created_by=counsellor)

    assert coming_fairs_count(counsellor, timezone.now()) == 1
    assert coming_fairs_count(other_counsellor, timezone.now()) == 0
