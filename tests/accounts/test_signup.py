import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import PASSWORD, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Nguyễn Văn Bình",
        "phone": "",
        "email": "",
        "province": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_sign_up_by_phone_sends_a_code_and_the_code_signs_the_worker_in(
    client, lao_cai, sms_outbox
):
    response = client.post(
        reverse("account_signup"),
        signup_data(phone="0987 654 321", province=str(lao_cai.pk)),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(phone="+84987654321")
    assert user.name == "Nguyễn Văn Bình"
    assert user.role == Role.WORKER
    assert user.province == lao_cai
    assert user.email is None
    assert not user.phone_verified
    [message] = sms_outbox
    assert message.to == "+84987654321"
    code = re.search(r"\b(\d{6})\b", message.body).group(1)

    response = client.post(reverse("account_verify_phone"), {"code": code})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone_verified
    home = client.get(reverse("home"))
    assert "Nguyễn Văn Bình" in home.text


def test_sign_up_by_email_creates_a_worker_and_sends_a_verification_email(client, mailoutbox):
    response = client.post(reverse("account_signup"), signup_data(email="Binh@Example.vn"))

    assert response.status_code == 302
    user = User.objects.get(email="binh@example.vn")
    assert user.phone is None
    assert user.role == Role.WORKER
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["binh@example.vn"]


def test_sign_up_needs_a_phone_number_or_an_email(client):
    response = client.post(reverse("account_signup"), signup_data())

    assert response.status_code == 200
    assert "Nhập số điện thoại hoặc email" in response.text
    assert not User.objects.exists()


def test_malformed_phone_is_refused_in_vietnamese_and_the_form_keeps_what_was_typed(client):
    response = client.post(
        reverse("account_signup"), signup_data(phone="0212 34", email="binh@example.vn")
    )

    assert response.status_code == 200
    assert "Nhập số di động gồm 10 chữ số" in response.text
    assert 'value="Nguyễn Văn Bình"' in response.text
    assert 'value="0212 34"' in response.text
    assert 'value="binh@example.vn"' in response.text
    assert not User.objects.exists()


def test_a_taken_email_is_not_said_on_the_page(client, mailoutbox, sms_outbox):
    # Security review, finding 4: "Đã có người đăng ký bằng địa chỉ email này" told anyone
    # whether an address had an account. Now the page goes on as for a new address.
    UserFactory(email="binh@example.vn", phone="+84911111111")

    taken = client.post(reverse("account_signup"), signup_data(email="Binh@example.vn"))
    new = Client().post(reverse("account_signup"), signup_data(email="an@example.vn"))

    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in taken.wsgi_request.session
    assert User.objects.filter(email="binh@example.vn").count() == 1
    # Only the address's owner learns which it was.
    assert next((m.to, m.subject) for m in mailoutbox) == (
        ["binh@example.vn"],
        "[MRC] Tài khoản đã tồn tại",
    )


def test_a_taken_email_with_a_new_phone_number_signs_up_the_number_alone(
    client, mailoutbox, sms_outbox
):
    UserFactory(email="binh@example.vn", phone="+84911111111")

    response = client.post(
        reverse("account_signup"), signup_data(email="binh@example.vn", phone="0987654321")
    )

    # As for any new number: a code to it (not "this number has an account").
    assert response["Location"] == reverse("account_verify_phone")
    [text] = sms_outbox
    assert "mã của bạn" in text.body
    made = User.objects.get(phone="+84987654321")
    assert made.email is None
    assert User.objects.filter(email="binh@example.vn").count() == 1
    [mail] = mailoutbox
    assert mail.to == ["binh@example.vn"]


def test_a_new_email_account_signs_in_with_its_password_once_the_address_is_confirmed(
    client, mailoutbox
):
    client.post(reverse("account_signup"), signup_data(email="an@example.vn"))
    [mail] = mailoutbox
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", mail.body).group(1)

    client.post(link)
    response = client.post(
        reverse("account_login"), {"login": "an@example.vn", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="an@example.vn").pk)


def test_a_phone_number_already_registered_creates_no_second_account(client, sms_outbox):
    WorkerFactory(phone="+84987654321")

    response = client.post(reverse("account_signup"), signup_data(phone="+84 98 765 4321"))

    # allauth hides whether the number is taken (enumeration prevention): the visitor is
    # sent to the code step as usual, and the owner of the number gets a text instead.
    assert response.status_code == 302
    assert User.objects.filter(phone="+84987654321").count() == 1
    [message] = sms_outbox
    assert "đã có tài khoản" in message.body
