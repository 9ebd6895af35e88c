"""The support pages: what a worker sees, the forms that keep what was typed, the staff
decisions, access by province, query counts, and the figures of the programme page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from loans import services
from loans.models import Application, Attachment, Status, SupportProgramme
from tests.conftest import login_staff
from tests.factories import StaffFactory
from tests.loans.factories import (
    draft_grant,
    grant_programme,
    in_review,
    loan_programme,
    submitted_grant,
    worker_profile,
)
from tests.workers.factories import jpeg_upload
from workers.models import SensitiveRead

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["mrc_language"] = "en"
    return client


def signed_in_worker(client, profile):
    client.force_login(profile.user)
    client.cookies["mrc_language"] = "en"
    return client


def staff_client(client, user):
    login_staff(client, user)
    client.cookies["mrc_language"] = "en"
    return client


def amount_field(programme: SupportProgramme, code: str) -> str:
    return f"amount_{programme.cost_items.get(code=code).pk}"


def qty_field(programme: SupportProgramme, code: str) -> str:
    return f"qty_{programme.cost_items.get(code=code).pk}"


# --- the Support page -----------------------------------------------------------------


def test_the_support_page_needs_a_sign_in(client):
    response = client.get(reverse("loans:support"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_poor_worker_sees_they_can_apply(client, profile, grant):
    response = signed_in_worker(client, profile).get(reverse("loans:support"))

    [option] = response.context["options"]
    assert option.programme == grant and option.can_apply
    assert b'data-eligible="yes"' in response.content


def test_a_worker_sees_why_not_yet_in_plain_words(client, lao_cai, grant):
    kinh = worker_profile(lao_cai, groups=[])
    response = signed_in_worker(client, kinh).get(reverse("loans:support"))

    [option] = response.context["options"]
    assert not option.can_apply
    assert "Poor household, Ethnic minority" in option.reasons[0]
    assert "add it to your file with a proof" in response.content.decode()


def test_programmes_of_another_province_and_closed_ones_are_not_listed(client, profile, dong_thap):
    grant_programme(province=dong_thap)
    grant_programme(valid_to=timezone.localdate() - datetime.timedelta(days=1))
    national = grant_programme(province=None)

    response = signed_in_worker(client, profile).get(reverse("loans:support"))

    assert [o.programme for o in response.context["options"]] == [national]


def test_applying_opens_the_form(client, profile, grant):
    response = signed_in_worker(client, profile).post(reverse("loans:apply", args=[grant.pk]))

    application = Application.all_objects.get()
    assert response["Location"] == reverse("loans:edit", args=[application.pk])


def test_applying_when_not_eligible_explains_and_makes_nothing(client, lao_cai, grant):
    kinh = worker_profile(lao_cai, groups=[])
    response = signed_in_worker(client, kinh).post(
        reverse("loans:apply", args=[grant.pk]), follow=True
    )

    assert not Application.all_objects.exists()
    assert "Poor household" in response.content.decode()


# --- the application form -------------------------------------------------------------


@pytest.fixture
def draft(profile, grant) -> Application:
    return services.application_start(profile=profile, programme=grant, actor=profile.user)


def test_the_form_says_each_cap(client, profile, draft):
    response = signed_in_worker(client, profile).get(reverse("loans:edit", args=[draft.pk]))

    page = response.content.decode()
    assert "at most 4.000.000 ₫ per course" in page
    assert "at most 50.000 ₫ per day" in page
    assert "at most 400.000 ₫ per month" in page


def test_an_amount_over_a_cap_names_the_cap_and_keeps_what_was_typed(client, profile, draft, grant):
    response = signed_in_worker(client, profile).post(
        reverse("loans:edit", args=[draft.pk]),
        {
            "phone": "0912345678",
            qty_field(grant, "language_training"): "1",
            amount_field(grant, "language_training"): "4.500.000",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors[amount_field(grant, "language_training")]
    assert "4.000.000 ₫ per course" in errors[0]
    assert 'value="4.500.000"' in response.content.decode()
    assert not draft.lines.exists()


def test_a_per_day_cap_counts_the_days_typed(client, profile, draft, grant):
    response = signed_in_worker(client, profile).post(
        reverse("loans:edit", args=[draft.pk]),
        {
            "phone": "0912345678",
            qty_field(grant, "meals"): "10",
            amount_field(grant, "meals"): "600000",
        },
    )

    assert "500.000 ₫ for 10" in response.context["form"].errors[amount_field(grant, "meals")][0]


def test_not_a_number_is_refused_and_kept(client, profile, draft, grant):
    response = signed_in_worker(client, profile).post(
        reverse("loans:edit", args=[draft.pk]),
        {"phone": "0912345678", amount_field(grant, "personal_items"): "sáu trăm"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors[amount_field(grant, "personal_items")]
    assert 'value="sáu trăm"' in response.content.decode()


def test_a_negative_amount_is_refused_and_kept(client, profile, draft, grant):
    response = signed_in_worker(client, profile).post(
        reverse("loans:edit", args=[draft.pk]),
        {"phone": "0912345678", amount_field(grant, "personal_items"): "-600.000"},
    )

    errors = response.context["form"].errors[amount_field(grant, "personal_items")]
    assert errors == ["The amount cannot be negative."]
    assert 'value="-600.000"' in response.content.decode()


def test_a_valid_form_saves_the_lines(client, profile, draft, grant):
    response = signed_in_worker(client, profile).post(
        reverse("loans:edit", args=[draft.pk]),
        {
            "phone": "0912345678",
            qty_field(grant, "language_training"): "1",
            amount_field(grant, "language_training"): "4.000.000",
            qty_field(grant, "meals"): "30",
            amount_field(grant, "meals"): "1.500.000",
        },
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal(5_500_000)
    assert draft.status == Status.DRAFT


def test_a_loan_form_takes_the_amount_purpose_and_term(client, profile):
    from workers.models import Case, Stage

    Case.all_objects.filter(profile=profile).update(stage=Stage.CONTRACTED)
    loan = loan_programme()
    application = services.application_start(profile=profile, programme=loan, actor=profile.user)

    response = signed_in_worker(client, profile).post(
        reverse("loans:edit", args=[application.pk]),
        {
            "phone": "0912345678",
            "amount": "250.000.000",
            "loan_purpose": "Service fee and air ticket",
            "loan_term_months": "36",
            "costs_before_departure": "260.000.000",
            "contract_months": "36",
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.requested_amount == Decimal(250_000_000)
    assert application.needs_collateral is True
    assert application.loan_term_months == 36


def test_a_sent_application_cannot_be_edited(client, profile, grant):
    application = submitted_grant(profile, grant)

    response = signed_in_worker(client, profile).get(reverse("loans:edit", args=[application.pk]))

    assert response.status_code == 302


# --- files ----------------------------------------------------------------------------


def test_a_worker_attaches_a_receipt_photo(client, profile, draft):
    response = signed_in_worker(client, profile).post(
        reverse("loans:attach", args=[draft.pk]), {"what": "receipt", "file": jpeg_upload()}
    )

    assert response.status_code == 302
    attachment = Attachment.all_objects.get()
    assert (attachment.kind, attachment.content_type) == ("receipt", "image/jpeg")


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_with_a_message(client, profile, draft):
    fake = SimpleUploadedFile("receipt.jpg", b"MZ\x90\x00 not a picture", "image/jpeg")

    response = signed_in_worker(client, profile).post(
        reverse("loans:attach", args=[draft.pk]), {"what": "receipt", "file": fake}, follow=True
    )

    assert not Attachment.all_objects.exists()
    assert "Only photos (JPEG, PNG, HEIC) and PDF files" in response.content.decode()


def test_the_owner_gets_the_file_privately(client, profile, grant):
    application = draft_grant(profile, grant)
    attachment = application.attachments.get()

    response = signed_in_worker(client, profile).get(
        reverse("loans:attachment_file", args=[attachment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_a_counsellor_of_the_province_gets_the_file_and_the_read_is_logged(
    client, profile, grant, counsellor
):
    attachment = draft_grant(profile, grant).attachments.get()

    response = staff_client(client, counsellor).get(
        reverse("loans:attachment_file", args=[attachment.pk])
    )

    assert response.status_code == 200
    read = SensitiveRead.objects.get()
    assert (read.staff, read.profile) == (counsellor, profile)


# --- access by province ---------------------------------------------------------------


@pytest.fixture
def sent(profile, grant) -> Application:
    return submitted_grant(profile, grant)


def urls_of(application: Application) -> list[str]:
    attachment = application.attachments.get()
    return [
        reverse("loans:application", args=[application.pk]),
        reverse("loans:attachment_file", args=[attachment.pk]),
        reverse("loans:print", args=[application.pk]),
    ]


def staff_urls_of(application: Application) -> list[str]:
    return [
        reverse("loans:staff_application", args=[application.pk]),
        reverse("loans:attachment_file", args=[application.attachments.get().pk]),
        reverse("loans:print", args=[application.pk]),
    ]


def test_another_provinces_counsellor_gets_404_everywhere(client, sent, other_counsellor):
    staff_client(client, other_counsellor)
    assert [client.get(url).status_code for url in staff_urls_of(sent)] == [404, 404, 404]


def test_another_provinces_manager_gets_404_everywhere(client, sent, dong_thap):
    staff_client(client, StaffFactory(role=Role.MANAGER, province=dong_thap))
    assert [client.get(url).status_code for url in staff_urls_of(sent)] == [404, 404, 404]


def test_another_provinces_manager_cannot_decide(client, sent, dong_thap):
    staff_client(client, StaffFactory(role=Role.MANAGER, province=dong_thap))
    response = client.post(reverse("loans:decide", args=[sent.pk, "review"]))
    assert response.status_code == 404


def test_another_worker_gets_404(client, sent, lao_cai):
    other = worker_profile(lao_cai)
    signed_in_worker(client, other)
    assert [client.get(url).status_code for url in urls_of(sent)] == [404, 404, 404]


def test_anonymous_visitors_are_sent_to_sign_in(client, sent):
    for url in urls_of(sent):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_owner_and_the_provinces_staff_see_everything(client, sent, counsellor, profile):
    signed_in_worker(client, profile)
    assert [client.get(url).status_code for url in urls_of(sent)] == [200, 200, 200]
    client.logout()
    staff_client(client, counsellor)
    assert [client.get(url).status_code for url in staff_urls_of(sent)] == [200, 200, 200]


def test_a_worker_cannot_open_the_staff_queue(client, profile):
    response = signed_in_worker(client, profile).get(reverse("loans:queue"))
    assert response.status_code == 404


# --- the paper form -------------------------------------------------------------------


def test_the_printable_form_is_in_vietnamese_with_the_workers_data_and_amounts(
    client, profile, sent
):
    response = signed_in_worker(client, profile).get(reverse("loans:print", args=[sent.pk]))

    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert profile.user.name in page
    assert "4.000.000 ₫" in page
    assert sent.reference in page


# --- sending from the page ------------------------------------------------------------


def test_sending_from_the_page(client, profile, grant):
    application = draft_grant(profile, grant)

    signed_in_worker(client, profile).post(reverse("loans:submit", args=[application.pk]))

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_sending_an_incomplete_application_says_what_is_missing(client, profile, grant):
    application = draft_grant(profile, grant, receipt=False)

    response = signed_in_worker(client, profile).post(
        reverse("loans:submit", args=[application.pk]), follow=True
    )

    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert "at least one receipt" in response.content.decode()


def test_the_worker_withdraws_from_the_page(client, profile, sent):
    previous = sent.status

    response = signed_in_worker(client, profile).post(
        reverse("loans:withdraw", args=[sent.pk]), {"reason": "  Found a job at home. "}
    )

    sent.refresh_from_db()
    assert sent.status == Status.WITHDRAWN
    assert sent.closed_at is not None
    # Back on the application, and the file says who took it back, from what and why.
    assert response.status_code == 302
    assert response["Location"] == reverse("loans:application", args=[sent.pk])
    event = sent.events.order_by("-at", "-pk").first()
    assert (event.action, event.from_status, event.to_status) == (
        "withdraw",
        previous,
        Status.WITHDRAWN,
    )
    assert (event.actor, event.reason) == (profile.user, "Found a job at home.")


def test_the_worker_sees_the_decision(client, profile, grant, counsellor, manager):
    application = in_review(profile, grant, counsellor)
    services.application_approve(
        application_id=application.pk,
        actor=manager,
        amount=Decimal(3_000_000),
        reason="One course of three months.",
    )

    response = signed_in_worker(client, profile).get(
        reverse("loans:application", args=[application.pk])
    )

    page = response.content.decode()
    assert 'data-status="approved"' in page
    assert "3.000.000 ₫" in page and "One course of three months." in page


# --- staff decisions ------------------------------------------------------------------


def test_a_counsellor_takes_an_application_into_review(client, sent, counsellor):
    staff_client(client, counsellor).post(reverse("loans:decide", args=[sent.pk, "review"]))

    sent.refresh_from_db()
    assert sent.status == Status.IN_REVIEW


def test_asking_for_more_without_saying_what_comes_back_with_the_form(
    client, profile, grant, counsellor
):
    application = in_review(profile, grant, counsellor)

    response = staff_client(client, counsellor).post(
        reverse("loans:decide", args=[application.pk, "request-info"]), {"request-info-reason": ""}
    )

    assert response.status_code == 400
    assert response.context["decisions"]["request-info"].errors
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_a_manager_approves_a_typed_partial_amount(client, profile, grant, counsellor, manager):
    application = in_review(profile, grant, counsellor)

    staff_client(client, manager).post(
        reverse("loans:decide", args=[application.pk, "approve"]),
        {"approve-amount": "3.000.000", "approve-reason": "One course."},
    )

    application.refresh_from_db()
    assert (application.status, application.approved_amount) == (
        Status.APPROVED,
        Decimal(3_000_000),
    )


def test_an_approval_over_budget_comes_back_with_the_amount_typed(
    client, lao_cai, counsellor, manager
):
    grant = grant_programme(province=lao_cai, budget=2_000_000)
    application = in_review(worker_profile(lao_cai), grant, counsellor)

    response = staff_client(client, manager).post(
        reverse("loans:decide", args=[application.pk, "approve"]), {"approve-amount": "3.000.000"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "2.000.000 ₫ is left" in page
    assert 'value="3.000.000"' in page


def test_an_approval_with_a_word_for_an_amount_comes_back_with_it(
    client, profile, grant, counsellor, manager
):
    application = in_review(profile, grant, counsellor)

    response = staff_client(client, manager).post(
        reverse("loans:decide", args=[application.pk, "approve"]), {"approve-amount": "ba triệu"}
    )

    assert response.status_code == 400
    assert 'value="ba triệu"' in response.content.decode()


def test_a_counsellor_is_not_offered_the_approval_and_is_refused_if_they_try(
    client, profile, grant, counsellor
):
    application = in_review(profile, grant, counsellor)
    staff_client(client, counsellor)

    page = client.get(reverse("loans:staff_application", args=[application.pk]))
    response = client.post(
        reverse("loans:decide", args=[application.pk, "approve"]), {"approve-amount": "1.000.000"}
    )

    assert "approve" not in page.context["decisions"]
    assert page.context["approval_blocker"]
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_a_decision_in_the_wrong_state_names_the_current_state(client, profile, grant, counsellor):
    application = in_review(profile, grant, counsellor)

    response = staff_client(client, counsellor).post(
        reverse("loans:decide", args=[application.pk, "review"]), follow=True
    )

    assert "This application is now “In review”" in response.content.decode()


def test_an_unknown_decision_is_404(client, sent, counsellor):
    response = staff_client(client, counsellor).post(
        reverse("loans:decide", args=[sent.pk, "launch"])
    )
    assert response.status_code == 404


def test_a_counsellor_prepares_an_application_with_a_walk_in_worker(
    client, profile, grant, counsellor
):
    response = staff_client(client, counsellor).post(
        reverse("loans:staff_apply", args=[profile.pk, grant.pk])
    )

    application = Application.all_objects.get()
    assert response["Location"] == reverse("loans:staff_edit", args=[application.pk])
    assert application.created_by == counsellor


# --- the queue ------------------------------------------------------------------------


def test_the_queue_shows_the_provinces_waiting_applications_only(
    client, sent, counsellor, dong_thap
):
    elsewhere = grant_programme(province=None)
    submitted_grant(worker_profile(dong_thap), elsewhere)

    response = staff_client(client, counsellor).get(reverse("loans:queue"))

    assert list(response.context["page"].object_list) == [sent]


def test_the_queue_filters_by_status_and_programme(client, profile, grant, counsellor, lao_cai):
    other = grant_programme(province=lao_cai)
    submitted_grant(profile, grant)
    in_review(worker_profile(lao_cai), other, counsellor)
    staff_client(client, counsellor)

    by_status = client.get(reverse("loans:queue"), {"status": "in_review"})
    by_programme = client.get(reverse("loans:queue"), {"status": "", "programme": grant.pk})

    assert [a.programme for a in by_status.context["page"].object_list] == [other]
    assert [a.programme for a in by_programme.context["page"].object_list] == [grant]


def test_the_queue_costs_the_same_queries_for_many_rows(
    client, counsellor, grant, lao_cai, django_assert_max_num_queries
):
    submitted_grant(worker_profile(lao_cai), grant)
    staff_client(client, counsellor)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("loans:queue"))
    for _ in range(6):
        submitted_grant(worker_profile(lao_cai), grant)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("loans:queue"))

    assert response.context["page"].paginator.count == 7


def test_the_support_page_costs_the_same_queries_for_many_applications(
    client, profile, lao_cai, django_assert_max_num_queries
):
    first = grant_programme(province=lao_cai)
    draft_grant(profile, first)
    signed_in_worker(client, profile)
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("loans:support"))
    for _ in range(4):
        draft_grant(profile, grant_programme(province=lao_cai))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("loans:support"))

    assert len(response.context["options"]) == 5


# --- the programme figures ------------------------------------------------------------


@pytest.fixture
def spread(lao_cai, grant, counsellor, manager):
    """Applications of one programme in every state that counts, or does not."""

    def approved(amount: int) -> Application:
        application = in_review(worker_profile(lao_cai), grant, counsellor)
        return services.application_approve(
            application_id=application.pk, actor=manager, amount=Decimal(amount)
        )

    committed = [approved(4_000_000), approved(2_500_000)]
    paid = approved(3_000_000)
    services.application_mark_paid(application_id=paid.pk, actor=counsellor)
    rejected = in_review(worker_profile(lao_cai), grant, counsellor)
    services.application_reject(application_id=rejected.pk, actor=counsellor, reason="No.")
    in_review(worker_profile(lao_cai), grant, counsellor)
    return committed, [paid]


def test_the_programme_page_figures_equal_the_sums_of_the_applications(
    client, grant, manager, spread
):
    response = staff_client(client, manager).get(reverse("loans:staff_programme", args=[grant.pk]))

    figures = response.context["figures"]
    approved = Application.all_objects.filter(programme=grant)
    committed = sum(a.approved_amount for a in approved.filter(status=Status.APPROVED))
    paid = sum(a.approved_amount for a in approved.filter(status=Status.PAID))
    assert figures.budget == Decimal(100_000_000)
    assert figures.committed == committed == Decimal(6_500_000)
    assert figures.spent == paid == Decimal(3_000_000)
    assert figures.remaining == Decimal(100_000_000) - committed - paid
    assert "90.500.000 ₫" in response.content.decode()


def test_the_programme_list_shows_the_same_figures(client, grant, manager, spread):
    response = staff_client(client, manager).get(reverse("loans:programmes"))

    [(programme, figures)] = response.context["rows"]
    assert programme == grant
    assert (figures.committed, figures.spent, figures.remaining) == (
        Decimal(6_500_000),
        Decimal(3_000_000),
        Decimal(90_500_000),
    )
    assert figures.waiting == 1


def test_the_programme_list_costs_the_same_queries_for_many_programmes(
    client, manager, lao_cai, django_assert_max_num_queries
):
    grant_programme(province=lao_cai)
    staff_client(client, manager)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("loans:programmes"))
    for _ in range(5):
        grant_programme(province=None)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("loans:programmes"))

    assert len(response.context["rows"]) == 6


def test_the_queues_next_page_keeps_showing_the_waiting_ones(
    client, profile, grant, counsellor, lao_cai
):
    submitted_grant(profile, grant)
    done = in_review(worker_profile(lao_cai), grant, counsellor)
    services.application_reject(application_id=done.pk, actor=counsellor, reason="No.")

    response = staff_client(client, counsellor).get(reverse("loans:queue"), {"page": "1"})

    assert [a.status for a in response.context["page"].object_list] == [Status.SUBMITTED]


def test_a_decision_overtaken_by_another_stays_on_the_page_with_its_reason(
    client, profile, grant, counsellor, lao_cai
):
    application = in_review(profile, grant, counsellor)
    first = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    services.application_reject(application_id=application.pk, actor=first, reason="Duplicate.")

    response = staff_client(client, counsellor).post(
        reverse("loans:decide", args=[application.pk, "request-info"]),
        {"request-info-reason": "Send the receipt."},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "This application is now “Rejected”" in page
    assert "Send the receipt." in page


def test_a_loan_over_its_limit_is_refused_on_the_form_and_kept(client, profile):
    from workers.models import Case, Stage

    Case.all_objects.filter(profile=profile).update(stage=Stage.CONTRACTED)
    application = services.application_start(
        profile=profile, programme=loan_programme(), actor=profile.user
    )

    response = signed_in_worker(client, profile).post(
        reverse("loans:edit", args=[application.pk]),
        {
            "phone": "0912345678",
            "amount": "90.000.000",
            "loan_term_months": "12",
            "costs_before_departure": "80.000.000",
            "contract_months": "24",
        },
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["amount"]
    assert "at most 80.000.000 ₫" in error
    assert 'value="90.000.000"' in response.content.decode()
    application.refresh_from_db()
    assert application.requested_amount == 0
