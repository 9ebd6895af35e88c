"""Demo markets, programmes, figures, enterprises and notices for a newcomer's portal.

Departure figures are the official ones (shared/DOMAIN.md); fee caps marked "unconfirmed"
there are kept as editable data here too. Enterprises are invented (is_demo=True).
Idempotent: rows are found by their natural keys, and nothing is written twice.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Province, User
from markets import services
from markets.models import (
    DepartureStat,
    DepartureTotal,
    Enterprise,
    ExchangeRate,
    LicenceStatus,
    Market,
    Notice,
    NoticeCategory,
    Programme,
)

LAO_CAI = 15
RATE_DAY = datetime.date(2025, 11, 1)
RATE_SOURCE = "Demo figure: replace with the State Bank of Vietnam's rate"
LAW_FEES_VI = (
    "Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng số 69/2020/QH14, "
    "Điều 7, 23, 25; Thông tư 21/2021/TT-BLĐTBXH (mức trần chưa được xác nhận)."
)
LAW_FEES_EN = (
    "Law 69/2020/QH14 on Vietnamese guest workers, Art. 7, 23, 25; "
    "Circular 21/2021/TT-BLDTBXH (caps unconfirmed)."
)

RATES = {
    "USD": "26300",
    "JPY": "172",
    "KRW": "18.3",
    "TWD": "820",
    "EUR": "30400",
    "CNY": "3650",
    "SGD": "20300",
    "HUF": "78",
    "RON": "6000",
    "PLN": "7100",
    "HKD": "3380",
    "MYR": "6200",
    "SAR": "7000",
    "RUB": "330",
    "MOP": "3280",
}

# code, Vietnamese name, English name, currency, order
MARKETS: list[tuple[str, str, str, str, int]] = [
    ("japan", "Nhật Bản", "Japan", "JPY", 10),
    ("taiwan", "Đài Loan (Trung Quốc)", "Taiwan (China)", "TWD", 20),
    ("korea", "Hàn Quốc", "Korea", "KRW", 30),
    ("germany", "Đức", "Germany", "EUR", 40),
    ("china", "Trung Quốc", "China", "CNY", 50),
    ("singapore", "Singapore", "Singapore", "SGD", 60),
    ("hungary", "Hungary", "Hungary", "HUF", 70),
    ("romania", "Romania", "Romania", "RON", 80),
    ("poland", "Ba Lan", "Poland", "PLN", 90),
    ("greece", "Hy Lạp", "Greece", "EUR", 100),
    ("hong-kong", "Hồng Kông (Trung Quốc)", "Hong Kong (China)", "HKD", 110),
    ("malaysia", "Malaysia", "Malaysia", "MYR", 120),
    ("saudi-arabia", "Ả Rập Xê Út", "Saudi Arabia", "SAR", 130),
    ("russia", "Nga", "Russia", "RUB", 140),
    ("macao", "Ma Cao (Trung Quốc)", "Macao (China)", "MOP", 150),
]

MARKET_TEXTS: dict[str, dict[str, str]] = {
    "japan": {
        "summary_vi": "Thị trường lớn nhất: khoảng một nửa số lao động đi làm việc ở nước ngoài. "
        "Chương trình thực tập kỹ năng sẽ được thay bằng chương trình 'Việc làm phát triển kỹ "
        "năng' từ tháng 4/2027.",
        "summary_en": "The largest market: about half of all workers going abroad. The technical "
        "intern programme is replaced by 'Employment for Skill Development' from April 2027.",
        "hotlines_vi": "Tổng đài tư vấn của OTIT (Tổ chức Thực tập sinh kỹ năng) có tiếng Việt.",
        "hotlines_en": "OTIT (Organization for Technical Intern Training) consultation line, in "
        "Vietnamese.",
        "risks_vi": "Môi giới thu tiền 'chống trốn', 'phí đơn hàng'; hợp đồng tiếng Nhật không "
        "có bản tiếng Việt; bỏ trốn khỏi nơi làm việc sẽ mất tư cách lưu trú.",
        "risks_en": "Brokers charging 'anti-escape' money or 'order fees'; contracts only in "
        "Japanese; leaving the workplace means losing the right to stay.",
    },
    "taiwan": {
        "summary_vi": "Thị trường lớn thứ hai: nhà máy, hộ lý, giúp việc gia đình, thuyền viên.",
        "summary_en": "The second market: factories, caregivers, domestic work, fishing.",
        "hotlines_vi": "Đường dây nóng 1955 (miễn phí, có tiếng Việt).",
        "hotlines_en": "Hotline 1955 (free, in Vietnamese).",
        "risks_vi": "Phí môi giới phía Đài Loan thu theo tháng (NT$1.800 / 1.700 / 1.500 mỗi "
        "tháng ở năm thứ 1 / 2 / 3 trở đi) là hợp pháp; ngoài ra không ai được thu thêm.",
        "risks_en": "The Taiwan-side broker's monthly fee (NT$1,800 / 1,700 / 1,500 a month in "
        "years 1 / 2 / 3+) is legal; nobody may charge more on top of it.",
    },
    "korea": {
        "summary_vi": "Chương trình EPS do Nhà nước thực hiện qua Trung tâm Lao động ngoài nước "
        "(COLAB). Không doanh nghiệp tư nhân nào được tuyển lao động đi Hàn Quốc theo EPS. "
        "Năm 2026: 4.200 chỉ tiêu.",
        "summary_en": "The EPS programme is run by the state through the Centre of Overseas "
        "Labour (COLAB). No private company may recruit for EPS. 2026 round: 4,200 places.",
        "hotlines_vi": "Đường dây nóng 1350 (Bộ Lao động Hàn Quốc, có tiếng Việt).",
        "hotlines_en": "Hotline 1350 (Korean labour ministry, in Vietnamese).",
        "risks_vi": "Ai hứa 'đi Hàn chắc chắn đỗ', 'không cần thi' là lừa đảo.",
        "risks_en": "Anyone promising 'Korea guaranteed' or 'no test needed' is a scammer.",
    },
}

PROGRAMMES: list[dict[str, Any]] = [
    {
        "market": "japan",
        "code": "technical-intern",
        "order": 10,
        "name_vi": "Thực tập sinh kỹ năng",
        "name_en": "Technical intern",
        "age_min": 18,
        "age_max": 35,
        "language_vi": "Tiếng Nhật khoảng N5 (học 4-6 tháng trước khi đi).",
        "language_en": "Japanese around N5 (4-6 months of classes before leaving).",
        "health_vi": "Đủ sức khỏe theo khám của bệnh viện được chỉ định.",
        "health_en": "Fit for work, checked by an approved hospital.",
        "other_conditions_vi": "Không có tiền án; học định hướng trước khi đi.",
        "other_conditions_en": "No criminal record; pre-departure orientation.",
        "contract_months_min": 12,
        "contract_months_max": 36,
        "wage_min": Decimal("160000"),
        "wage_max": Decimal("200000"),
        "service_fee_cap": Decimal("3600"),
        "service_fee_cap_currency": "USD",
        "service_fee_cap_months": 36,
        "deposit_rules_vi": "Nếu có ký quỹ: gửi vào tài khoản ngân hàng đứng tên bạn, được trả "
        "lại cả lãi khi hết hợp đồng.",
        "deposit_rules_en": "If there is a deposit: into a bank account in your name, returned "
        "with interest at the end of the contract.",
        "costs_vi": "Học tiếng, khám sức khỏe, hộ chiếu, visa, lý lịch tư pháp, vé máy bay: "
        "trả theo giá thật, có biên lai.",
        "costs_en": "Language classes, health check, passport, visa, judicial record, air "
        "ticket: at their real price, with receipts.",
        "risks_vi": "Không được thu tiền 'chống trốn'. Tiền dịch vụ tối đa 3.600 USD cho hợp "
        "đồng 3 năm (số liệu chưa được xác nhận).",
        "risks_en": "No 'anti-escape' money may be charged. Service fee at most USD 3,600 for "
        "a 3-year contract (unconfirmed figure).",
    },
    {
        "market": "japan",
        "code": "specified-skilled-worker",
        "order": 20,
        "name_vi": "Kỹ năng đặc định (loại 1)",
        "name_en": "Specified skilled worker (level 1)",
        "age_min": 18,
        "language_vi": "Tiếng Nhật N4 và thi kỹ năng ngành nghề.",
        "language_en": "Japanese N4 and a skills test for the trade.",
        "contract_months_min": 12,
        "contract_months_max": 60,
        "wage_min": Decimal("180000"),
        "wage_max": Decimal("250000"),
        "costs_vi": "Lệ phí thi, hồ sơ, visa, vé máy bay theo giá thật.",
        "costs_en": "Test fees, papers, visa and ticket at their real price.",
    },
    {
        "market": "taiwan",
        "code": "factory",
        "order": 10,
        "name_vi": "Lao động nhà máy",
        "name_en": "Factory work",
        "age_min": 20,
        "age_max": 40,
        "language_vi": "Không bắt buộc; nên học tiếng Trung giao tiếp.",
        "language_en": "Not required; basic Chinese helps.",
        "contract_months_min": 36,
        "contract_months_max": 36,
        "wage_min": Decimal("28590"),
        "wage_max": Decimal("35000"),
        "costs_vi": "Khám sức khỏe, hộ chiếu, visa, vé máy bay theo giá thật.",
        "costs_en": "Health check, passport, visa, ticket at their real price.",
    },
    {
        "market": "taiwan",
        "code": "home-caregiver",
        "order": 20,
        "name_vi": "Hộ lý, chăm sóc người bệnh tại gia đình",
        "name_en": "Home caregiver",
        "age_min": 20,
        "age_max": 45,
        "language_vi": "Tiếng Trung giao tiếp cơ bản.",
        "language_en": "Basic spoken Chinese.",
        "contract_months_min": 36,
        "contract_months_max": 36,
        "wage_min": Decimal("20000"),
        "wage_max": Decimal("22000"),
        "service_fee_cap": Decimal("400"),
        "service_fee_cap_currency": "USD",
        "service_fee_cap_months": 36,
        "risks_vi": "Tiền dịch vụ tối đa 400 USD cho hợp đồng 3 năm (số liệu chưa được xác nhận).",
        "risks_en": "Service fee at most USD 400 per 3-year contract (unconfirmed figure).",
    },
    {
        "market": "korea",
        "code": "eps",
        "order": 10,
        "name_vi": "Chương trình EPS (cấp phép việc làm)",
        "name_en": "EPS (Employment Permit System)",
        "age_min": 18,
        "age_max": 39,
        "language_vi": "Thi tiếng Hàn EPS-TOPIK (200 điểm; năm 2025 điểm đỗ: 110 ngành sản "
        "xuất, 80 ngành nông nghiệp), sau đó thi tay nghề.",
        "language_en": "EPS-TOPIK Korean test (200 points; 2025 pass marks: 110 manufacturing, "
        "80 agriculture), then a skills test.",
        "health_vi": "Không mù màu; đủ sức khỏe.",
        "health_en": "Not colour-blind; fit for work.",
        "other_conditions_vi": "Không có án tù; chưa từng bị trục xuất khỏi Hàn Quốc; nếu đã ở "
        "Hàn theo visa E-9/E-10 thì dưới 5 năm.",
        "other_conditions_en": "No prison sentence; never deported from Korea; earlier E-9/E-10 "
        "stays under 5 years.",
        "contract_months_min": 36,
        "contract_months_max": 58,
        "wage_min": Decimal("2100000"),
        "wage_max": Decimal("2600000"),
        "deposit_cap": Decimal("100000000"),
        "deposit_rules_vi": "Ký quỹ nộp trong 35 ngày sau khi ký hợp đồng với COLAB. Có thể "
        "vay Ngân hàng Chính sách xã hội tối đa 100 triệu đồng, không cần thế chấp.",
        "deposit_rules_en": "The deposit is due within 35 days of signing with COLAB. A loan "
        "from the Bank for Social Policies of up to 100 million VND, without collateral.",
        "costs_vi": "Chỉ các khoản do COLAB thông báo. Không doanh nghiệp nào được thu tiền.",
        "costs_en": "Only what COLAB announces. No company may charge anything.",
        "hotlines_vi": "1350",
        "hotlines_en": "1350",
        "legal_basis_vi": "Quyết định 16/2023/QĐ-TTg (vay ký quỹ).",
        "legal_basis_en": "Decision 16/2023/QD-TTg (deposit loan).",
    },
    {
        "market": "germany",
        "code": "nursing",
        "order": 10,
        "name_vi": "Điều dưỡng, hộ lý",
        "name_en": "Nursing",
        "age_min": 18,
        "age_max": 35,
        "language_vi": "Tiếng Đức B1-B2.",
        "language_en": "German B1-B2.",
        "other_conditions_vi": "Tốt nghiệp trung cấp, cao đẳng hoặc đại học điều dưỡng (tùy "
        "chương trình).",
        "other_conditions_en": "A nursing diploma (depending on the programme).",
        "contract_months_min": 36,
        "contract_months_max": 36,
        "wage_min": Decimal("2300"),
        "wage_max": Decimal("3200"),
    },
]

DEPARTURES: dict[int, dict[str, int]] = {
    2023: {
        "japan": 80010,
        "taiwan": 58620,
        "korea": 11626,
        "china": 1806,
        "hungary": 1539,
        "singapore": 1355,
        "romania": 840,
        "poland": 797,
        "hong-kong": 584,
        "malaysia": 480,
        "saudi-arabia": 444,
        "russia": 266,
        "macao": 169,
    },
    2024: {"japan": 69188, "taiwan": 53271, "korea": 11273},
    2025: {
        "japan": 55049,
        "taiwan": 47135,
        "korea": 9996,
        "china": 2507,
        "singapore": 1823,
        "greece": 728,
    },
}
PERIODS = {2024: ("Tháng 1-11", "Jan-Nov"), 2025: ("Tháng 1-10", "Jan-Oct")}
TOTALS = [(2023, 159986, 55804, None), (2024, 143160, 45350, 125000), (2025, 121190, 40938, 130000)]
SOURCE = "Cục Quản lý lao động ngoài nước"

# licence number, name, short name, status, markets
ENTERPRISES: list[tuple[str, str, str, str, list[str]]] = [
    ("901/LĐTBXH-GP", "Công ty CP Nhân lực Hoàng Liên", "HOANG LIEN HR", "active", ["japan"]),
    (
        "902/LĐTBXH-GP",
        "Công ty TNHH Cung ứng Nhân lực Sa Pa Quốc tế",
        "SAPA INTER",
        "active",
        ["japan", "taiwan"],
    ),
    ("903/LĐTBXH-GP", "Công ty CP Hợp tác Lao động Đông Á Xanh", "DAX", "active", ["taiwan"]),
    (
        "904/LĐTBXH-GP",
        "Công ty TNHH Thương mại và Nhân lực Mường Hoa",
        "MUONG HOA",
        "active",
        ["japan", "germany"],
    ),
    ("905/LĐTBXH-GP", "Công ty CP Phát triển Nhân lực Phan Xi Păng", "PXP", "active", ["japan"]),
    (
        "906/LĐTBXH-GP",
        "Công ty TNHH Dịch vụ Việc làm Bắc Hà Toàn Cầu",
        "BAC HA GLOBAL",
        "suspended",
        ["taiwan"],
    ),
    (
        "907/LĐTBXH-GP",
        "Công ty CP Nhân lực Quốc tế Tây Bắc Việt",
        "TBV",
        "active",
        ["japan", "taiwan"],
    ),
    ("908/LĐTBXH-GP", "Công ty TNHH Kết nối Lao động Hồng Hà", "HONG HA", "revoked", ["japan"]),
    (
        "909/LĐTBXH-GP",
        "Công ty CP Đào tạo và Cung ứng Lao động Kim Sơn",
        "KIM SON",
        "active",
        ["germany"],
    ),
    (
        "910/LĐTBXH-GP",
        "Công ty TNHH Hợp tác Quốc tế Đồng Tháp Mới",
        "DTM",
        "active",
        ["japan", "taiwan"],
    ),
    ("911/LĐTBXH-GP", "Công ty CP Nhân lực Sen Hồng", "SEN HONG", "active", ["taiwan"]),
    ("912/LĐTBXH-GP", "Công ty TNHH Nhân lực Ánh Dương Đỏ", "ANH DUONG DO", "active", ["japan"]),
]

ADMIN_EMAIL = "admin@mrc.demo"
MANAGER_EMAIL = "quanly.laocai@mrc.demo"


def _seed_reference_data() -> None:
    for currency, rate in RATES.items():
        ExchangeRate.objects.update_or_create(
            currency=currency,
            defaults={"vnd_per_unit": Decimal(rate), "as_of": RATE_DAY, "source": RATE_SOURCE},
        )
    markets = {}
    for code, name_vi, name_en, currency, order in MARKETS:
        markets[code], _ = Market.objects.update_or_create(
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "currency": currency,
                "order": order,
                **MARKET_TEXTS.get(code, {}),
            },
        )
    for data in PROGRAMMES:
        fields = dict(data)
        market = markets[fields.pop("market")]
        code = fields.pop("code")
        fields.setdefault("legal_basis_vi", LAW_FEES_VI)
        fields.setdefault("legal_basis_en", LAW_FEES_EN)
        fields.setdefault("fees_checked_on", RATE_DAY)
        Programme.objects.update_or_create(market=market, code=code, defaults=fields)
    for year, counts in DEPARTURES.items():
        period_vi, period_en = PERIODS.get(year, ("", ""))
        for code, departures in counts.items():
            DepartureStat.objects.update_or_create(
                market=markets[code],
                year=year,
                defaults={
                    "departures": departures,
                    "period_vi": period_vi,
                    "period_en": period_en,
                    "source": SOURCE,
                },
            )
    for year, total, women, plan in TOTALS:
        period_vi, period_en = PERIODS.get(year, ("", ""))
        DepartureTotal.objects.update_or_create(
            year=year,
            defaults={
                "total": total,
                "women": women,
                "plan": plan,
                "period_vi": period_vi,
                "period_en": period_en,
                "source": SOURCE,
            },
        )


def _seed_enterprises(admin: User | None) -> None:
    markets = {m.code: m for m in Market.objects.all()}
    today = timezone.localdate()
    for index, (licence, name, short, status, codes) in enumerate(ENTERPRISES):
        if Enterprise.objects.filter(licence_number=licence).exists():
            continue
        enterprise = Enterprise(
            licence_number=licence,
            name=name,
            short_name=short,
            address="Lào Cai" if index % 2 == 0 else "Hà Nội",
            status=status,
            licence_issued_on=datetime.date(2019 + index % 5, 1 + index, 10),
            phone=f"0214 3{index:02d} 456",
            is_demo=True,
        )
        if status == LicenceStatus.SUSPENDED:
            enterprise.suspended_from = today - datetime.timedelta(days=30)
            enterprise.suspended_until = today + datetime.timedelta(days=60)
            enterprise.decision_reference = "QĐ 12/QĐ-QLLĐNN (demo)"
        elif status == LicenceStatus.REVOKED:
            enterprise.revoked_on = today - datetime.timedelta(days=200)
            enterprise.decision_reference = "QĐ 34/QĐ-LĐTBXH (demo)"
        services.enterprise_save(
            enterprise=enterprise, by=admin, markets=[markets[c] for c in codes]
        )


def _seed_notices(admin: User | None, manager: User | None, lao_cai: Province | None) -> None:
    if admin is None or manager is None or lao_cai is None:
        return
    now = timezone.now()
    day = datetime.timedelta(days=1)
    # (author, province, category, title, body, publish offset or None for draft, pinned)
    notices = [
        (
            admin,
            None,
            NoticeCategory.FRAUD_WARNING,
            "Cảnh báo: lừa đảo 'đi Hàn Quốc không cần thi'",
            "Chương trình EPS **chỉ** do Trung tâm Lao động ngoài nước thực hiện.\n\n"
            "- Không ai được thu tiền để 'đảm bảo đỗ'.\n- Gọi **1350** nếu cần giúp.",
            -2 * day,
            True,
        ),
        (
            admin,
            None,
            NoticeCategory.MARKET_UPDATE,
            "Nhật Bản: chương trình mới thay thực tập sinh từ 4/2027",
            "Từ tháng 4/2027, chương trình thực tập sinh kỹ năng được thay bằng chương trình "
            "*Việc làm phát triển kỹ năng*. Hợp đồng đang có vẫn tiếp tục.",
            -5 * day,
            False,
        ),
        (
            admin,
            None,
            NoticeCategory.POLICY,
            "Vay vốn đi làm việc ở nước ngoài từ 1/1/2026",
            "Từ 1/1/2026, người lao động được vay đến 100% chi phí trước khi đi, trừ phần "
            "Nhà nước đã hỗ trợ. Khoản vay trên 200 triệu đồng cần tài sản bảo đảm.",
            -1 * day,
            False,
        ),
        (
            manager,
            lao_cai,
            NoticeCategory.JOB_FAIR,
            "Phiên giao dịch việc làm tại Lào Cai",
            "Phiên giao dịch việc làm có các doanh nghiệp **có giấy phép** tuyển lao động đi "
            "Nhật Bản và Đài Loan. Miễn phí cho người lao động.",
            -1 * day,
            False,
        ),
        (
            manager,
            lao_cai,
            NoticeCategory.MARKET_UPDATE,
            "Lịch học định hướng tháng tới (đã lên lịch)",
            "Lớp học định hướng trước khi đi cho người lao động đã có hợp đồng.",
            3 * day,
            False,
        ),
    ]
    for author, province, category, title, body, offset, pinned in notices:
        if Notice.objects.filter(title=title, province=province).exists():
            continue
        notice = services.notice_create(
            by=author,
            title=title,
            body=body,
            category=category,
            province=province,
            pinned=pinned,
        )
        if offset is not None:
            services.notice_schedule(notice=notice, by=author, publish_at=now + offset)


@transaction.atomic
def seed_markets() -> None:
    """Demo markets, programmes, figures, enterprises and notices; running it twice adds
    nothing."""
    _seed_reference_data()
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    manager = User.objects.filter(email=MANAGER_EMAIL).first()
    lao_cai = Province.objects.filter(code=LAO_CAI).first()
    _seed_enterprises(admin)
    _seed_notices(admin, manager, lao_cai)
