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

from accounts.models import Centre, Province, Role, User

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


# Made-up contact details for the demo provinces' centres (is_demo, and said on the page):
# an administrator replaces them with the real ones in the admin.
DEMO_CENTRES: dict[int, dict[str, str]] = {
    LAO_CAI: {
        "name": "Trung tâm Dịch vụ việc làm tỉnh Lào Cai",
        "address": "Số 1 đường Hoàng Liên, phường Lào Cai, tỉnh Lào Cai (địa chỉ minh họa)",
        "phones": "0214 3800 001, 0987 000 111",
        "opening_hours": "Thứ Hai đến Thứ Sáu: 7:30 - 11:30 và 13:30 - 17:00\n"
        "Sáng Thứ Bảy: 7:30 - 11:30 (chỉ tư vấn)",
        "directions": "Cạnh Sở Nội vụ, đối diện bến xe buýt số 1. Có chỗ để xe máy miễn phí.",
        "map_url": "https://www.openstreetmap.org/search?query=L%C3%A0o%20Cai",
        "zalo": "0987 000 111",
    },
    DONG_THAP: {
        "name": "Trung tâm Dịch vụ việc làm tỉnh Đồng Tháp",
        "address": "Số 2 đường Nguyễn Huệ, phường Cao Lãnh, tỉnh Đồng Tháp (địa chỉ minh họa)",
        "phones": "0277 3800 002",
        "opening_hours": "Thứ Hai đến Thứ Sáu: 7:00 - 11:00 và 13:30 - 17:00",
        "directions": "Gần chợ Cao Lãnh, đi vào cổng bên hông.",
        "map_url": "https://www.openstreetmap.org/search?query=Cao%20L%C3%A3nh",
        "zalo": "",
    },
}


def seed_centres() -> None:
    """The demo provinces' centres, marked as demo data."""
    for province in Province.objects.filter(code__in=DEMO_CENTRES):
        Centre.objects.update_or_create(
            province=province, defaults={**DEMO_CENTRES[province.code], "is_demo": True}
        )


@transaction.atomic
def seed_accounts(password: str) -> list[tuple[DemoAccount, User]]:
    """Create or refresh the demo accounts; running it again changes nothing else."""
    seed_centres()
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
