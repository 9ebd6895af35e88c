"""Demo job fairs in Lào Cai: two past sessions with attendance, interviews and offers, and
a coming one open for registration. Everything goes through the services, with the clock
set back for the past sessions. Idempotent: a fair is found by its title and province."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Commune, Province, User
from fairs import services
from fairs.models import Fair, Registration
from markets.models import Enterprise, Market, Programme
from markets.selectors import licensed_enterprises_on

LAO_CAI = 15
DEMO_WORKER_PHONES = ["+84912345001", "+84912345002"]
ADDRESS = "Trung tâm Dịch vụ việc làm tỉnh Lào Cai, đường Hoàng Liên"

# Walk-ins without an account (names common in the province), with invented numbers.
WALK_INS = [
    "Vàng Văn Sử", "Lù Thị Dín", "Hoàng Văn Páo", "Sùng A Lử", "Giàng Thị Sua", "Lò Thị Hương",
    "Nguyễn Văn Hải", "Phạm Thị Thu", "Tẩn Láo Lở", "Ly Seo Chứ", "Vù A Dế", "Thào Thị Mỷ",
    "Đặng Văn Kiên", "Bùi Thị Ngọc",
]  # fmt: skip

# (occupation, market code, programme code, vacancies, wage from, wage to, requirements)
ORDERS = [
    ("Chế biến thực phẩm", "japan", "technical-intern", 30, 160000, 190000,
     "Nam/nữ 18-30 tuổi, tốt nghiệp THCS, sức khỏe tốt"),
    ("Điều dưỡng, chăm sóc người cao tuổi", "japan", "specified-skilled-worker", 10, 200000,
     240000, "Tiếng Nhật N4, đã thi kỹ năng điều dưỡng"),
    ("Công nhân nhà máy điện tử", "taiwan", "factory", 40, 28590, 32000,
     "Nữ 20-35 tuổi, không xăm hình"),
    ("Giúp việc gia đình", "taiwan", "home-caregiver", 15, 20000, 20000, "Nữ 25-45 tuổi"),
    ("Điều dưỡng viên", "germany", "nursing", 8, 2300, 2800,
     "Tốt nghiệp cao đẳng điều dưỡng, tiếng Đức B1"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoFair:
    title: str
    days_from_today: int
    capacity: int
    walk_ins: int
    came: int  # of the walk-ins
    interviews: int  # of the walk-ins who came
    offers: int


DEMO_FAIRS = [
    DemoFair("Phiên giao dịch việc làm ngoài nước - Bát Xát", -75, 120, 14, 12, 6, 3),
    DemoFair("Phiên giao dịch việc làm ngoài nước - Sa Pa", -30, 80, 10, 8, 4, 2),
    DemoFair("Phiên giao dịch việc làm ngoài nước - thành phố Lào Cai", 7, 80, 5, 0, 0, 0),
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


def _add_orders(fair: Fair, enterprises: list[Enterprise], counsellor: User) -> None:
    markets = {m.code: m for m in Market.objects.all()}
    programmes = {(p.market.code, p.code): p for p in Programme.objects.select_related("market")}
    for index, enterprise in enumerate(enterprises):
        participation = services.participation_add(
            fair_id=fair.pk, enterprise=enterprise, actor=counsellor
        )
        # Each enterprise brings orders for the markets its licence says it serves.
        served = set(enterprise.markets.values_list("code", flat=True))
        mine = [order for order in ORDERS if order[1] in served and order[1] in markets]
        turn = index % len(mine) if mine else 0
        for occupation, market, programme, vacancies, low, high, requirements in (
            mine[turn:] + mine[:turn]
        )[:2]:
            services.job_order_add(
                participation_id=participation.pk,
                actor=counsellor,
                values={
                    "market": markets[market],
                    "programme": programmes.get((market, programme)),
                    "occupation": occupation,
                    "vacancies": vacancies,
                    "wage_min": low,
                    "wage_max": high,
                    "requirements": requirements,
                },
            )


def _seed_fair(
    demo: DemoFair, *, province: Province, counsellor: User, communes: list[Commune], index: int
) -> None:
    today = timezone.localdate()
    day = today + datetime.timedelta(days=demo.days_from_today)
    starts_at, ends_at = _at(day, 8), _at(day, 11, 30)
    before = starts_at - datetime.timedelta(days=12)
    fair = services.fair_create(
        actor=counsellor,
        province=province,
        values={
            "title": demo.title,
            "description": (
                "Gặp trực tiếp doanh nghiệp được cấp phép đưa người lao động đi làm việc ở "
                "nước ngoài. Miễn phí. Mang theo căn cước công dân."
            ),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "commune": communes[index % len(communes)] if communes else None,
            "address": ADDRESS,
            "capacity": demo.capacity,
        },
    )
    enterprises = list(licensed_enterprises_on(day).filter(is_demo=True).order_by("pk")[:3])
    _add_orders(fair, enterprises, counsellor)
    services.fair_publish(
        fair_id=fair.pk, actor=counsellor, now=min(before, timezone.now()), confirmed=True
    )

    people: list[Registration] = []
    for phone in DEMO_WORKER_PHONES:
        worker = User.objects.filter(phone=phone).first()
        if worker is None or (demo.days_from_today < 0 and phone == DEMO_WORKER_PHONES[0]):
            continue  # An is working in Japan: he was not at the past fairs
        when = min(before + datetime.timedelta(days=1), timezone.now())
        people.append(
            services.registration_create(
                fair_id=fair.pk, actor=worker, worker=worker, now=when
            ).registration
        )
    for n in range(demo.walk_ins):
        name = WALK_INS[(n + index * 5) % len(WALK_INS)]
        when = min(before + datetime.timedelta(days=2, hours=n), timezone.now())
        people.append(
            services.registration_create(
                fair_id=fair.pk,
                actor=counsellor,
                name=name,
                phone=f"+849873{index:02d}{n:03d}",
                commune=communes[(n + index) % len(communes)] if communes else None,
                walk_in=True,
                now=when,
            ).registration
        )
    if demo.days_from_today >= 0:
        return

    came = people[: demo.came + 1]  # Mai, then the walk-ins who came
    for n, registration in enumerate(came):
        services.check_in(
            fair_id=fair.pk,
            actor=counsellor,
            code=registration.code,
            now=starts_at + datetime.timedelta(minutes=5 + 3 * n),
        )
    participations = list(fair.participations.select_related("enterprise").order_by("pk"))
    if participations:
        interviewed = came[: demo.interviews + 1]
        for n, registration in enumerate(interviewed):
            participation = participations[n % len(participations)]
            order = participation.job_orders.order_by("pk").first()
            is_mai = n == 0 and registration.worker_id is not None
            services.interview_record(
                participation_id=participation.pk,
                registration_id=registration.pk,
                job_order_id=order.pk if order else None,
                actor=counsellor,
                offered=n < demo.offers + 1,
                # Mai's offer at the latest fair becomes a task for her counsellor.
                follow_up_on=today + datetime.timedelta(days=5)
                if is_mai and demo.days_from_today > -60
                else None,
            )
    services.fair_close(fair_id=fair.pk, actor=counsellor)


@transaction.atomic
def seed_fairs() -> None:
    """Demo fairs in Lào Cai; running it again changes nothing."""
    province = Province.objects.filter(code=LAO_CAI).first()
    counsellor = User.objects.filter(email="tuvan.laocai@mrc.demo").first()
    if province is None or counsellor is None:
        return
    communes = list(province.communes.order_by("name")[:6])
    for index, demo in enumerate(DEMO_FAIRS):
        if (
            Fair.objects.unscoped("demo data: the named fairs of one province")
            .filter(province=province, title=demo.title)
            .exists()
        ):
            continue
        _seed_fair(demo, province=province, counsellor=counsellor, communes=communes, index=index)
