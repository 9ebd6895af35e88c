"""Abuse limits, through real requests: sign-in, sign-up, password reset, codes by text
message, the second factor, the fee checker, signed-in devices and the admin site.

Tested elsewhere and not repeated here: the fraud report's limit
(tests/markets/test_fraud_reports.py::test_reports_are_rate_limited_per_address_and_the_page_says_so),
staff session time-outs (tests/accounts/test_session_timeout.py), and staff without an
authenticator, /admin/ included, being sent to set one up
(tests/accounts/test_login.py::test_staff_without_an_authenticator_are_sent_to_set_one_up).

Strings this portal adds are compared through gettext in Vietnamese, so these tests hold
before and after the translators fill them in; allauth's own are compared as Vietnamese.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from allauth.account import app_settings as account_settings
from allauth.core.internal import ratelimit as allauth_ratelimit
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from accounts.models import Role, User
from markets import throttle
from tests.accounts.test_signup import signup_data
from tests.factories import PASSWORD, StaffFactory, WorkerFactory, totp_code
from tests.markets.factories import ExchangeRateFactory, MarketFactory, ProgrammeFactory
from tests.markets.test_fee_check import check as check_fee

pytestmark = pytest.mark.django_db

WRONG_PHONE_PASSWORD = "Số điện thoại hoặc mật khẩu bạn nhập không đúng."
WRONG_EMAIL_PASSWORD = "Địa chỉ email hoặc mật khẩu bạn nhập không đúng."
TOO_MANY_ATTEMPTS = "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau."
TOO_MANY_REQUESTS = "Vui lòng chờ một chút, bạn đang gửi quá nhiều yêu cầu."
WRONG_CODE = "Mã không đúng."
# The portal's own, read through vi().
PLEASE_WAIT = (
    "This was tried too many times in a short while. Please wait a few minutes (15 at most), "
    "then try again."
)
CODE_SENT_A_MOMENT_AGO = (
    "A code was sent to this number, or from this connection, a moment ago. Please wait a "
    "minute, then send the form again."
)
FEE_CHECKS_USED_UP = (
    "This connection has made %(limit)s checks in %(window_minutes)s minutes. Please try again "
    "after %(retry_at)s, or call the centre. What you typed is still below."
)


def vi(message: str) -> str:
    """A string of ours as a Vietnamese page shows it, escaped like template output."""
    with translation.override("vi"):
        return escape(gettext(message))


def limit_of(action: str, per: str) -> allauth_ratelimit.Rate:
    """The configured rate of one allauth action, so the tests follow the settings."""
    # The first written is the shortest window (verify_phone has two per number, two per
    # address).
    return next(
        r
        for r in allauth_ratelimit.parse_rates(settings.ACCOUNT_RATE_LIMITS[action])
        if r.per == per
    )


class _Clock:
    """A stopped clock for the rate limiters, moved on by hand: a slow machine cannot let a
    window run out in the middle of a test, and no test sleeps."""

    monotonic = staticmethod(time.monotonic)
    sleep = staticmethod(time.sleep)

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def later(monkeypatch) -> Callable[[float], None]:
    clock = _Clock()
    monkeypatch.setattr(allauth_ratelimit, "time", clock)
    monkeypatch.setattr(throttle, "time", clock)

    def wait(seconds: float) -> None:
        clock.now += seconds

    return wait


def same_page(response: Any, *typed: str) -> str:
    """The page without what differs by design: the CSRF token and what the visitor typed."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
    for value in typed:
        text = text.replace(escape(value), "TYPED").replace(value, "TYPED")
    return text


def sign_in(client: Client, login: str, password: str, address: str | None = None) -> Any:
    extra: dict[str, Any] = {"REMOTE_ADDR": address} if address else {}
    return client.post(reverse("account_login"), {"login": login, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def sent_code(message_body: str) -> str:
    return re.search(r"\b(\d{6})\b", message_body).group(1)  # type: ignore[union-attr]  # the message is known to carry a six-digit code


def wrong_code(*right: str) -> str:
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)


# --- The limits are written out --------------------------------------------------------


def test_every_limit_allauth_applies_is_written_out_in_settings(settings):
    configured = dict(settings.ACCOUNT_RATE_LIMITS)
    settings.ACCOUNT_RATE_LIMITS = {}
    allauth_defaults = account_settings.RATE_LIMITS
    settings.ACCOUNT_RATE_LIMITS = configured

    assert set(allauth_defaults) <= set(configured)
    assert all(configured.values())  # none switched off
    assert configured == account_settings.RATE_LIMITS
    assert account_settings.LOGIN_BY_CODE_MAX_ATTEMPTS == 3
    assert account_settings.PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS == 3
    assert account_settings.PHONE_VERIFICATION_MAX_ATTEMPTS == 3


# --- Sign-in with a password ----------------------------------------------------------


def test_wrong_passwords_for_one_account_lock_it_even_from_new_addresses(later):
    WorkerFactory(phone="+84912345678")
    rate = limit_of("login_failed", "key")

    for attempt in range(rate.amount):
        response = sign_in(Client(), "0912345678", "wrong", address=f"10.0.0.{attempt}")
        assert WRONG_PHONE_PASSWORD in response.text
    locked = Client()
    refused = sign_in(locked, "0912345678", PASSWORD, address="10.9.9.9")

    assert refused.status_code == 200
    assert TOO_MANY_ATTEMPTS in refused.text
    assert not signed_in(locked)

    later(rate.duration)
    assert sign_in(locked, "0912345678", PASSWORD, address="10.9.9.9").status_code == 302
    assert signed_in(locked)


@pytest.mark.parametrize(
    ("existing", "unknown", "wrong_password"),
    [
        ("0912345678", "0987654321", WRONG_PHONE_PASSWORD),
        ("mai@example.vn", "nobody@example.vn", WRONG_EMAIL_PASSWORD),
    ],
    ids=["phone", "email"],
)
def test_wrong_password_and_lockout_pages_do_not_tell_whether_the_account_exists(
    existing, unknown, wrong_password
):
    WorkerFactory(phone="+84912345678", email="mai@example.vn")
    rate = limit_of("login_failed", "key")
    pages: dict[str, list[str]] = {existing: [], unknown: []}

    for n, (login, seen) in enumerate(pages.items()):
        client = Client()
        for attempt in range(rate.amount + 1):
            # A new address each time: only the per-account limit is at work.
            response = sign_in(client, login, "wrong", address=f"10.1.{n}.{attempt}")
            seen.append(same_page(response, login))
        assert wrong_password in seen[0]
        assert TOO_MANY_ATTEMPTS in seen[-1]

    assert pages[existing] == pages[unknown]


def test_a_number_typed_another_way_counts_against_the_same_account():
    WorkerFactory(phone="+84912345678")
    typings = ["0912345678", "+84 912 345 678", "84912345678", "0912-345-678", "0912 345 678"]
    assert len(typings) == limit_of("login_failed", "key").amount

    for attempt, typed in enumerate(typings):
        sign_in(Client(), typed, "wrong", address=f"10.2.0.{attempt}")
    refused = sign_in(Client(), "0912345678", PASSWORD, address="10.2.1.1")

    assert TOO_MANY_ATTEMPTS in refused.text


def test_wrong_passwords_for_one_number_do_not_lock_out_other_numbers():
    WorkerFactory(phone="+84912345678")
    WorkerFactory(phone="+84912345679")

    for attempt in range(limit_of("login_failed", "key").amount + 1):
        sign_in(Client(), "0912345678", "wrong", address=f"10.3.0.{attempt}")
    other = Client()
    response = sign_in(other, "0912345679", PASSWORD, address="10.3.1.1")

    assert response.status_code == 302
    assert signed_in(other)


# --- Sign-up --------------------------------------------------------------------------


def test_sign_ups_from_one_address_are_limited_with_the_429_page(client):
    rate = limit_of("signup", "ip")
    for n in range(rate.amount):
        response = client.post(reverse("account_signup"), signup_data(email=f"w{n}@example.vn"))
        assert response.status_code == 302
        client.logout()

    refused = client.post(reverse("account_signup"), signup_data(email="late@example.vn"))

    assert refused.status_code == 429
    assert refused["Content-Language"] == "vi"
    assert 'id="rate-limited"' in refused.text
    assert vi(PLEASE_WAIT) in refused.text
    assert not User.objects.filter(email="late@example.vn").exists()
    assert User.objects.count() == rate.amount


def test_a_phone_sign_up_sent_again_at_once_is_refused_in_the_form_keeping_what_was_typed(
    client, sms_outbox
):
    client.post(reverse("account_signup"), signup_data(phone="0987 654 321"))
    again = Client()

    response = again.post(
        reverse("account_signup"), signup_data(phone="0987 654 321", name="Trần Thị Hoa")
    )

    assert response.status_code == 200
    assert vi(CODE_SENT_A_MOMENT_AGO) in response.text
    assert 'value="Trần Thị Hoa"' in response.text
    assert 'value="0987 654 321"' in response.text
    assert len(sms_outbox) == 1
    assert User.objects.filter(phone="+84987654321").count() == 1


def test_phone_codes_from_one_address_are_limited_before_an_account_is_made(client, sms_outbox):
    rate = limit_of("verify_phone", "ip")
    for n in range(rate.amount):
        response = Client().post(reverse("account_signup"), signup_data(phone=f"09870{n:05d}"))
        assert response.status_code == 302

    response = client.post(reverse("account_signup"), signup_data(phone="0987099999"))

    assert response.status_code == 200
    assert "rate_limited" in [e.code for e in response.context["form"].non_field_errors().data]
    assert not User.objects.filter(phone="+84987099999").exists()
    assert len(sms_outbox) == rate.amount


def test_people_behind_one_address_each_get_their_sign_up_code(sms_outbox):
    # Issue 16, point 13: a carrier's NAT or a centre's Wi-Fi puts many people behind one
    # address; with 3 codes a minute per address, the fourth person was refused a code
    # they never asked for. The limit is per number, the address's ceiling far higher.
    for n in range(6):
        response = Client().post(reverse("account_signup"), signup_data(phone=f"091234560{n}"))
        assert response["Location"] == reverse("account_verify_phone")

    assert len(sms_outbox) == 6
    assert limit_of("verify_phone", "ip").amount >= 5 * limit_of("verify_phone", "key").amount


def test_one_number_gets_three_codes_in_15_minutes_at_most(client, sms_outbox, later):
    start_phone_sign_up(client)
    for _ in range(4):
        later(limit_of("verify_phone", "key").duration)
        client.post(reverse("account_verify_phone"), {"action": "resend"})

    assert len(sms_outbox) == 3


def test_a_code_limit_hit_inside_allauth_answers_429_not_a_server_error(sms_outbox):
    # A worker whose number is not confirmed gets a code at each sign-in; two sign-ins within
    # 30 seconds make allauth raise instead of answer.
    WorkerFactory(phone="+84912345678", phone_verified=False)
    first, second = Client(), Client()
    assert sign_in(first, "0912345678", PASSWORD).status_code == 302

    response = sign_in(second, "0912345678", PASSWORD)

    assert response.status_code == 429
    assert 'id="rate-limited"' in response.text
    assert len(sms_outbox) == 1
    assert not signed_in(second)


# --- Codes by text message: phone verification ----------------------------------------


def start_phone_sign_up(client: Client) -> None:
    response = client.post(reverse("account_signup"), signup_data(phone="0987 654 321"))
    assert response["Location"] == reverse("account_verify_phone")


def test_a_new_phone_code_waits_30_seconds_and_comes_twice_at_most(client, sms_outbox, later):
    start_phone_sign_up(client)
    resend = {"action": "resend"}

    too_soon = client.post(reverse("account_verify_phone"), resend, follow=True)
    assert TOO_MANY_REQUESTS in too_soon.text
    assert len(sms_outbox) == 1

    for sent in (2, 3):
        later(limit_of("verify_phone", "key").duration)
        client.post(reverse("account_verify_phone"), resend)
        assert len(sms_outbox) == sent

    later(limit_of("verify_phone", "key").duration)
    page = client.get(reverse("account_verify_phone"))
    client.post(reverse("account_verify_phone"), resend)
    assert 'form="resend"' not in page.text  # the button is gone
    assert len(sms_outbox) == 3


def test_wrong_phone_codes_end_the_sign_up_step_at_the_third(client, sms_outbox):
    start_phone_sign_up(client)
    code = sent_code(sms_outbox[0].body)
    wrong = wrong_code(code)

    for _ in range(account_settings.PHONE_VERIFICATION_MAX_ATTEMPTS - 1):
        response = client.post(reverse("account_verify_phone"), {"code": wrong})
        assert WRONG_CODE in response.text
    last = client.post(reverse("account_verify_phone"), {"code": wrong}, follow=True)
    after = client.post(reverse("account_verify_phone"), {"code": code})

    assert TOO_MANY_ATTEMPTS in last.text
    assert after["Location"] == reverse("account_login")
    assert not User.objects.get(phone="+84987654321").phone_verified


# --- Codes by text message: signing in with a code -------------------------------------


@pytest.mark.parametrize("registered", [True, False], ids=["known-number", "unknown-number"])
def test_sign_in_codes_for_one_number_are_limited_alike_for_known_and_unknown_numbers(
    sms_outbox, later, registered
):
    if registered:
        WorkerFactory(phone="+84912345678")
    rate = limit_of("request_login_code", "key")
    url = reverse("account_request_login_code")

    for attempt in range(rate.amount):
        response = Client().post(url, {"phone": "0912345678"}, REMOTE_ADDR=f"10.4.0.{attempt}")
        assert response.status_code == 302
    refused = Client().post(url, {"phone": "0912 345 678"}, REMOTE_ADDR="10.4.1.1")

    assert refused.status_code == 200
    assert TOO_MANY_ATTEMPTS in refused.text
    assert 'value="0912 345 678"' in refused.text
    assert len(sms_outbox) == rate.amount

    later(rate.duration)
    assert Client().post(url, {"phone": "0912345678"}).status_code == 302


def test_a_sign_in_code_ends_at_the_third_wrong_try(client, sms_outbox):
    WorkerFactory(phone="+84912345678")
    client.post(reverse("account_request_login_code"), {"phone": "0912345678"})
    code = sent_code(sms_outbox[0].body)
    wrong = wrong_code(code)

    for _ in range(account_settings.LOGIN_BY_CODE_MAX_ATTEMPTS - 1):
        response = client.post(reverse("account_confirm_login_code"), {"code": wrong})
        assert WRONG_CODE in response.text
    last = client.post(reverse("account_confirm_login_code"), {"code": wrong}, follow=True)
    client.post(reverse("account_confirm_login_code"), {"code": code})

    assert TOO_MANY_ATTEMPTS in last.text
    assert not signed_in(client)


# --- Password reset by code -----------------------------------------------------------


def ask_reset(client: Client, email: str) -> Any:
    return client.post(reverse("account_reset_password"), {"email": email})


def test_password_reset_for_an_unknown_email_answers_like_for_a_known_one(mailoutbox):
    WorkerFactory(email="mai@example.vn")
    known, unknown = Client(), Client()

    asked = [ask_reset(known, "mai@example.vn"), ask_reset(unknown, "nobody@example.vn")]
    pages = [
        known.get(reverse("account_confirm_password_reset_code")),
        unknown.get(reverse("account_confirm_password_reset_code")),
    ]

    assert [r.status_code for r in asked] == [302, 302]
    assert asked[0]["Location"] == asked[1]["Location"]
    assert same_page(pages[0], "mai@example.vn") == same_page(pages[1], "nobody@example.vn")
    # Each address hears about it: a code for the account, "no account" for the other.
    assert [m.to for m in mailoutbox] == [["mai@example.vn"], ["nobody@example.vn"]]


def test_password_reset_requests_for_one_email_are_limited_alike_known_or_not(mailoutbox):
    WorkerFactory(email="mai@example.vn")
    rate = limit_of("reset_password", "key")
    refusals = {}

    for email in ("mai@example.vn", "nobody@example.vn"):
        for _ in range(rate.amount):
            assert ask_reset(Client(), email).status_code == 302
        refusals[email] = ask_reset(Client(), email)

    assert [r.status_code for r in refusals.values()] == [429, 429]
    assert 'id="rate-limited"' in refusals["mai@example.vn"].text
    assert same_page(refusals["mai@example.vn"]) == same_page(refusals["nobody@example.vn"])
    assert len(mailoutbox) == 2 * rate.amount


def test_a_password_reset_code_ends_at_the_third_wrong_try(client, mailoutbox):
    worker = WorkerFactory(email="mai@example.vn")
    ask_reset(client, "mai@example.vn")
    code = sent_code(mailoutbox[0].body)
    wrong = wrong_code(code)
    url = reverse("account_confirm_password_reset_code")

    for _ in range(account_settings.PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS - 1):
        assert WRONG_CODE in client.post(url, {"code": wrong}).text
    last = client.post(url, {"code": wrong}, follow=True)
    after = client.post(url, {"code": code})

    assert TOO_MANY_ATTEMPTS in last.text
    assert after["Location"] == reverse("account_login")
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)


# --- The second factor ----------------------------------------------------------------


def test_wrong_second_factor_codes_lock_the_step_even_for_the_right_code(client, lao_cai, later):
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, email="tv@example.vn")
    rate = limit_of("login_failed", "key")
    assert sign_in(client, "tv@example.vn", PASSWORD)["Location"] == reverse("mfa_authenticate")

    wrong = wrong_code(*(totp_code(offset=step) for step in (-1, 0, 1)))

    for _ in range(rate.amount):
        response = client.post(reverse("mfa_authenticate"), {"code": wrong})
        assert WRONG_CODE in response.text
    refused = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert TOO_MANY_ATTEMPTS in refused.text
    assert not signed_in(client)

    later(rate.duration)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.session["_auth_user_id"] == str(counsellor.pk)


# --- The fee checker ------------------------------------------------------------------


@pytest.fixture
def programme(db):
    ExchangeRateFactory(currency="JPY", vnd_per_unit=Decimal("170"))
    return ProgrammeFactory(market=MarketFactory(code="japan", currency="JPY"))


@pytest.fixture
def few_fee_checks(settings) -> int:
    settings.FEE_CHECKS_PER_WINDOW = 3
    settings.FEE_CHECK_WINDOW_SECONDS = 10 * 60
    return 3


def test_the_fee_checker_allows_60_checks_per_address_in_10_minutes_by_default():
    assert settings.FEE_CHECKS_PER_WINDOW == 60
    assert settings.FEE_CHECK_WINDOW_SECONDS == 600


def test_fee_checks_over_the_limit_get_a_429_that_says_when_and_keeps_what_was_typed(
    client, programme, few_fee_checks, later
):
    for _ in range(few_fee_checks):
        assert check_fee(client, programme).status_code == 200
    later(4 * 60)

    refused = check_fee(client, programme, service_fee="95.000.000")
    elsewhere = check_fee(client, programme, address="10.5.0.2")

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(6 * 60)
    assert "verdict" not in refused.context
    retry_at = refused.context["retry_at"]
    assert abs((retry_at - timezone.now()).total_seconds() - 6 * 60) < 60
    said = {"limit": few_fee_checks, "window_minutes": 10, "retry_at": f"{retry_at:%H:%M}"}
    assert vi(FEE_CHECKS_USED_UP) % said in refused.text
    assert 'value="95.000.000"' in refused.text
    assert f'<option value="{programme.pk}" selected>' in refused.text
    assert 'class="errorlist' not in refused.text
    assert elsewhere.status_code == 200


def test_signed_in_staff_are_not_counted_by_the_fee_checker(client, programme, few_fee_checks):
    client.force_login(StaffFactory(role=Role.COUNSELLOR))

    responses = [check_fee(client, programme) for _ in range(few_fee_checks + 2)]

    assert {r.status_code for r in responses} == {200}


# --- Signed-in devices ----------------------------------------------------------------


def test_my_account_links_to_the_signed_in_devices_page(client):
    WorkerFactory(phone="+84912345678")
    sign_in(client, "0912345678", PASSWORD)

    home = client.get(reverse("home"))
    account = client.get(reverse("account_email"))

    assert f'href="{reverse("account_email")}"' in home.text
    assert f'href="{reverse("usersessions_list")}"' in account.text


def test_a_worker_sees_both_devices_and_signing_out_the_other_one_ends_it():
    worker = WorkerFactory(phone="+84912345678")
    phone = Client(HTTP_USER_AGENT="Android phone", REMOTE_ADDR="10.6.0.1")
    cafe = Client(HTTP_USER_AGENT="Internet cafe PC", REMOTE_ADDR="10.6.0.2")
    for device in (phone, cafe):
        assert sign_in(device, "0912345678", PASSWORD).status_code == 302

    listed = phone.get(reverse("usersessions_list"))

    assert not settings.USERSESSIONS_TRACK_ACTIVITY  # the list must work without it
    agents = sorted(s.user_agent for s in listed.context["sessions"])
    assert agents == ["Android phone", "Internet cafe PC"]
    assert "Internet cafe PC" in listed.text

    ended = phone.post(reverse("usersessions_list"))
    cafe_next = cafe.get(reverse("usersessions_list"))

    assert ended.status_code == 302
    assert cafe_next.status_code == 302
    assert cafe_next["Location"].startswith(reverse("account_login"))
    assert phone.get(reverse("usersessions_list")).status_code == 200
    assert [s.user_agent for s in UserSession.objects.filter(user=worker)] == ["Android phone"]


# --- The admin site -------------------------------------------------------------------


def test_the_admin_site_needs_the_second_factor_not_only_the_password(client):
    StaffFactory(role=Role.ADMIN, province=None, email="admin@example.vn", is_superuser=True)

    sign_in(client, "admin@example.vn", PASSWORD)
    before = client.get("/admin/", follow=True)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    after = client.get("/admin/")

    # The admin's login hands over to allauth, which resumes the pending second-factor step.
    assert [url for url, _ in before.redirect_chain][-1] == reverse("mfa_authenticate")
    assert "site-name" not in before.text
    assert after.status_code == 200
    assert "site-name" in after.text
