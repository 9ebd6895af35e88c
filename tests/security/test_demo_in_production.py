"""Finding 1 of the security review: demo accounts must not work in production."""

import logging

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.checks import run_checks
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import (
    DEMO_TOTP_SECRET,
    DemoDataInProduction,
    demo_data_present,
    refuse_to_start_with_demo_data,
    seed_accounts,
)
from accounts.models import Role, User
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "mrc-demo-2026"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.DEMO_ACCOUNTS_ALLOWED = False
    return settings


def test_the_demo_admin_cannot_sign_in_with_debug_off_and_the_log_says_why(
    client, production, caplog
):
    seed_accounts(DEMO_PASSWORD)

    with caplog.at_level(logging.ERROR, logger="accounts.demo"):
        response = client.post(
            reverse("account_login"), {"login": "admin@mrc.demo", "password": DEMO_PASSWORD}
        )

    assert "_auth_user_id" not in client.session
    # Told the account is closed, never taken on to the second-factor step.
    assert response.get("Location") != reverse("mfa_authenticate")
    assert "Refused the sign-in of demo account" in caplog.text


def test_a_demo_worker_cannot_sign_in_with_a_code_either(client, production, sms_outbox):
    seed_accounts(DEMO_PASSWORD)
    client.post(reverse("account_request_login_code"), {"phone": "0912345001"})
    [message] = sms_outbox
    code = "".join(c for c in message.body if c.isdigit())[-6:]

    client.post(reverse("account_confirm_login_code"), {"code": code})

    assert "_auth_user_id" not in client.session


def test_a_demo_session_opened_before_ends_when_debug_is_turned_off(client, settings):
    [(_, admin)] = [pair for pair in seed_accounts(DEMO_PASSWORD) if pair[1].is_admin]
    client.force_login(admin)
    settings.DEMO_ACCOUNTS_ALLOWED = False

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_demo_accounts_still_sign_in_where_debug_is_on(client, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    seed_accounts(DEMO_PASSWORD)

    response = client.post(
        reverse("account_login"), {"login": "admin@mrc.demo", "password": DEMO_PASSWORD}
    )

    assert response["Location"] == reverse("mfa_authenticate")


def test_start_up_and_the_deploy_check_refuse_while_demo_data_exists(production):
    seed_accounts(DEMO_PASSWORD)

    with pytest.raises(DemoDataInProduction, match="remove_demo_data"):
        refuse_to_start_with_demo_data()
    errors = run_checks(include_deployment_checks=True, databases=["default"])
    assert "accounts.E001" in [e.id for e in errors]


def test_the_published_secret_on_any_account_stops_start_up(production, lao_cai):
    someone = StaffFactory(role=Role.ADMIN, email="real@example.vn", totp=False)
    TOTP.activate(someone, DEMO_TOTP_SECRET)

    assert demo_data_present()
    with pytest.raises(DemoDataInProduction):
        refuse_to_start_with_demo_data()


def test_remove_demo_data_lets_the_portal_start_and_keeps_real_accounts(production, lao_cai):
    seed_accounts(DEMO_PASSWORD)
    real = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, email="real@example.vn")

    call_command("remove_demo_data")
    call_command("remove_demo_data")  # twice changes nothing

    refuse_to_start_with_demo_data()  # does not raise
    assert demo_data_present() == []
    assert User.objects.filter(pk=real.pk, is_active=True).exists()
    assert not User.objects.filter(email="admin@mrc.demo").exists()
