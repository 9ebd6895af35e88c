"""Finding 10 of the security review: second-factor secrets are not in clear in the
database (the refused production defaults are tested in tests/mrc/test_settings.py)."""

import importlib

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.urls import reverse

from accounts.models import Role
from tests.factories import PASSWORD, StaffFactory, totp_code

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_totp_secret_is_stored_encrypted(lao_cai):
    staff = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, totp=False)

    TOTP.activate(staff, SECRET)

    stored = Authenticator.objects.get(user=staff, type="totp").data["secret"]
    assert stored.startswith("fernet:")
    assert SECRET not in stored


def test_recovery_codes_seed_is_stored_encrypted(lao_cai):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    staff = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, totp=False)
    codes = RecoveryCodes.activate(staff)

    stored = Authenticator.objects.get(user=staff, type="recovery_codes").data["seed"]
    assert stored.startswith("fernet:")
    assert codes.validate_code(codes.get_unused_codes()[0])


def test_staff_sign_in_with_an_encrypted_secret(client, lao_cai):
    staff = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, email="tv@example.vn")
    assert Authenticator.objects.get(user=staff, type="totp").data["secret"].startswith("fernet:")

    client.post(reverse("account_login"), {"login": "tv@example.vn", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert client.session["_auth_user_id"] == str(staff.pk)


def test_secrets_written_in_clear_before_are_encrypted_by_the_migration(lao_cai):
    staff = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, totp=False)
    Authenticator.objects.create(user=staff, type="totp", data={"secret": SECRET})
    migration = importlib.import_module("accounts.migrations.0006_encrypt_mfa_secrets")

    migration.encrypt(apps, None)

    authenticator = Authenticator.objects.get(user=staff, type="totp")
    assert authenticator.data["secret"].startswith("fernet:")
    assert TOTP(authenticator).validate_code(totp_code(SECRET))
