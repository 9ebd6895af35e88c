"""`make bench`: a national-sized database on PostgreSQL and server times of the caseload.

Seeds 1,000,000 workers (users, profiles, cases) and 5,000,000 case events across the 34
provinces with set-based SQL (minutes, not hours), then times the counsellor's pages
in-process with Django's test client, next to a trivial view, and prints p50/p95 and ratios.
"""

from __future__ import annotations

import base64
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Province, Role, User
from accounts.text import fold
from markets.demo import seed_markets
from markets.models import Market
from reports.services import monthly_figures_rebuild
from workers.models import (
    Case,
    CaseEvent,
    Channel,
    CounsellingSession,
    Stage,
    Topic,
    WorkerProfile,
)

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Lò",
    "Giàng",
    "Vàng",
    "Hà",
    "Lý",
    "Sùng",
    "Triệu",
]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Hữu", "A", "Thanh"]
GIVEN = ["An", "Anh", "Ánh", "Bình", "Châu", "Dũng", "Dua", "Giang", "Hà", "Hải", "Hương",
         "Khánh", "Lan", "Linh", "Mai", "Minh", "Nam", "Páo", "Phúc", "Quang", "Sáng", "Sơn",
         "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Xuân", "Yến", "Đức", "Ơn"]  # fmt: skip
STAGES = [Stage.REGISTERED, Stage.COUNSELLED, Stage.PREPARING, Stage.DOCUMENTS_READY,
          Stage.CONTRACTED, Stage.DEPARTED, Stage.RETURNED, Stage.REINTEGRATED]  # fmt: skip
COUNSELLORS_PER_PROVINCE = 5
BENCH_EMAIL = "bench.{code}.{n}@mrc.bench"


def _literal(field: models.Field[Any, Any]) -> str:
    """A SQL literal for a field's Python default, for columns the seed does not set."""
    if field.null:
        return "NULL"
    default = field.get_default()
    if isinstance(field, models.JSONField):
        return "'[]'::jsonb" if default == [] else "'{}'::jsonb"
    if isinstance(default, bool):
        return "TRUE" if default else "FALSE"
    if isinstance(default, int):
        return str(default)
    if isinstance(field, models.DateTimeField):
        return "now()"
    return "''"


def insert_select(model: type[models.Model], values: dict[str, str], source: str) -> str:
    """INSERT INTO model (every column) SELECT values-or-defaults FROM source.

    Built from model metadata and constants of this module; no user input reaches it.
    """
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))  # type: ignore[arg-type]  # concrete fields always have a column
        expressions.append(values.get(field.attname, _literal(field)))
    table = connection.ops.quote_name(model._meta.db_table)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}"  # noqa: S608
    )


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    call()  # warm caches, as a server that has been running would have them
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Seed a national-sized PostgreSQL database and time the caseload pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=1_000_000)
        parser.add_argument("--events", type=int, default=5_000_000)
        parser.add_argument("--sessions", type=int, default=1_000_000)
        parser.add_argument("--runs", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL.")
        # Seeds an empty database only: deleting a million users checks every foreign key
        # to them row by row (hours); `make bench BENCH_RESET=1` drops the database instead.
        workers = WorkerProfile.objects.count()
        if workers == 0:
            self.seed(options["workers"], options["events"], options["sessions"])
        self.measure(options["runs"])

    # --- seeding --------------------------------------------------------------------------

    def seed(self, n: int, events: int, sessions: int) -> None:
        started = time.perf_counter()
        provinces = list(Province.objects.order_by("code").values_list("pk", flat=True))
        seed_markets()  # the demo's markets, programmes and enterprises: the contracts' markets
        markets = list(Market.objects.order_by("pk").values_list("pk", flat=True))
        with transaction.atomic():
            for province in Province.objects.all():
                for i in range(COUNSELLORS_PER_PROVINCE):
                    email = BENCH_EMAIL.format(code=province.code, n=i)
                    User.objects.get_or_create(
                        email=email,
                        defaults={
                            "name": f"Cán bộ {province.short_name} {i}",
                            "role": Role.COUNSELLOR,
                            "province": province,
                        },
                    )
        names = [f"{f} {m} {g}" for f in FAMILY for m in MIDDLE for g in GIVEN]
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_names, bench_communes")
            cursor.execute(
                "CREATE TEMP TABLE bench_names (i int primary key, name text, folded text)"
            )
            cursor.executemany(
                "INSERT INTO bench_names VALUES (%s, %s, %s)",
                [(i, name, fold(name)) for i, name in enumerate(names)],
            )
            cursor.execute(
                "CREATE TEMP TABLE bench_communes AS SELECT id, province_id, "
                "row_number() OVER (PARTITION BY province_id ORDER BY id) - 1 AS k, "
                "count(*) OVER (PARTITION BY province_id) AS total FROM accounts_commune"
            )
            cursor.execute("CREATE INDEX ON bench_communes (province_id, k)")
            cursor.execute("SELECT min(id), max(id) FROM accounts_user WHERE email LIKE 'bench.%%'")
            cursor.execute(
                "CREATE TEMP TABLE bench_staff AS SELECT id, province_id, "
                "row_number() OVER (PARTITION BY province_id ORDER BY id) - 1 AS k "
                "FROM accounts_user WHERE email LIKE 'bench.%%'"
            )
            province_array = "ARRAY[" + ",".join(map(str, provinces)) + "]"
            source = (
                f"generate_series(1, {n}) AS g(i) "
                f"JOIN bench_names b ON b.i = (g.i::bigint * 7919) % {len(names)}"
            )
            self.stdout.write(f"seeding {n:,} users…")
            cursor.execute(
                insert_select(
                    User,
                    {
                        "password": "'!'",
                        "name": "b.name",
                        "email": "NULL",
                        "phone": "'+849' || lpad(g.i::text, 8, '0')",
                        "role": f"'{Role.WORKER}'",
                        "province_id": f"({province_array})[1 + g.i % {len(provinces)}]",
                        "is_active": "TRUE",
                        "date_joined": "now() - (g.i % 730) * interval '1 day'",
                        "phone_verified": "TRUE",
                    },
                    source,
                )
            )
            self.stdout.write("profiles…")
            cursor.execute(
                insert_select(
                    WorkerProfile,
                    {
                        "user_id": "u.id",
                        "date_of_birth": "date '1985-01-01' + (u.id % 7000)::int",
                        "sex": "CASE WHEN u.id % 3 = 0 THEN 'female' ELSE 'male' END",
                        "personal_id": "lpad(u.id::text, 12, '0')",
                        "commune_id": "c.id",
                        "steps_done": '\'["identity", "contact", "address"]\'::jsonb',
                        "created_at": "u.date_joined",
                        "updated_at": "u.date_joined",
                    },
                    "accounts_user u JOIN bench_communes c ON c.province_id = u.province_id "
                    "AND c.k = u.id % c.total WHERE u.role = 'worker'",
                )
            )
            self.stdout.write("cases…")
            stage_array = "ARRAY[" + ",".join(f"'{s}'" for s in STAGES) + "]"
            market_array = "ARRAY[" + ",".join(map(str, markets)) + "]"
            cursor.execute(
                insert_select(
                    Case,
                    {
                        "profile_id": "p.id",
                        "province_id": "u.province_id",
                        "stage": f"({stage_array})[1 + (p.id * 31) % {len(STAGES)}]",
                        "assigned_to_id": "CASE WHEN p.id % 4 = 0 THEN NULL ELSE s.id END",
                        "search_name": "b.folded",
                        "sex": "p.sex",
                        "commune_id": "p.commune_id",
                        "opened_at": "p.created_at",
                        "updated_at": "p.created_at + (p.id % 97) * interval '1 hour'",
                        # Contracted and later stages have a market and a contract end, some
                        # long past; departed and later ones left within the last two years,
                        # and returned ones came back.
                        "market_id": f"CASE WHEN p.id * 31 % 8 >= 4 "
                        f"THEN ({market_array})[1 + p.id % {len(markets)}] END",
                        "contract_end": "CASE WHEN p.id * 31 % 8 >= 4 "
                        "THEN date '2024-01-01' + (p.id % 900)::int END",
                        "departure_date": "CASE WHEN p.id * 31 % 8 >= 5 "
                        "THEN current_date - (p.id % 730)::int END",
                        "return_date": "CASE WHEN p.id * 31 % 8 >= 6 "
                        "THEN current_date - (p.id % 60)::int END",
                    },
                    "workers_workerprofile p JOIN accounts_user u ON u.id = p.user_id "
                    f"JOIN bench_names b ON b.name = u.name "
                    f"JOIN bench_staff s ON s.province_id = u.province_id "
                    f"AND s.k = p.id % {COUNSELLORS_PER_PROVINCE}",
                )
            )
            self.stdout.write(f"{events:,} case events…")
            cursor.execute("SELECT min(id), count(*) FROM workers_case")
            first_case, cases = cursor.fetchone()
            cursor.execute("SELECT min(id) FROM bench_staff")
            (actor,) = cursor.fetchone()
            cursor.execute(
                insert_select(
                    CaseEvent,
                    {
                        "case_id": f"{first_case} + g.i % {cases}",
                        "from_stage": f"({stage_array})[1 + g.i % 7]",
                        "to_stage": f"({stage_array})[2 + g.i % 7]",
                        "actor_id": str(actor),
                        "at": "now() - (g.i % 900000) * interval '1 minute'",
                    },
                    f"generate_series(1, {events}) AS g(i)",
                )
            )
            self.stdout.write(f"{sessions:,} counselling sessions…")
            channel_array = "ARRAY[" + ",".join(f"'{c}'" for c in Channel.values) + "]"
            topic_array = "ARRAY[" + ",".join(f"'{t}'" for t in Topic.values) + "]"
            cursor.execute(
                insert_select(
                    CounsellingSession,
                    {
                        "case_id": "c.id",
                        "province_id": "c.province_id",
                        "counsellor_id": "s.id",
                        "held_at": "now() - (g.i % 730) * interval '1 day'",
                        "channel": f"({channel_array})[1 + g.i % {len(Channel.values)}]",
                        # One or two topics a session.
                        "topics": f"CASE WHEN g.i % 3 = 0 THEN jsonb_build_array("
                        f"({topic_array})[1 + g.i % {len(Topic.values)}], "
                        f"({topic_array})[1 + (g.i / 7) % {len(Topic.values)}]) "
                        f"ELSE jsonb_build_array(({topic_array})[1 + g.i % "
                        f"{len(Topic.values)}]) END",
                    },
                    f"generate_series(1, {sessions}) AS g(i) "
                    f"JOIN workers_case c ON c.id = {first_case} + (g.i::bigint * 7) % {cases} "
                    "JOIN bench_staff s ON s.province_id = c.province_id "
                    f"AND s.k = g.i % {COUNSELLORS_PER_PROVINCE}",
                )
            )
            # The steady state autovacuum keeps in production: statistics, and a visibility
            # map that lets counts and id pages read the indexes alone.
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"seeded in {time.perf_counter() - started:.0f} s")

    # --- measuring ------------------------------------------------------------------------

    def measure(self, runs: int) -> None:
        # The national view reads the summary beat rebuilds every 10 minutes. A database just
        # seeded has none yet, and the view would count every row of the nation live.
        started = time.perf_counter()
        summary = monthly_figures_rebuild(today=timezone.localdate())
        self.stdout.write(
            f"national summary rebuilt: {summary.rows:,} rows in "
            f"{time.perf_counter() - started:.1f} s"
        )
        province = Province.objects.get(code=15)
        counsellor = User.objects.get(email=BENCH_EMAIL.format(code=province.code, n=0))
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        if not Authenticator.objects.filter(user=counsellor).exists():
            TOTP.activate(counsellor, generate_totp_secret())
        client = Client()
        client.force_login(counsellor)
        admin, _ = User.objects.get_or_create(
            email="bench.admin@mrc.bench", defaults={"name": "Bench admin", "role": Role.ADMIN}
        )
        if not Authenticator.objects.filter(user=admin).exists():
            TOTP.activate(admin, generate_totp_secret())
        national = Client()
        national.force_login(admin)
        case = Case.objects.filter(province=province).order_by("-updated_at", "-id")[100]
        # The API's changes feed, as a national system reads it (docs/api.md). The client is
        # made through the command (mrc and api import nothing of each other), and the cursor
        # of the middle of the feed is written as api.api writes it: base64url("iso|id").
        token_out = io.StringIO()
        call_command(
            "api_client_create", "Bench", "--national", "--scope", "workers:read", stdout=token_out
        )
        national_api = Client(headers={"Authorization": f"Bearer {token_out.getvalue().strip()}"})
        middle = Case.objects.order_by("updated_at", "id")[Case.objects.count() // 2]
        raw = f"{middle.updated_at.isoformat()}|{middle.pk}".encode()
        middle_cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        in_province = Case.objects.filter(province=province).count()
        caseload = reverse("workers:caseload")
        pages: dict[str, Callable[[], Any]] = {
            "trivial view (/healthz)": lambda: client.get("/healthz"),
            "caseload, first page": lambda: client.get(caseload),
            "caseload, page 500": lambda: client.get(caseload, {"page": 500}),
            "filtered (stage + sex + market-less)": lambda: client.get(
                caseload, {"stage": "preparing", "sex": "female"}
            ),
            "name search without diacritics": lambda: client.get(caseload, {"q": "giang thi dua"}),
            "search by personal ID": lambda: client.get(caseload, {"q": case.profile.personal_id}),
            "province dashboard (this year)": lambda: client.get(reverse("reports:dashboard")),
            "national dashboard (this year)": lambda: national.get(
                reverse("reports:dashboard"), {"province": "all"}
            ),
            "case page": lambda: client.get(
                reverse("workers:staff_worker", args=[case.profile_id])
            ),
            "staff home": lambda: client.get(reverse("home")),
            "sessions list, page 200": lambda: client.get(
                reverse("workers:sessions"), {"page": 200}
            ),
            "workers list, page 300": lambda: client.get(
                reverse("workers:staff_workers"), {"page": 300}
            ),
            "API changes, first 500 (national)": lambda: national_api.get(
                "/api/v1/changes", {"limit": 500}
            ),
            "API changes, 500 mid-feed (national)": lambda: national_api.get(
                "/api/v1/changes",
                {"limit": 500, "cursor": middle_cursor},  # type: ignore[arg-type]  # the test client takes ints in query data
            ),
        }
        for name, call in pages.items():
            with override_settings(API_RATE_PER_MINUTE=10**9):
                status = call().status_code
            if status != 200:
                raise CommandError(f"{name} answered {status}")
        with override_settings(API_RATE_PER_MINUTE=10**9):
            results = {name: timed(call, runs) for name, call in pages.items()}
        base = statistics.median(results["trivial view (/healthz)"])
        base95 = p95(results["trivial view (/healthz)"])
        total = WorkerProfile.objects.count()
        self.stdout.write(
            f"\n{total:,} workers, {CaseEvent.objects.count():,} case events; "
            f"{in_province:,} cases in {province.short_name}; {runs} runs per page, "
            f"server time in-process (ms)\n"
        )
        self.stdout.write(f"{'page':<40} {'p50':>8} {'p95':>8} {'p50 ratio':>10} {'p95 ratio':>10}")
        for name, samples in results.items():
            p50, p95_ = statistics.median(samples), p95(samples)
            self.stdout.write(
                f"{name:<40} {p50:>8.1f} {p95_:>8.1f} {p50 / base:>9.1f}x {p95_ / base95:>9.1f}x"
            )
        self.stdout.write(f"\nDEBUG={settings.DEBUG}")
