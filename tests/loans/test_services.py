"""Every move of an application: the happy path, each refused start, the event it leaves."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.models import Role
from loans import services
from loans.models import Application, ApplicationEvent, Attachment, ProgrammeBudget, Status
from notifications.models import Notification
from tests.factories import StaffFactory
from tests.loans.factories import (
    add_budget,
    attach,
    draft_grant,
    grant_programme,
    in_review,
    loan_programme,
    submitted_grant,
    worker_profile,
)
from workers.models import Case, DocumentType, PriorityGroupClaim, Stage

pytestmark = pytest.mark.django_db

Action = ApplicationEvent.Action
ALL = list(Status.values)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def force(application: Application, status: str) -> Application:
    """Put an application in a status for a test of what that status refuses."""
    Application.all_objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


def last_event(application: Application) -> ApplicationEvent:
    return application.events.order_by("-pk").first()  # type: ignore[return-value]  # the test has just written an event


def contracted(profile, months: int = 36):
    start = timezone.localdate()
    Case.all_objects.filter(profile=profile).update(
        stage=Stage.CONTRACTED,
        contract_start=start,
        contract_end=start + datetime.timedelta(days=months * 31),
    )
    return profile


# --- start ----------------------------------------------------------------------------


def test_starting_makes_a_draft_prefilled_from_the_file(profile, grant):
    application = services.application_start(profile=profile, programme=grant, actor=profile.user)

    assert application.status == Status.DRAFT
    assert application.province_id == profile.user.province_id
    assert application.phone == profile.user.display_phone
    event = last_event(application)
    assert (event.action, event.to_status, event.actor) == (
        Action.START,
        Status.DRAFT,
        profile.user,
    )


def test_starting_is_refused_with_the_reasons_when_the_worker_does_not_qualify(lao_cai, grant):
    kinh = worker_profile(lao_cai, groups=[])

    with pytest.raises(services.NotEligible) as refused:
        services.application_start(profile=kinh, programme=grant, actor=kinh.user)

    assert "Poor household" in refused.value.messages[0]
    assert not Application.all_objects.exists()


def test_starting_twice_points_to_the_open_application(profile, grant):
    first = services.application_start(profile=profile, programme=grant, actor=profile.user)

    with pytest.raises(services.AlreadyOpen) as again:
        services.application_start(profile=profile, programme=grant, actor=profile.user)

    assert again.value.application == first
    assert Application.all_objects.count() == 1


def test_a_worker_cannot_start_an_application_for_someone_else(profile, grant, lao_cai):
    other = worker_profile(lao_cai)

    with pytest.raises(services.NotAllowed):
        services.application_start(profile=profile, programme=grant, actor=other.user)


def test_a_counsellor_of_the_province_can_start_one_with_a_walk_in_worker(
    profile, grant, counsellor
):
    application = services.application_start(profile=profile, programme=grant, actor=counsellor)
    assert application.created_by == counsellor


def test_a_counsellor_of_another_province_cannot_start_one(profile, grant, other_counsellor):
    with pytest.raises(services.NotAllowed):
        services.application_start(profile=profile, programme=grant, actor=other_counsellor)


# --- saving ---------------------------------------------------------------------------


def test_saving_lines_keeps_them_and_totals_the_amount(profile, grant):
    application = draft_grant(
        profile, grant, lines={"language_training": (1, 4_000_000), "meals": (30, 1_500_000)}
    )

    assert application.requested_amount == Decimal(5_500_000)
    assert application.lines.count() == 2
    assert application.events.filter(action=Action.EDIT).count() == 1


def test_a_line_over_its_cap_is_refused_naming_the_cap_and_nothing_is_saved(profile, grant):
    application = services.application_start(profile=profile, programme=grant, actor=profile.user)
    language = grant.cost_items.get(code="language_training")

    with pytest.raises(services.Incomplete) as refused:
        services.application_save(
            application_id=application.pk,
            actor=profile.user,
            values={"phone": "0999999999"},
            lines=[services.LineInput(language.pk, 1, Decimal(4_000_001))],
        )

    assert "4.000.000 ₫ per course" in refused.value.messages[0]
    application.refresh_from_db()
    assert application.phone != "0999999999"
    assert not application.lines.exists()


def test_a_negative_amount_is_refused(profile, grant):
    application = services.application_start(profile=profile, programme=grant, actor=profile.user)
    meals = grant.cost_items.get(code="meals")

    with pytest.raises(services.Incomplete):
        services.application_save(
            application_id=application.pk,
            actor=profile.user,
            values={},
            lines=[services.LineInput(meals.pk, 2, Decimal(-1))],
        )


def test_saving_a_loan_above_the_collateral_threshold_flags_collateral(profile):
    loan = loan_programme()
    contracted(profile)
    application = services.application_start(profile=profile, programme=loan, actor=profile.user)

    services.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={"costs_before_departure": Decimal(250_000_000)},
        loan_amount=Decimal(200_000_001),
    )

    application.refresh_from_db()
    assert application.needs_collateral is True
    assert application.requested_amount == Decimal(200_000_001)


@pytest.mark.parametrize("status", [s for s in ALL if s not in {"draft", "needs_info"}])
def test_saving_is_refused_once_sent_naming_the_status(profile, grant, status):
    application = force(draft_grant(profile, grant), status)

    with pytest.raises(services.InvalidTransition) as refused:
        services.application_save(application_id=application.pk, actor=profile.user, values={})

    assert str(Status(status).label) in str(refused.value)


# --- attachments ----------------------------------------------------------------------


def test_an_attachment_is_stored_privately_with_a_random_name(profile, grant, settings):
    application = services.application_start(profile=profile, programme=grant, actor=profile.user)

    attachment = attach(application, profile.user)

    assert attachment.file.name.startswith(f"support/{application.pk}/")
    assert "receipt" not in attachment.file.name
    assert (settings.MEDIA_ROOT / attachment.file.name).exists()
    assert last_event(application).action == Action.ATTACH


def test_nothing_can_be_attached_to_a_sent_application(profile, grant):
    application = submitted_grant(profile, grant)

    with pytest.raises(services.InvalidTransition):
        attach(application, profile.user)

    assert application.attachments.count() == 1


def test_removing_an_attachment_deletes_its_file_after_commit(
    profile, grant, settings, django_capture_on_commit_callbacks
):
    application = draft_grant(profile, grant)
    attachment = application.attachments.get()
    path = settings.MEDIA_ROOT / attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment_id=attachment.pk, actor=profile.user)

    assert not Attachment.all_objects.exists()
    assert not path.exists()


# --- sending --------------------------------------------------------------------------


def test_sending_a_complete_draft_records_the_applicant_as_they_were(profile, grant):
    application = draft_grant(profile, grant)

    sent = services.application_submit(application_id=application.pk, actor=profile.user)

    assert sent.status == Status.SUBMITTED
    assert sent.submitted_at is not None
    assert sent.applicant["name"] == profile.user.name
    assert sent.applicant["priority_groups"] == ["poor"]
    event = last_event(sent)
    assert (event.action, event.from_status, event.to_status) == (
        Action.SUBMIT,
        Status.DRAFT,
        Status.SUBMITTED,
    )


def test_sending_is_refused_when_the_worker_no_longer_qualifies(profile, grant):
    application = draft_grant(profile, grant)
    PriorityGroupClaim.objects.filter(profile=profile).delete()

    with pytest.raises(services.NotEligible) as refused:
        services.application_submit(application_id=application.pk, actor=profile.user)

    assert "Poor household" in refused.value.messages[0]
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_sending_is_refused_after_the_programme_ended(profile, grant):
    application = draft_grant(profile, grant)
    grant.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    grant.save()

    with pytest.raises(services.NotEligible) as refused:
        services.application_submit(application_id=application.pk, actor=profile.user)

    assert "ended on" in refused.value.messages[0]


def test_a_grant_cannot_be_sent_without_a_receipt(profile, grant):
    application = draft_grant(profile, grant, receipt=False)

    with pytest.raises(services.Incomplete) as refused:
        services.application_submit(application_id=application.pk, actor=profile.user)

    assert any("receipt" in m for m in refused.value.messages)


def test_a_required_document_must_be_attached_or_in_the_file(profile, grant):
    grant.required_documents.add(DocumentType.objects.get(code="id_card"))
    application = draft_grant(profile, grant)

    with pytest.raises(services.Incomplete) as refused:
        services.application_submit(application_id=application.pk, actor=profile.user)
    assert refused.value.messages == ["Attach: ID card."]

    attach(application, profile.user, "id_card")
    sent = services.application_submit(application_id=application.pk, actor=profile.user)
    assert sent.status == Status.SUBMITTED


@pytest.mark.parametrize("status", [s for s in ALL if s != "draft"])
def test_sending_is_refused_from_any_other_status(profile, grant, status):
    application = force(draft_grant(profile, grant), status)

    with pytest.raises(services.InvalidTransition) as refused:
        services.application_submit(application_id=application.pk, actor=profile.user)

    assert str(Status(status).label) in str(refused.value)


def test_a_loan_over_its_limit_is_refused_when_saved_naming_the_limit(profile):
    loan = loan_programme()
    contracted(profile)
    application = services.application_start(profile=profile, programme=loan, actor=profile.user)

    with pytest.raises(services.Incomplete) as refused:
        services.application_save(
            application_id=application.pk,
            actor=profile.user,
            values={"costs_before_departure": Decimal(100_000_000), "loan_term_months": 24},
            loan_amount=Decimal(120_000_000),
        )

    assert "at most 100.000.000 ₫" in refused.value.messages[0]
    application.refresh_from_db()
    assert application.requested_amount == 0
    assert application.costs_before_departure is None


def test_a_loan_still_missing_its_term_is_saved_but_cannot_be_sent(profile):
    loan = loan_programme()
    contracted(profile)
    application = services.application_start(profile=profile, programme=loan, actor=profile.user)
    services.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={
            "costs_before_departure": Decimal(100_000_000),
            "contract_signed_on": timezone.localdate(),
        },
        loan_amount=Decimal(100_000_000),
    )

    with pytest.raises(services.Incomplete) as refused:
        services.application_submit(application_id=application.pk, actor=profile.user)

    assert refused.value.messages == ["Write over how many months you will repay the loan."]


def test_a_loan_within_its_limits_is_sent(profile):
    loan = loan_programme()
    contracted(profile)
    application = services.application_start(profile=profile, programme=loan, actor=profile.user)
    services.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={
            "costs_before_departure": Decimal(100_000_000),
            "loan_term_months": 24,
            "contract_signed_on": timezone.localdate(),
        },
        loan_amount=Decimal(100_000_000),
    )

    sent = services.application_submit(application_id=application.pk, actor=profile.user)

    assert sent.status == Status.SUBMITTED
    assert sent.contract_months is not None  # pre-filled from the case


def test_a_loan_needs_a_signed_contract_on_the_case(profile):
    loan = loan_programme()

    with pytest.raises(services.NotEligible) as refused:
        services.application_start(profile=profile, programme=loan, actor=profile.user)

    assert "signed work contract" in refused.value.messages[0]


def test_an_eps_deposit_loan_is_still_sent_36_days_after_the_colab_contract(profile):
    """The 35 days are for paying the deposit (Decision 16/2023/QD-TTg), not for applying."""
    eps = loan_programme(
        requires_contract=True,
        loan_share_percent=None,
        deduct_state_support=False,
        deposit_loan=True,
        loan_max=Decimal(100_000_000),
        term_max_months=64,
        term_within_contract=False,
        collateral_threshold=None,
        contract_deadline_days=35,
    )
    contracted(profile)
    application = services.application_start(profile=profile, programme=eps, actor=profile.user)
    services.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={
            "agreed_deposit": Decimal(100_000_000),
            "loan_term_months": 64,
            "contract_signed_on": timezone.localdate() - datetime.timedelta(days=36),
        },
        loan_amount=Decimal(100_000_000),
    )

    sent = services.application_submit(application_id=application.pk, actor=profile.user)

    assert sent.status == Status.SUBMITTED


def test_a_loan_cannot_be_sent_without_the_contract_signing_date(profile):
    loan = loan_programme()
    contracted(profile)
    application = services.application_start(profile=profile, programme=loan, actor=profile.user)
    services.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={"costs_before_departure": Decimal(100_000_000), "loan_term_months": 24},
        loan_amount=Decimal(100_000_000),
    )

    with pytest.raises(services.Incomplete) as refused:
        services.application_submit(application_id=application.pk, actor=profile.user)

    assert refused.value.messages == [
        "Write the date you signed the contract: the rules in force that day apply."
    ]


# --- review and more information ------------------------------------------------------


def test_a_counsellor_takes_a_sent_application_into_review(profile, grant, counsellor):
    application = submitted_grant(profile, grant)

    reviewed = services.application_review(application_id=application.pk, actor=counsellor)

    assert reviewed.status == Status.IN_REVIEW
    event = last_event(reviewed)
    assert (event.action, event.actor) == (Action.REVIEW, counsellor)


@pytest.mark.parametrize("status", [s for s in ALL if s not in {"submitted", "resubmitted"}])
def test_review_is_refused_from_other_statuses(profile, grant, counsellor, status):
    application = force(submitted_grant(profile, grant), status)

    with pytest.raises(services.InvalidTransition) as refused:
        services.application_review(application_id=application.pk, actor=counsellor)

    assert str(Status(status).label) in str(refused.value)
    assert last_event(application).action == Action.SUBMIT


def test_a_worker_cannot_review(profile, grant):
    application = submitted_grant(profile, grant)

    with pytest.raises(services.NotAllowed):
        services.application_review(application_id=application.pk, actor=profile.user)


def test_a_counsellor_of_another_province_cannot_review(profile, grant, other_counsellor):
    application = submitted_grant(profile, grant)

    with pytest.raises(services.NotAllowed):
        services.application_review(application_id=application.pk, actor=other_counsellor)


def test_asking_for_more_information_needs_a_reason(profile, grant, counsellor):
    application = in_review(profile, grant, counsellor)

    with pytest.raises(services.Incomplete):
        services.application_request_info(
            application_id=application.pk, actor=counsellor, reason=" "
        )

    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_asking_for_more_information_sends_it_back_and_tells_the_worker(profile, grant, counsellor):
    application = in_review(profile, grant, counsellor)

    asked = services.application_request_info(
        application_id=application.pk, actor=counsellor, reason="Send the course receipt."
    )

    assert asked.status == Status.NEEDS_INFO
    assert last_event(asked).reason == "Send the course receipt."
    message = Notification.objects.get(recipient=profile.user, channel="in_app")
    assert message.kind == "support-decision"
    assert message.key == f"support-decision:{application.pk}:needs_info:in_app"
    assert "Send the course receipt." in message.body
    assert message.link == f"/me/support/applications/{application.pk}/"


@pytest.mark.parametrize("status", [s for s in ALL if s not in {"in_review", "resubmitted"}])
def test_asking_for_more_is_refused_from_other_statuses(profile, grant, counsellor, status):
    application = force(submitted_grant(profile, grant), status)

    with pytest.raises(services.InvalidTransition):
        services.application_request_info(
            application_id=application.pk, actor=counsellor, reason="x"
        )


def test_the_worker_adds_what_was_asked_and_sends_it_again(profile, grant, counsellor):
    application = in_review(profile, grant, counsellor)
    services.application_request_info(application_id=application.pk, actor=counsellor, reason="x")
    attach(application, profile.user)

    again = services.application_resubmit(application_id=application.pk, actor=profile.user)

    assert again.status == Status.RESUBMITTED
    assert last_event(again).action == Action.RESUBMIT


@pytest.mark.parametrize("status", [s for s in ALL if s != "needs_info"])
def test_sending_again_is_refused_unless_more_information_was_asked(profile, grant, status):
    application = force(draft_grant(profile, grant), status)

    with pytest.raises(services.InvalidTransition):
        services.application_resubmit(application_id=application.pk, actor=profile.user)


def test_a_second_round_of_questions_tells_the_worker_again(profile, grant, counsellor):
    application = in_review(profile, grant, counsellor)
    for reason in ["First question", "Second question"]:
        services.application_request_info(
            application_id=application.pk, actor=counsellor, reason=reason
        )
        services.application_resubmit(application_id=application.pk, actor=profile.user)

    keys = set(
        Notification.objects.filter(recipient=profile.user, channel="in_app").values_list(
            "key", flat=True
        )
    )
    assert keys == {
        f"support-decision:{application.pk}:needs_info:in_app",
        f"support-decision:{application.pk}:needs_info:2:in_app",
    }


# --- approval: maker-checker and the budget -------------------------------------------


def test_a_manager_approves_the_full_amount_and_the_worker_is_told(
    profile, grant, counsellor, manager
):
    application = in_review(profile, grant, counsellor)

    approved = services.application_approve(
        application_id=application.pk, actor=manager, amount=Decimal(4_000_000)
    )

    assert approved.status == Status.APPROVED
    assert approved.approved_amount == Decimal(4_000_000)
    assert approved.budget_year == timezone.localdate().year
    assert approved.decided_by == manager
    event = last_event(approved)
    assert (event.action, event.actor, event.amount) == (
        Action.APPROVE,
        manager,
        Decimal(4_000_000),
    )
    assert Notification.objects.filter(
        recipient=profile.user, key=f"support-decision:{application.pk}:approved:in_app"
    ).exists()


def test_a_manager_approves_part_of_the_amount_with_a_reason(profile, grant, counsellor, manager):
    application = in_review(profile, grant, counsellor)

    approved = services.application_approve(
        application_id=application.pk,
        actor=manager,
        amount=Decimal(3_000_000),
        reason="The course cost 3.000.000 ₫.",
    )

    assert approved.approved_amount == Decimal(3_000_000)
    assert last_event(approved).reason == "The course cost 3.000.000 ₫."


def test_approving_more_than_asked_is_refused(profile, grant, counsellor, manager):
    application = in_review(profile, grant, counsellor)

    with pytest.raises(services.Incomplete) as refused:
        services.application_approve(
            application_id=application.pk, actor=manager, amount=Decimal(4_000_001)
        )

    assert "4.000.000 ₫" in str(refused.value)


def test_approving_nothing_is_refused(profile, grant, counsellor, manager):
    application = in_review(profile, grant, counsellor)

    with pytest.raises(services.Incomplete):
        services.application_approve(
            application_id=application.pk, actor=manager, amount=Decimal(0)
        )


def test_a_counsellor_cannot_approve(profile, grant, counsellor, lao_cai):
    application = in_review(profile, grant, counsellor)
    another = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)

    with pytest.raises(services.NotAllowed) as refused:
        services.application_approve(
            application_id=application.pk, actor=another, amount=Decimal(1_000_000)
        )

    assert "centre manager" in str(refused.value)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_a_manager_who_reviewed_cannot_approve_their_own_work(profile, grant, manager):
    application = submitted_grant(profile, grant)
    services.application_review(application_id=application.pk, actor=manager)

    with pytest.raises(services.NotAllowed) as refused:
        services.application_approve(
            application_id=application.pk, actor=manager, amount=Decimal(1_000_000)
        )

    assert "nobody approves their own work" in str(refused.value)


def test_a_manager_who_prepared_the_application_cannot_approve_it(
    profile, grant, manager, counsellor
):
    application = services.application_start(profile=profile, programme=grant, actor=manager)
    language = grant.cost_items.get(code="language_training")
    services.application_save(
        application_id=application.pk,
        actor=manager,
        values={},
        lines=[services.LineInput(language.pk, 1, Decimal(2_000_000))],
    )
    attach(application, profile.user)
    services.application_submit(application_id=application.pk, actor=profile.user)
    services.application_review(application_id=application.pk, actor=counsellor)

    with pytest.raises(services.NotAllowed):
        services.application_approve(
            application_id=application.pk, actor=manager, amount=Decimal(2_000_000)
        )


def test_a_second_manager_approves_what_the_first_reviewed(profile, grant, manager, lao_cai):
    application = submitted_grant(profile, grant)
    services.application_review(application_id=application.pk, actor=manager)
    checker = StaffFactory(role=Role.MANAGER, province=lao_cai)

    approved = services.application_approve(
        application_id=application.pk, actor=checker, amount=Decimal(4_000_000)
    )

    assert approved.status == Status.APPROVED


def test_a_manager_of_another_province_cannot_approve(profile, grant, counsellor, dong_thap):
    application = in_review(profile, grant, counsellor)
    stranger = StaffFactory(role=Role.MANAGER, province=dong_thap)

    with pytest.raises(services.NotAllowed):
        services.application_approve(
            application_id=application.pk, actor=stranger, amount=Decimal(1_000_000)
        )


def test_a_national_administrator_cannot_approve(profile, grant, counsellor, admin_user):
    application = in_review(profile, grant, counsellor)

    with pytest.raises(services.NotAllowed):
        services.application_approve(
            application_id=application.pk, actor=admin_user, amount=Decimal(1_000_000)
        )


@pytest.mark.parametrize("status", [s for s in ALL if s not in {"in_review", "resubmitted"}])
def test_approval_is_refused_in_the_wrong_status_naming_it(
    profile, grant, counsellor, manager, status
):
    application = force(in_review(profile, grant, counsellor), status)

    with pytest.raises(services.InvalidTransition) as refused:
        services.application_approve(
            application_id=application.pk, actor=manager, amount=Decimal(1_000_000)
        )

    assert f"“{Status(status).label}”" in str(refused.value)


def test_approval_over_the_budget_is_refused_naming_what_is_left(lao_cai, counsellor, manager):
    grant = grant_programme(province=lao_cai, budget=5_000_000)
    first = in_review(worker_profile(lao_cai), grant, counsellor)
    second = in_review(worker_profile(lao_cai), grant, counsellor)
    services.application_approve(application_id=first.pk, actor=manager, amount=Decimal(4_000_000))

    with pytest.raises(services.BudgetExceeded) as refused:
        services.application_approve(
            application_id=second.pk, actor=manager, amount=Decimal(4_000_000)
        )

    assert "1.000.000 ₫ is left" in str(refused.value)
    second.refresh_from_db()
    assert second.status == Status.IN_REVIEW
    assert second.approved_amount is None


def test_a_partial_amount_that_fits_the_budget_is_approved(lao_cai, counsellor, manager):
    grant = grant_programme(province=lao_cai, budget=5_000_000)
    first = in_review(worker_profile(lao_cai), grant, counsellor)
    second = in_review(worker_profile(lao_cai), grant, counsellor)
    services.application_approve(application_id=first.pk, actor=manager, amount=Decimal(4_000_000))

    approved = services.application_approve(
        application_id=second.pk, actor=manager, amount=Decimal(1_000_000)
    )

    assert approved.status == Status.APPROVED


def test_approval_without_a_budget_for_the_year_is_refused(lao_cai, counsellor, manager):
    grant = grant_programme(province=lao_cai, budget=None)
    application = in_review(worker_profile(lao_cai), grant, counsellor)

    with pytest.raises(services.BudgetExceeded) as refused:
        services.application_approve(
            application_id=application.pk, actor=manager, amount=Decimal(1_000_000)
        )

    assert str(timezone.localdate().year) in str(refused.value)


def test_last_years_budget_does_not_pay_for_this_year(lao_cai, counsellor, manager):
    grant = grant_programme(province=lao_cai, budget=50_000_000, year=2020)
    application = in_review(worker_profile(lao_cai), grant, counsellor)

    with pytest.raises(services.BudgetExceeded):
        services.application_approve(
            application_id=application.pk, actor=manager, amount=Decimal(1_000_000)
        )


# --- rejection and withdrawal ---------------------------------------------------------


def test_rejection_needs_a_reason(profile, grant, counsellor):
    application = in_review(profile, grant, counsellor)

    with pytest.raises(services.Incomplete):
        services.application_reject(application_id=application.pk, actor=counsellor, reason="")


def test_rejection_records_the_reason_and_tells_the_worker(profile, grant, counsellor):
    application = in_review(profile, grant, counsellor)

    rejected = services.application_reject(
        application_id=application.pk, actor=counsellor, reason="The course is not accredited."
    )

    assert rejected.status == Status.REJECTED
    assert rejected.decision_reason == "The course is not accredited."
    assert last_event(rejected).action == Action.REJECT
    message = Notification.objects.get(recipient=profile.user, channel="in_app")
    assert "The course is not accredited." in message.body


@pytest.mark.parametrize(
    "status", [s for s in ALL if s not in {"submitted", "in_review", "resubmitted"}]
)
def test_rejection_is_refused_in_other_statuses(profile, grant, counsellor, status):
    application = force(submitted_grant(profile, grant), status)

    with pytest.raises(services.InvalidTransition):
        services.application_reject(application_id=application.pk, actor=counsellor, reason="x")


@pytest.mark.parametrize("status", ["draft", "submitted", "in_review", "needs_info", "resubmitted"])
def test_the_worker_withdraws_an_undecided_application(profile, grant, status):
    application = force(draft_grant(profile, grant), status)

    withdrawn = services.application_withdraw(application_id=application.pk, actor=profile.user)

    assert withdrawn.status == Status.WITHDRAWN
    event = last_event(withdrawn)
    assert (event.action, event.from_status) == (Action.WITHDRAW, status)


@pytest.mark.parametrize(
    "status", ["approved", "rejected", "withdrawn", "paid", "referred", "loan_granted"]
)
def test_a_decided_application_cannot_be_withdrawn(profile, grant, status):
    application = force(draft_grant(profile, grant), status)

    with pytest.raises(services.InvalidTransition):
        services.application_withdraw(application_id=application.pk, actor=profile.user)


def test_another_worker_cannot_withdraw(profile, grant, lao_cai):
    application = draft_grant(profile, grant)

    with pytest.raises(services.NotAllowed):
        services.application_withdraw(
            application_id=application.pk, actor=worker_profile(lao_cai).user
        )


# --- paid, referred, the bank's answer ------------------------------------------------


@pytest.fixture
def approved_grant(profile, grant, counsellor, manager):
    application = in_review(profile, grant, counsellor)
    return services.application_approve(
        application_id=application.pk, actor=manager, amount=Decimal(3_000_000)
    )


@pytest.fixture
def approved_loan(profile, counsellor, manager):
    loan = loan_programme()
    contracted(profile)
    application = services.application_start(profile=profile, programme=loan, actor=profile.user)
    services.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={
            "costs_before_departure": Decimal(90_000_000),
            "loan_term_months": 24,
            "contract_signed_on": timezone.localdate(),
        },
        loan_amount=Decimal(80_000_000),
    )
    services.application_submit(application_id=application.pk, actor=profile.user)
    services.application_review(application_id=application.pk, actor=counsellor)
    return services.application_approve(
        application_id=application.pk, actor=manager, amount=Decimal(80_000_000)
    )


def test_an_approved_grant_is_marked_paid(approved_grant, counsellor):
    paid = services.application_mark_paid(
        application_id=approved_grant.pk, actor=counsellor, reference="PC-12"
    )

    assert paid.status == Status.PAID
    assert paid.payment_reference == "PC-12"
    assert last_event(paid).amount == Decimal(3_000_000)


def test_a_loan_is_never_marked_paid(approved_loan, counsellor):
    with pytest.raises(services.InvalidTransition):
        services.application_mark_paid(application_id=approved_loan.pk, actor=counsellor)


def test_a_grant_is_never_referred_to_the_bank(approved_grant, counsellor):
    with pytest.raises(services.InvalidTransition):
        services.application_refer(application_id=approved_grant.pk, actor=counsellor)


@pytest.mark.parametrize("status", [s for s in ALL if s != "approved"])
def test_payment_is_refused_unless_approved(profile, grant, counsellor, status):
    application = force(draft_grant(profile, grant), status)

    with pytest.raises(services.InvalidTransition):
        services.application_mark_paid(application_id=application.pk, actor=counsellor)


def test_an_approved_loan_is_referred_and_the_bank_grants_it(approved_loan, counsellor):
    referred = services.application_refer(
        application_id=approved_loan.pk, actor=counsellor, reference="VBSP-LC-88"
    )
    assert referred.status == Status.REFERRED

    granted = services.application_bank_grant(
        application_id=approved_loan.pk,
        actor=counsellor,
        lent_amount=Decimal(70_000_000),
        decided_on=timezone.localdate(),
    )

    assert granted.status == Status.LOAN_GRANTED
    assert granted.bank_reference == "VBSP-LC-88"
    # What the bank lent is kept beside what the centre approved, and the event says it.
    assert granted.lent_amount == Decimal(70_000_000)
    assert granted.approved_amount == Decimal(80_000_000)
    assert granted.bank_decided_on == timezone.localdate()
    assert last_event(granted).amount == Decimal(70_000_000)
    assert [e.action for e in granted.events.order_by("pk")][-2:] == [
        Action.REFER,
        Action.BANK_GRANT,
    ]


def test_the_banks_refusal_needs_its_reason(approved_loan, counsellor):
    services.application_refer(application_id=approved_loan.pk, actor=counsellor)

    with pytest.raises(services.Incomplete):
        services.application_bank_decline(
            application_id=approved_loan.pk, actor=counsellor, reason=""
        )


def test_a_loan_the_bank_declines_gives_its_amount_back_to_the_budget(approved_loan, counsellor):
    from loans.selectors import approved_total

    services.application_refer(application_id=approved_loan.pk, actor=counsellor)
    year = timezone.localdate().year
    assert approved_total(approved_loan.programme_id, year) == Decimal(80_000_000)

    declined = services.application_bank_decline(
        application_id=approved_loan.pk, actor=counsellor, reason="Household already in debt."
    )

    assert declined.status == Status.LOAN_DECLINED
    assert approved_total(approved_loan.programme_id, year) == Decimal(0)


@pytest.mark.parametrize("status", [s for s in ALL if s != "referred"])
def test_the_banks_answer_is_recorded_only_for_a_referred_loan(approved_loan, counsellor, status):
    application = force(approved_loan, status)

    with pytest.raises(services.InvalidTransition):
        services.application_bank_grant(
            application_id=application.pk,
            actor=counsellor,
            lent_amount=Decimal(80_000_000),
            decided_on=timezone.localdate(),
        )


@pytest.mark.parametrize(
    ("lent", "days_ahead", "message"),
    [
        (None, 0, "amount the bank lent"),
        (Decimal(0), 0, "amount the bank lent"),
        (Decimal(80_000_000), 1, "cannot be in the future"),
    ],
)
def test_the_banks_grant_needs_the_amount_lent_and_a_past_decision_date(
    approved_loan, counsellor, lent, days_ahead, message
):
    services.application_refer(application_id=approved_loan.pk, actor=counsellor)

    with pytest.raises(services.Incomplete) as refused:
        services.application_bank_grant(
            application_id=approved_loan.pk,
            actor=counsellor,
            lent_amount=lent,
            decided_on=timezone.localdate() + datetime.timedelta(days=days_ahead),
        )

    assert message in refused.value.messages[0]
    approved_loan.refresh_from_db()
    assert approved_loan.status == Status.REFERRED


def test_each_decision_is_one_notification_per_channel(approved_grant, counsellor, profile):
    services.application_mark_paid(application_id=approved_grant.pk, actor=counsellor)

    keys = list(Notification.objects.filter(recipient=profile.user).values_list("key", "channel"))
    statuses = sorted(key.split(":")[2] for key, _channel in keys if _channel == "in_app")
    assert statuses == ["approved", "paid"]
    assert len(keys) == len(set(keys))


def test_a_budget_row_is_one_per_programme_and_year(grant):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        add_budget(grant, 1)
    assert ProgrammeBudget.objects.filter(programme=grant).count() == 1
