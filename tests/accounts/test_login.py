import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.middleware import MFA_RECHECK_SECONDS
from accounts.models import Role
from tests.conftest import login_staff, statements_on
from tests.factories import PASSWORD, StaffFactory, WorkerFactory, totp_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["0912345678", "+84 912 345 678", "84912345678", "0912-345-678"])
def test_worker_signs_in_with_the_phone_number_typed_any_usual_way(client, typed):
    worker = WorkerFactory(phone="+84912345678")

    response = client.post(reverse("account_login"), {"login": typed, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_worker_signs_in_with_email(client, lao_cai):
    worker = WorkerFactory(email="mai@example.vn", phone=None)

    response = client.post(
        reverse("account_login"), {"login": "Mai@Example.vn", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_wrong_password_is_refused_with_a_vietnamese_message(client):
    WorkerFactory(phone="+84912345678")

    response = client.post(reverse("account_login"), {"login": "0912345678", "password": "nope"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "không đúng" in response.text


def test_worker_can_ask_for_a_sign_in_code_by_text_message(client, sms_outbox):
    worker = WorkerFactory(phone="+84912345678")

    response = client.post(reverse("account_request_login_code"), {"phone": "0912 345 678"})

    assert response.status_code == 302
    [message] = sms_outbox
    assert message.to == worker.phone


def test_staff_with_an_authenticator_must_give_the_code_after_the_password(client, lao_cai):
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, email="tv@example.vn")

    response = client.post(
        reverse("account_login"), {"login": "tv@example.vn", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(counsellor.pk)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.MANAGER, Role.ADMIN])
def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, lao_cai, role):
    staff = StaffFactory(role=role, province=lao_cai, totp=False)
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(staff.pk)

    for url in [reverse("home"), reverse("accounts:people"), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp")

    # Setting up the second factor asks for the password once more, then shows the QR code.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert "data:image/svg+xml" in response.text


def test_workers_are_not_asked_for_a_second_factor(client, worker):
    client.force_login(worker)

    response = client.get(reverse("notifications:inbox"))

    # A page that needs signing in opens at once: no detour to set up an authenticator.
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(worker.pk)
    assert response.context["user"] == worker


def test_the_second_factor_is_looked_up_once_a_minute_and_a_removal_is_noticed(client, lao_cai):
    staff = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    login_staff(client, staff)

    with statements_on("mfa_authenticator") as looked_up:
        for _ in range(3):
            assert client.get(reverse("accounts:people")).status_code == 200
    assert len(looked_up) == 1  # the first request only

    # An administrator removes the authenticator: noticed within the minute.
    Authenticator.objects.filter(user=staff).delete()
    assert client.get(reverse("accounts:people")).status_code == 200
    session = client.session
    session["staff_mfa_seen"] -= MFA_RECHECK_SECONDS
    session.save()
    response = client.get(reverse("accounts:people"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_staff_member_who_removes_the_second_factor_is_sent_to_set_it_up_at_once(client, lao_cai):
    staff = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get(reverse("accounts:people")).status_code == 200

    # Removing it asks for the password once more (allauth), then takes it off.
    client.post(reverse("mfa_deactivate_totp"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    removed = client.post(reverse("mfa_deactivate_totp"))

    assert removed.status_code == 302
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    response = client.get(reverse("accounts:people"))
    assert response["Location"] == reverse("mfa_activate_totp")
