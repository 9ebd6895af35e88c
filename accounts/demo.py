"""Demo accounts for a newcomer's portal: one of each role, a second province for scoping.

Only for DEBUG installations; seed_demo refuses to run in production without --force.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import encrypt
from django.db import transaction
from django.utils import timezone

from accounts.models import Centre, Province, Role, User

log = logging.getLogger(__name__)

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
        "name": "Văn phòng thông tin, tư vấn và hỗ trợ người lao động đi làm việc ở nước ngoài "
        "tỉnh Lào Cai",
        "address": "Trung tâm Dịch vụ việc làm, số 1 đường Hoàng Liên, phường Lào Cai, "
        "tỉnh Lào Cai (địa chỉ minh họa)",
        "phones": "0214 3800 001, 0987 000 111",
        "opening_hours": "Thứ Hai đến Thứ Sáu: 7:30 - 11:30 và 13:30 - 17:00\n"
        "Sáng Thứ Bảy: 7:30 - 11:30 (chỉ tư vấn)",
        "directions": "Cạnh Sở Nội vụ, đối diện bến xe buýt số 1. Có chỗ để xe máy miễn phí.",
        "map_url": "https://www.openstreetmap.org/search?query=L%C3%A0o%20Cai",
        "zalo": "0987 000 111",
    },
    DONG_THAP: {
        "name": "Văn phòng thông tin, tư vấn và hỗ trợ người lao động đi làm việc ở nước ngoài "
        "tỉnh Đồng Tháp",
        "address": "Trung tâm Dịch vụ việc làm, số 2 đường Nguyễn Huệ, phường Cao Lãnh, "
        "tỉnh Đồng Tháp (địa chỉ minh họa)",
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


# --- Demo data in production ----------------------------------------------------------
#
# Anything seed_demo ever made signs in with a published password and second factor. With
# DEBUG off (settings.DEMO_ACCOUNTS_ALLOWED is False) the portal refuses to start while
# one exists (mrc/wsgi.py, `check --deploy --database default`) and refuses its sign-in
# (accounts.backends, AccountAdapter.pre_login); `manage.py remove_demo_data` clears it.

DEMO_EMAILS = frozenset(d.email for d in DEMO_ACCOUNTS if d.email)
DEMO_PHONES = frozenset(d.phone for d in DEMO_ACCOUNTS if d.phone)
DEMO_EMAIL_DOMAIN = "@mrc.demo"


def _demo_login_q() -> Any:
    from django.db.models import Q

    return (
        Q(email__in=DEMO_EMAILS) | Q(email__iendswith=DEMO_EMAIL_DOMAIN) | Q(phone__in=DEMO_PHONES)
    )


def _has_demo_secret(authenticator: Authenticator) -> bool:
    from allauth.mfa.utils import decrypt

    try:
        return decrypt(authenticator.data.get("secret", "")) == DEMO_TOTP_SECRET
    except Exception:
        return False


def demo_totp_users() -> list[int]:
    """Ids of the users whose authenticator uses the published demo secret."""
    return [
        a.user_id
        for a in Authenticator.objects.filter(type=Authenticator.Type.TOTP)
        if _has_demo_secret(a)
    ]


def demo_data_present() -> list[str]:
    """What of the demo data is still here, in words for a log line; empty when none."""
    found = []
    logins = list(
        User.objects.filter(_demo_login_q(), is_active=True).values_list("email", "phone")[:20]
    )
    if logins:
        found.append("demo accounts: " + ", ".join(e or p for e, p in logins))
    totp = demo_totp_users()
    if totp:
        found.append(f"the published authenticator secret, on {len(totp)} account(s)")
    return found


def is_demo_user(user: Any, *, check_secret: bool = True) -> bool:
    """Whether this account is one of seed_demo's, or (with `check_secret`, one query) uses
    the published secret."""
    if getattr(user, "pk", None) is None:
        return False
    email = (user.email or "").lower()
    if email in DEMO_EMAILS or email.endswith(DEMO_EMAIL_DOMAIN) or user.phone in DEMO_PHONES:
        return True
    return check_secret and any(
        _has_demo_secret(a)
        for a in Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
    )


def demo_sign_in_refused(user: Any, *, check_secret: bool = True) -> bool:
    """True (and logged) when a demo account tries to sign in where demo data is not allowed.

    The backends ask on every request (without the secret's query: start-up already refused
    a database holding it); every sign-in asks with it (AccountAdapter.pre_login).
    """
    from django.conf import settings

    if settings.DEMO_ACCOUNTS_ALLOWED or not is_demo_user(user, check_secret=check_secret):
        return False
    log.error(
        "Refused the sign-in of demo account #%s: demo accounts and the published "
        "authenticator secret do not sign in with DEBUG off. Run manage.py remove_demo_data.",
        user.pk,
    )
    return True


class DemoDataInProduction(Exception):
    pass


def refuse_to_start_with_demo_data() -> None:
    """Stop start-up with DEBUG off while demo data exists (an unreachable database passes:
    the sign-in refusal still holds, and the health check reports the database)."""
    from django.conf import settings
    from django.db import DatabaseError, connections

    if settings.DEMO_ACCOUNTS_ALLOWED:
        return
    try:
        found = demo_data_present()
    except DatabaseError:
        log.warning("Could not look for demo data at start-up: the database did not answer.")
        return
    finally:
        # Not handed to forked workers (gunicorn --preload) nor kept idle by the master
        # (inside a transaction, as in a test, the connection is left to its owner).
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()
    if found:
        raise DemoDataInProduction(
            "Demo data exists and DEBUG is off: "
            + "; ".join(found)
            + ". Anyone can sign in with the published password. "
            "Run `python manage.py remove_demo_data`, then start again."
        )


@transaction.atomic
def remove_demo_data() -> dict[str, int]:
    """Delete the demo accounts (or, where history must keep them, disable and rename them)
    and every authenticator that uses the published secret. Safe to run twice."""
    from django.db.models import ProtectedError

    counts = {"deleted": 0, "disabled": 0, "authenticators": 0}
    for user_id in demo_totp_users():
        counts["authenticators"] += Authenticator.objects.filter(
            user_id=user_id, type=Authenticator.Type.TOTP
        ).delete()[0]
    for user in User.objects.filter(_demo_login_q()):
        try:
            with transaction.atomic():
                user.delete()
            counts["deleted"] += 1
        except ProtectedError:
            # Their name is on events and decisions that other records keep: the account
            # stays as history, and can never sign in again.
            EmailAddress.objects.filter(user=user).delete()
            Authenticator.objects.filter(user=user).delete()
            user.email = f"removed-demo-{user.pk}@invalid"
            user.phone = None
            user.is_active = False
            user.is_superuser = False
            user.set_unusable_password()
            user.save(update_fields=["email", "phone", "is_active", "is_superuser", "password"])
            counts["disabled"] += 1
    return counts
