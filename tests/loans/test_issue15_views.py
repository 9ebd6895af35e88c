"""The support pages of issue 15: the rules applied and their dates, the EPS deposit's
deadline, dated rates and groups marked unconfirmed, and the bank's decision recorded by a
counsellor with the amount the bank lent."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from loans import services
from loans.models import GroupRule, InterestRate, Status
from tests.conftest import login_staff
from tests.loans.factories import loan_programme, worker_profile
from tests.loans.test_services import contracted

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def eps(lao_cai):
    programme = loan_programme(
        valid_from=datetime.date(2023, 7, 20),
        loan_share_percent=None,
        deduct_state_support=False,
        deposit_loan=True,
        loan_max=Decimal(100_000_000),
        term_max_months=64,
        term_within_contract=False,
        collateral_threshold=None,
        contract_deadline_days=35,
        requires_permanent_residence=True,
        legal_basis_vi="Quyết định 16/2023/QĐ-TTg.",
    )
    GroupRule.objects.create(
        programme=programme,
        valid_from=datetime.date(2026, 1, 1),
        groups=["poor", "out_of_poverty"],
        legal_basis="Quyết định 16/2023/QĐ-TTg; Nghị định 338/2025/NĐ-CP",
        confirmed=False,
    )
    InterestRate.objects.create(
        programme=programme,
        group="",
        rate_vi="127% lãi suất cho vay hộ nghèo",
        valid_from=datetime.date(2026, 1, 1),
        legal_basis="Nghị định 338/2025/NĐ-CP",
        confirmed=True,
    )
    InterestRate.objects.create(
        programme=programme,
        group="poor",
        rate_vi="Thấp hơn, theo Nghị định 338/2025/NĐ-CP (chưa đối chiếu con số)",
        valid_from=datetime.date(2026, 1, 1),
        legal_basis="Nghị định 338/2025/NĐ-CP",
        confirmed=False,
    )
    return programme


def test_the_programme_page_shows_dated_groups_rates_and_the_deposit_deadline(client, lao_cai, eps):
    profile = worker_profile(lao_cai, groups=["out_of_poverty"])
    client.force_login(profile.user)

    page = client.get(reverse("loans:programme", args=[eps.pk])).content.decode()

    assert "Hợp đồng ký từ 01/01/2026:" in page and "Hộ mới thoát nghèo" in page
    assert 'id="rates"' in page and "127% lãi suất cho vay hộ nghèo" in page
    # each unconfirmed figure says so, in words
    assert page.count("Chưa được đối chiếu với văn bản chính thức: hãy hỏi cán bộ tư vấn.") == 2
    assert "Đây không phải hạn làm đơn vay" in page
    assert "thường trú" in page
    # the worker has not said where their permanent residence is: told how to fix it
    assert "Hãy ghi trong hồ sơ xem nơi thường trú" in page


def test_the_application_page_says_which_rules_and_when_the_deposit_is_due(client, lao_cai, eps):
    profile = worker_profile(lao_cai, groups=["poor"])
    profile.permanent_residence_here = True
    profile.save(update_fields=["permanent_residence_here"])
    contracted(profile)
    application = services.application_start(profile=profile, programme=eps, actor=profile.user)
    signed = TODAY - datetime.timedelta(days=40)
    services.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={"contract_signed_on": signed, "agreed_deposit": Decimal(100_000_000)},
    )
    client.force_login(profile.user)

    page = client.get(reverse("loans:application", args=[application.pk])).content.decode()

    due = signed + datetime.timedelta(days=35)
    assert f'id="deposit-due">{due:%d/%m/%Y}' in page
    assert f"Xét theo ngày {signed:%d/%m/%Y}, ngày bạn ký hợp đồng" in page
    assert "Quyết định 16/2023/QĐ-TTg." in page


def test_a_counsellor_records_the_banks_decision_with_the_amount_it_lent(
    client, lao_cai, counsellor, manager
):
    loan = loan_programme()
    profile = worker_profile(lao_cai)
    contracted(profile)
    application = services.application_start(profile=profile, programme=loan, actor=profile.user)
    services.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={
            "costs_before_departure": Decimal(90_000_000),
            "loan_term_months": 24,
            "contract_signed_on": TODAY,
        },
        loan_amount=Decimal(80_000_000),
    )
    services.application_submit(application_id=application.pk, actor=profile.user)
    services.application_review(application_id=application.pk, actor=counsellor)
    services.application_approve(
        application_id=application.pk, actor=manager, amount=Decimal(80_000_000)
    )
    services.application_refer(application_id=application.pk, actor=counsellor)
    login_staff(client, counsellor)
    url = reverse("loans:decide", args=[application.pk, "bank-granted"])

    refused = client.post(url, {"bank-granted-lent_amount": "", "bank-granted-decided_on": ""})
    assert refused.status_code == 400
    client.post(
        url,
        {
            "bank-granted-lent_amount": "75.000.000",
            "bank-granted-decided_on": TODAY.isoformat(),
            "bank-granted-reference": "VBSP-LC-9",
        },
    )

    application.refresh_from_db()
    assert (application.status, application.lent_amount, application.approved_amount) == (
        Status.LOAN_GRANTED,
        Decimal(75_000_000),
        Decimal(80_000_000),
    )
    page = client.get(reverse("loans:staff_application", args=[application.pk])).content.decode()
    assert 'id="bank-decision"' in page and "75.000.000" in page


def test_a_worker_types_a_2025_signing_date_on_the_2026_loan_and_is_told_which_rules(
    client, lao_cai
):
    loan = loan_programme(valid_from=datetime.date(2026, 1, 1))
    profile = worker_profile(lao_cai)
    contracted(profile)
    application = services.application_start(profile=profile, programme=loan, actor=profile.user)
    client.force_login(profile.user)

    edit = client.get(reverse("loans:edit", args=[application.pk])).content.decode()
    assert 'name="contract_signed_on"' in edit
    assert "không tính gia hạn" in edit  # the contract's length, extensions not counted
    client.post(
        reverse("loans:edit", args=[application.pk]),
        {
            "phone": "0912345678",
            "amount": "50.000.000",
            "loan_term_months": "24",
            "costs_before_departure": "60.000.000",
            "contract_months": "36",
            "contract_signed_on": "2025-12-15",
        },
    )

    application.refresh_from_db()
    assert application.contract_signed_on == datetime.date(2025, 12, 15)
    page = client.get(reverse("loans:application", args=[application.pk])).content.decode()
    assert "Xét theo ngày 15/12/2025, ngày bạn ký hợp đồng: trước ngày 01/01/2026" in page
    assert "dành cho hợp đồng ký hoặc chi phí phát sinh từ ngày 01/01/2026" in page
