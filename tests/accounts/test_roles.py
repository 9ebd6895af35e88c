import pytest

from accounts.models import Role, User
from tests.factories import StaffFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "staff_member", "admin_site"),
    [
        (Role.WORKER, False, False),
        (Role.COUNSELLOR, True, False),
        (Role.MANAGER, True, False),
        (Role.ADMIN, True, True),
    ],
)
def test_role_decides_staff_pages_and_admin_site(lao_cai, role, staff_member, admin_site):
    user = User(name="X", email="x@example.vn", role=role, province=lao_cai)

    assert user.is_staff_member is staff_member
    assert user.is_staff is admin_site


def test_a_user_without_email_or_phone_cannot_be_stored(lao_cai):
    with pytest.raises(ValueError, match="email or a phone"):
        User.objects.create_user(email=None, name="No contact")


def test_new_accounts_are_workers_in_vietnamese(lao_cai):
    user = WorkerFactory()

    assert user.role == Role.WORKER
    assert user.language == "vi"


def test_display_phone_is_written_the_vietnamese_way():
    user = User(name="A", phone="+84912345678")

    assert user.display_phone == "0912 345 678"


def test_staff_factory_gives_an_authenticator(lao_cai):
    from allauth.mfa.utils import is_mfa_enabled

    assert is_mfa_enabled(StaffFactory())
    assert not is_mfa_enabled(StaffFactory(totp=False))
