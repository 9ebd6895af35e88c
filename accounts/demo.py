"""Demo accounts for a newcomer's portal: one of each role, a second province for scoping.

Only for DEBUG installations; seed_demo refuses to run in production without --force.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import encrypt
from django.db import transaction
from django.utils import timezone

from accounts.models import Province, Role, User

# A published demo secret (base32), so anyone trying the portal can add it to an
# authenticator app or print the current code with `make demo-code`.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPMRCDEMO234567ABC"  # noqa: S105 - published on purpose

LAO_CAI = 15
DONG_THAP = 82


@dataclass(frozen=True)
class DemoAccount:
    login: str
    name: str
    role: Role
    province_code: int | None
    email: str | None = None
    phone: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("admin@mrc.demo", "Quản trị viên", Role.ADMIN, None, email="admin@mrc.demo"),
    DemoAccount(
        "quanly.laocai@mrc.demo",
        "Trần Thị Hoa",
        Role.MANAGER,
        LAO_CAI,
        email="quanly.laocai@mrc.demo",
    ),
    DemoAccount(
        "tuvan.laocai@mrc.demo",
        "Lò Văn Minh",
        Role.COUNSELLOR,
        LAO_CAI,
        email="tuvan.laocai@mrc.demo",
    ),
    DemoAccount(
        "tuvan.dongthap@mrc.demo",
        "Nguyễn Văn Tâm",
        Role.COUNSELLOR,
        DONG_THAP,
        email="tuvan.dongthap@mrc.demo",
    ),
    DemoAccount("0912345001", "Nguyễn Văn An", Role.WORKER, LAO_CAI, phone="+84912345001"),
    DemoAccount("0912345002", "Giàng Thị Mai", Role.WORKER, LAO_CAI, phone="+84912345002"),
    DemoAccount(
        "lan.worker@mrc.demo", "Phạm Thị Lan", Role.WORKER, LAO_CAI, email="lan.worker@mrc.demo"
    ),
    DemoAccount("0912345004", "Lê Hoàng Phúc", Role.WORKER, DONG_THAP, phone="+84912345004"),
]


def current_demo_code() -> str:
    counter = int(timezone.now().timestamp()) // 30
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


@transaction.atomic
def seed_accounts(password: str) -> list[tuple[DemoAccount, User]]:
    """Create or refresh the demo accounts; running it again changes nothing else."""
    provinces = {p.code: p for p in Province.objects.filter(code__in=[LAO_CAI, DONG_THAP])}
    result = []
    for demo in DEMO_ACCOUNTS:
        lookup = {"email": demo.email} if demo.email else {"phone": demo.phone}
        user, _ = User.objects.update_or_create(
            **lookup,
            defaults={
                "name": demo.name,
                "role": demo.role,
                "province": provinces.get(demo.province_code) if demo.province_code else None,
                "phone": demo.phone,
                "phone_verified": bool(demo.phone),
                "is_superuser": demo.role == Role.ADMIN,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        if demo.email:
            EmailAddress.objects.update_or_create(
                user=user, email=demo.email, defaults={"verified": True, "primary": True}
            )
        if user.is_staff_member:
            authenticator = Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).first()
            if authenticator is None:
                TOTP.activate(user, DEMO_TOTP_SECRET)
            else:
                authenticator.data = {"secret": encrypt(DEMO_TOTP_SECRET)}
                authenticator.save(update_fields=["data"])
        result.append((demo, user))
    return result
