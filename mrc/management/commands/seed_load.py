"""`make load`'s data: accounts the load test signs in with, cases to page through, and a
job fair open today with tickets to check in. Run after seed_demo; idempotent.

Writes what the locust users need (logins, ticket codes, market codes, names to search)
to a JSON file, so the scenario reads it instead of importing Django.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import DEMO_TOTP_SECRET, LAO_CAI
from accounts.models import ConsentText, Province, Role, User
from accounts.text import fold
from fairs import services as fair_services
from fairs.models import Fair, Registration
from markets import services as market_services
from markets.models import Enterprise, LicenceStatus, Market
from markets.selectors import exchange_rates, fee_check_programmes
from mrc.management.commands.bench import FAMILY, GIVEN, MIDDLE
from workers import services as worker_services
from workers.models import Case, WorkerProfile

#: Load workers sign in with 0970000001, 0970000002, … (Viettel numbers nobody holds here).
WORKER_PHONE = "+8497{n:07d}"
COUNSELLOR_EMAIL = "load.counsellor.{n}@mrc.load"
FAIR_TITLE = "Phiên giao dịch việc làm ngoài nước - kiểm thử tải {day:%d/%m/%Y}"
ENTERPRISE_LICENCE = "{n:03d}/LOAD-GP"
# Parts of enterprise names, as the national register's names are built.
FORMS = ["Công ty CP", "Công ty TNHH", "Công ty TNHH MTV", "Tổng công ty"]
TRADES = [
    "Nhân lực",
    "Cung ứng Nhân lực",
    "Hợp tác Lao động",
    "Xuất khẩu Lao động",
    "Phát triển Nhân lực",
    "Dịch vụ Việc làm",
    "Đào tạo và Cung ứng Lao động",
]
PLACES = ["Hoàng Liên", "Sông Hồng", "Bắc Hà", "Tây Bắc", "Đông Á", "Thăng Long", "Sài Gòn",
          "Mê Kông", "Hải Vân", "Trường Sơn", "Phương Nam", "Kinh Bắc", "Tràng An", "Lam Sơn",
          "Cửu Long", "Hạ Long", "Việt Nhật", "Việt Hàn", "Việt Đài", "Quốc tế"]  # fmt: skip


def _name(n: int) -> str:
    # A spread of real-looking names, so a name search finds a handful, not all or none.
    return (
        f"{FAMILY[n % len(FAMILY)]} {MIDDLE[(n // 7) % len(MIDDLE)]} {GIVEN[(n * 13) % len(GIVEN)]}"
    )


class Command(BaseCommand):
    help = "Accounts, cases and a fair open today for `make load`; writes the locust data file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=2000)
        parser.add_argument("--counsellors", type=int, default=120)
        parser.add_argument("--tickets", type=int, default=3000)
        # About the size of the national register of licensed enterprises.
        parser.add_argument("--enterprises", type=int, default=500)
        parser.add_argument("--data", type=Path, default=settings.VAR_DIR / "load-data.json")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_load creates known passwords; it runs only with DEBUG on.")
        province = Province.objects.filter(code=LAO_CAI).first()
        if province is None:
            raise CommandError("No Lào Cai province: run migrate (it loads the places) first.")
        # One hash for every load account: hashing thousands of passwords would take minutes.
        password = make_password(settings.DEMO_PASSWORD)
        counsellors = self.seed_counsellors(province, options["counsellors"], password)
        workers = self.seed_workers(province, options["workers"], password, counsellors)
        fair, codes = self.seed_fair(province, counsellors[0], options["tickets"])
        self.seed_enterprises(options["enterprises"])
        # Fresh statistics, as autovacuum would give a database in use: without them the
        # planner takes the new counsellors' ids (above every id it sampled) for rare and
        # read the case page's file through a merge join over every account (2,000 cases
        # at 100-160 ms each in PostgreSQL, instead of 0.4 ms).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        data = {
            "password": settings.DEMO_PASSWORD,
            "totp_secret": DEMO_TOTP_SECRET,
            "workers": workers,
            "counsellors": [c.email for c in counsellors],
            "fair": fair.pk,
            "tickets": codes,
            "markets": list(Market.objects.published().values_list("code", flat=True)),
            "fee_checks": self.fee_checks(),
            "enterprise_queries": self.enterprise_queries(),
            "names": sorted({fold(_name(n)) for n in range(200)}),
        }
        options["data"].parent.mkdir(parents=True, exist_ok=True)
        options["data"].write_text(json.dumps(data, ensure_ascii=False, indent=1))
        self.stdout.write(
            f"{len(workers)} workers, {len(counsellors)} counsellors, {len(codes)} tickets "
            f"to check in at fair {fair.pk}; data in {options['data']}"
        )

    @transaction.atomic
    def seed_counsellors(self, province: Province, count: int, password: str) -> list[User]:
        """Counsellors of Lào Cai with the demo authenticator secret (each code works once
        per account, so every locust user signs in as a different counsellor)."""
        emails = [COUNSELLOR_EMAIL.format(n=n) for n in range(1, count + 1)]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.bulk_create(
            [
                User(
                    email=email,
                    name=f"Cán bộ tải {email.split('.')[2].split('@')[0]}",
                    role=Role.COUNSELLOR,
                    province=province,
                    password=password,
                )
                for email in emails
                if email not in existing
            ]
        )
        users = list(User.objects.filter(email__in=emails).order_by("pk"))
        with_totp = set(
            Authenticator.objects.filter(user__in=users, type=Authenticator.Type.TOTP).values_list(
                "user_id", flat=True
            )
        )
        for user in users:
            if user.pk not in with_totp:
                TOTP.activate(user, DEMO_TOTP_SECRET)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            ignore_conflicts=True,
        )
        return users

    def seed_workers(
        self, province: Province, count: int, password: str, counsellors: list[User]
    ) -> list[str]:
        """Workers who accepted the consent text and have a file and a case; a third of the
        cases are unassigned, the rest shared among the load counsellors."""
        phones = [WORKER_PHONE.format(n=n) for n in range(1, count + 1)]
        existing = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
        User.objects.bulk_create(
            [
                User(
                    phone=phone,
                    phone_verified=True,
                    name=_name(n),
                    role=Role.WORKER,
                    province=province,
                    password=password,
                )
                for n, phone in enumerate(phones, start=1)
                if phone not in existing
            ],
            batch_size=1000,
        )
        text = ConsentText.objects.order_by("-version").first()
        if text is None:
            raise CommandError("No consent text: run migrate first.")
        new = User.objects.filter(phone__in=phones, worker_profile__isnull=True).order_by("pk")
        for done, user in enumerate(new.iterator(), start=1):
            with transaction.atomic():
                worker_services.consent_accept(user=user, text=text)
                worker_services.profile_start(user=user)
            if done % 500 == 0:
                self.stdout.write(f"  {done} worker files…")
        unassigned = Case.all_objects.filter(
            profile__user__phone__in=phones, assigned_to__isnull=True
        ).order_by("pk")
        case_ids = list(unassigned.values_list("pk", flat=True))
        keep_unassigned = len(case_ids) // 3
        to_assign = case_ids[keep_unassigned:]
        if WorkerProfile.all_objects.filter(user__phone__in=phones).count() and to_assign:
            for i, counsellor in enumerate(counsellors):
                share = to_assign[i :: len(counsellors)]
                if share:
                    worker_services.case_assign(case_ids=share, to=counsellor, actor=counsellor)
        return [f"0{phone[3:]}" for phone in phones]

    def seed_fair(
        self, province: Province, counsellor: User, tickets: int
    ) -> tuple[Fair, list[str]]:
        """A published fair in Lào Cai open all of today, with `tickets` walk-in tickets
        not yet checked in (topped up on a second run)."""
        today = timezone.localdate()
        zone = timezone.get_default_timezone()
        title = FAIR_TITLE.format(day=today)
        fair = (
            Fair.objects.unscoped("load-test data, every province")
            .filter(province=province, title=title)
            .first()
        )
        if fair is None:
            fair = fair_services.fair_create(
                actor=counsellor,
                province=province,
                values={
                    "title": title,
                    "description": "Dữ liệu kiểm thử tải (make load).",
                    "starts_at": datetime.datetime.combine(today, datetime.time(0, 5), zone),
                    # Open past midnight, so a run started late in the day still has a door.
                    "ends_at": datetime.datetime.combine(
                        today + datetime.timedelta(days=1), datetime.time(6, 0), zone
                    ),
                    "address": "Trung tâm Dịch vụ việc làm tỉnh Lào Cai",
                    "capacity": 100_000,  # topped up on every run: never full
                },
            )
            fair_services.fair_publish(fair_id=fair.pk, actor=counsellor, confirmed=True)
        waiting = Registration.objects.unscoped("load-test data, every province").filter(
            fair=fair, status=Registration.Status.REGISTERED, checked_in_at__isnull=True
        )
        # Numbered after every ticket ever given: a phone already registered (and perhaps
        # checked in by an earlier run) would get its old ticket back, not a new one.
        given = (
            Registration.objects.unscoped("load-test data, every province")
            .filter(fair=fair)
            .count()
        )
        for n in range(given, given + tickets - waiting.count()):
            fair_services.registration_create(
                fair_id=fair.pk,
                actor=counsellor,
                name=_name(n + 7),
                phone=f"+8496{fair.pk % 100:02d}{n:05d}",
                walk_in=True,
            )
            if (n + 1 - given) % 1000 == 0:
                self.stdout.write(f"  {n + 1 - given} tickets…")
        codes = list(waiting.order_by("pk").values_list("code", flat=True)[:tickets])
        return fair, codes

    def seed_enterprises(self, count: int) -> None:
        """Licensed enterprises up to `count` in the register, so the search and its
        look-alikes (read over the name-token index) work on a register of realistic size."""
        markets = list(Market.objects.published())
        existing = Enterprise.objects.count()
        for n in range(existing, count):
            name = (
                f"{FORMS[n % len(FORMS)]} {TRADES[(n // 4) % len(TRADES)]} "
                f"{PLACES[(n // 28) % len(PLACES)]} {n // 560 + 1 if n >= 560 else ''}"
            ).strip()
            market_services.enterprise_save(
                enterprise=Enterprise(
                    licence_number=ENTERPRISE_LICENCE.format(n=n),
                    name=name,
                    address="Hà Nội",
                    status=LicenceStatus.ACTIVE,
                    licence_issued_on=datetime.date(2018 + n % 7, 1 + n % 12, 1 + n % 28),
                ),
                by=None,
                markets=markets[n % len(markets) : n % len(markets) + 2] if markets else None,
            )

    def fee_checks(self) -> list[dict[str, Any]]:
        """Each programme of the fee checker with monthly wages written in its country's money,
        as a contract states them: 8, 15 and 30 million VND at the rates on file.

        A wage picked regardless of the currency (1,200 Taiwan dollars, 180,000 euros) is one
        the checker rightly refuses as a typing mistake (400, "this wage is too low / too
        high"): half the checks of a run measured that refusal, not the check."""
        rates = exchange_rates()
        checks = []
        for programme in fee_check_programmes().order_by("pk"):
            rate = rates.get(programme.market.currency)
            if not rate:
                continue
            wages = [
                f"{round(Decimal(vnd) / rate):,}".replace(",", ".")
                for vnd in (8_000_000, 15_000_000, 30_000_000)
            ]
            checks.append({"programme": programme.pk, "wages": wages})
        return checks

    def enterprise_queries(self) -> list[str]:
        # What people type: a remembered part of the name, without diacritics.
        return [fold(place) for place in PLACES] + ["nhan luc hoang lien", "cong ty tnhh viet"]
