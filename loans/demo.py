"""Demo support programmes, budgets and applications for a newcomer's portal.

The programmes are those of shared/DOMAIN.md, each with its legal basis and dates. Figures
that were not checked against the official text keep `checked_on` empty, and the pages say
so. Budgets are demo figures. Idempotent: programmes are found by code, cost items by
(programme, code), budgets by (programme, year); applications are made once.
"""

from __future__ import annotations

import datetime
import io
import logging
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import Province, User
from loans import services
from loans.models import (
    Application,
    Attachment,
    CostItem,
    GroupRule,
    InterestRate,
    Kind,
    ProgrammeBudget,
    SupportProgramme,
    Unit,
)
from markets.models import Market, Programme
from workers.models import DocumentType, WorkerProfile
from workers.uploads import CleanFile

LAO_CAI = 15
log = logging.getLogger(__name__)

BUDGET_SOURCE = "Demo figure: replace with the allocation decided for the year"
STATUTORY = ("Theo mức lệ phí nhà nước quy định", "At the statutory fee")
ACTUAL = ("Theo chi phí thực tế, có hóa đơn", "The actual cost, on the receipt")
CIRCULAR_55 = "Thông tư 55/2023/TT-BTC, Điều 25"
DECREE_338_ORIENTATION = "Nghị định 338/2025/NĐ-CP, Điều 30"

# code, unit, cap (VND) or None for the actual cost, (note vi, note en), legal basis
GRANT_ITEMS: list[tuple[str, str, int | None, tuple[str, str], str]] = [
    ("language_training", Unit.COURSE, 4_000_000, ("", ""), CIRCULAR_55),
    (
        "vocational_training",
        Unit.COURSE,
        None,
        ("Theo chi phí thực tế, trong mức trần của tỉnh", "The actual cost, within the caps"),
        CIRCULAR_55,
    ),
    ("meals", Unit.DAY, 50_000, ("", ""), CIRCULAR_55),
    ("lodging", Unit.MONTH, 400_000, ("", ""), CIRCULAR_55),
    ("personal_items", Unit.ONCE, 600_000, ("", ""), CIRCULAR_55),
    (
        "travel",
        Unit.ONCE,
        300_000,
        ("200.000-300.000 ₫ tùy quãng đường", "200,000-300,000 VND depending on the distance"),
        CIRCULAR_55,
    ),
    ("passport", Unit.ONCE, None, STATUTORY, CIRCULAR_55),
    ("visa", Unit.ONCE, None, STATUTORY, CIRCULAR_55),
    ("judicial_record", Unit.ONCE, None, STATUTORY, CIRCULAR_55),
    ("health_check", Unit.ONCE, None, ACTUAL, ""),
    ("orientation", Unit.COURSE, 530_000, ("", ""), DECREE_338_ORIENTATION),
]

# Contracts signed and costs that arose until 31/12/2025 follow the old rules whenever the
# worker applies. How long late applications are taken is not in the texts found: a demo
# date, for the province (or the bank) to set.
LATE_CLAIMS_UNTIL = datetime.date(2026, 12, 31)
DECREE_338 = "Nghị định 338/2025/NĐ-CP"
OLD_GROUPS_BASIS = (
    "Quyết định 16/2023/QĐ-TTg; đối tượng chính sách theo Nghị định 61/2015/NĐ-CP, sửa đổi bởi "
    "Nghị định 74/2019/NĐ-CP"
)
UNCONFIRMED_338_GROUPS = (
    "Danh sách nhóm theo Nghị định 338/2025/NĐ-CP chưa được đối chiếu với văn bản chính thức: "
    "tạm giữ các nhóm trước đây.",
    "The groups under Decree 338/2025/ND-CP are not checked against the official text yet: the "
    "earlier groups are kept meanwhile.",
)
LOWER_RATE = (
    "Thấp hơn, theo mức Nghị định 338/2025/NĐ-CP quy định (chưa đối chiếu con số)",
    "Lower, at the rate Decree 338/2025/ND-CP fixes (figure not checked yet)",
)

GRANT_SUMMARY_VI = (
    "Hỗ trợ người lao động chuẩn bị đi làm việc ở nước ngoài: học ngoại ngữ, học nghề, "
    "giáo dục định hướng, tiền ăn, ở, đi lại, hộ chiếu, thị thực, lý lịch tư pháp. "
    "Thanh toán theo hóa đơn, trong mức trần."
)
GRANT_SUMMARY_EN = (
    "Support for workers preparing to go abroad: language and vocational training, "
    "orientation, meals, lodging, travel, passport, visa and judicial record. Paid on "
    "receipts, within the caps."
)

PROGRAMMES: list[dict[str, Any]] = [
    {
        "code": "poverty-reduction-2021-2025",
        "order": 10,
        "kind": Kind.GRANT,
        "name_vi": "Chương trình mục tiêu quốc gia giảm nghèo bền vững 2021-2025: hỗ trợ đi làm "
        "việc ở nước ngoài (đến 31/12/2025)",
        "name_en": "Sustainable poverty reduction programme 2021-2025: support to work abroad",
        "summary_vi": GRANT_SUMMARY_VI,
        "summary_en": GRANT_SUMMARY_EN,
        "legal_basis_vi": "Quyết định 90/QĐ-TTg ngày 18/01/2022; Thông tư 03/2024; Thông tư "
        "55/2023/TT-BTC, Điều 25.",
        "legal_basis_en": "Decision 90/QD-TTg of 18 Jan 2022; Circular 03/2024; Circular "
        "55/2023/TT-BTC, Art. 25.",
        "valid_from": datetime.date(2022, 1, 18),
        "valid_to": datetime.date(2025, 12, 31),
        "accepts_until": LATE_CLAIMS_UNTIL,
        "eligible_groups": ["poor", "near_poor"],
        "group_rules": [
            {
                "valid_from": datetime.date(2022, 1, 18),
                "valid_to": datetime.date(2025, 12, 31),
                "groups": ["poor", "near_poor", "out_of_poverty"],
                "legal_basis": "Quyết định 90/QĐ-TTg, Dự án 4, Tiểu dự án 3",
                "confirmed": False,
                "note_vi": "Hộ mới thoát nghèo: theo nguồn thứ cấp, chưa đối chiếu với văn bản "
                "chính thức.",
                "note_en": "Households just out of poverty: from a secondary source, not checked "
                "against the official text.",
            }
        ],
        "requires_residence": True,
        "documents": ["id_card", "priority_proof"],
        "items": GRANT_ITEMS,
        "budgets": {2025: 1_500_000_000},
    },
    {
        "code": "ethnic-minority-2021-2025",
        "order": 20,
        "kind": Kind.GRANT,
        "name_vi": "Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân "
        "tộc thiểu số 2021-2025: hỗ trợ đi làm việc ở nước ngoài (đến 31/12/2025)",
        "name_en": "Ethnic-minority areas programme 2021-2025: support to work abroad",
        "summary_vi": GRANT_SUMMARY_VI,
        "summary_en": GRANT_SUMMARY_EN,
        "legal_basis_vi": "Quyết định 1719/QĐ-TTg ngày 14/10/2021; Thông tư 55/2023/TT-BTC, "
        "Điều 25.",
        "legal_basis_en": "Decision 1719/QD-TTg of 14 Oct 2021; Circular 55/2023/TT-BTC, Art. 25.",
        "valid_from": datetime.date(2021, 10, 14),
        "valid_to": datetime.date(2025, 12, 31),
        "accepts_until": LATE_CLAIMS_UNTIL,
        "eligible_groups": ["ethnic_minority"],
        "requires_residence": True,
        "documents": ["id_card", "priority_proof"],
        "items": GRANT_ITEMS,
        "budgets": {2025: 1_500_000_000},
    },
    {
        "code": "vbsp-loan-decree-61",
        "order": 30,
        "kind": Kind.LOAN,
        "name_vi": "Vay vốn đi làm việc ở nước ngoài tại Ngân hàng Chính sách xã hội (đến "
        "31/12/2025)",
        "name_en": "Loan to work abroad from the Bank for Social Policies (until 31 Dec 2025)",
        "legal_basis_vi": "Nghị định 61/2015/NĐ-CP, sửa đổi bởi Nghị định 74/2019/NĐ-CP.",
        "legal_basis_en": "Decree 61/2015/ND-CP as amended by Decree 74/2019/ND-CP.",
        "lender_vi": "Ngân hàng Chính sách xã hội",
        "lender_en": "Vietnam Bank for Social Policies (VBSP)",
        "valid_from": datetime.date(2015, 7, 9),
        "valid_to": datetime.date(2025, 12, 31),
        "accepts_until": LATE_CLAIMS_UNTIL,
        "eligible_groups": ["poor", "ethnic_minority", "land_recovered"],
        "requires_residence": True,
        "requires_contract": True,
        "loan_share_percent": 100,
        "term_within_contract": True,
        "documents": ["id_card", "contract"],
        "budgets": {2025: 20_000_000_000},
    },
    {
        "code": "nef-loan-decree-61",
        "order": 40,
        "kind": Kind.LOAN,
        "name_vi": "Vay vốn Quỹ quốc gia về việc làm để đi làm việc ở nước ngoài (đến 31/12/2025)",
        "name_en": "National Employment Fund loan to work abroad (until 31 Dec 2025)",
        "legal_basis_vi": "Nghị định 61/2015/NĐ-CP, sửa đổi bởi Nghị định 74/2019/NĐ-CP.",
        "legal_basis_en": "Decree 61/2015/ND-CP as amended by Decree 74/2019/ND-CP.",
        "lender_vi": "Quỹ quốc gia về việc làm, qua Ngân hàng Chính sách xã hội",
        "lender_en": "National Employment Fund, through VBSP",
        "valid_from": datetime.date(2015, 7, 9),
        "valid_to": datetime.date(2025, 12, 31),
        "accepts_until": LATE_CLAIMS_UNTIL,
        "eligible_groups": ["near_poor", "merit_relative"],
        "requires_residence": True,
        "requires_contract": True,
        "loan_share_percent": 100,
        "term_within_contract": True,
        "documents": ["id_card", "contract"],
        "budgets": {2025: 5_000_000_000},
    },
    {
        "code": "employment-loan-2026",
        "order": 50,
        "kind": Kind.LOAN,
        "name_vi": "Vay vốn đi làm việc ở nước ngoài theo hợp đồng (từ 01/01/2026)",
        "name_en": "Loan to work abroad under contract (from 1 Jan 2026)",
        "summary_vi": "Mọi người lao động đi làm việc ở nước ngoài theo hợp đồng được vay tối đa "
        "100% chi phí phải trả trước khi đi, trừ phần ngân sách nhà nước đã hỗ trợ.",
        "summary_en": "Every contract worker may borrow up to 100% of the costs paid before "
        "departure, minus what the state budget already supported.",
        "legal_basis_vi": "Luật Việc làm số 74/2025/QH15; Nghị định 338/2025/NĐ-CP.",
        "legal_basis_en": "Employment Law 74/2025/QH15; Decree 338/2025/ND-CP.",
        "lender_vi": "Ngân hàng Chính sách xã hội",
        "lender_en": "Vietnam Bank for Social Policies (VBSP)",
        "interest_vi": "127% lãi suất cho vay hộ nghèo; một số nhóm được lãi suất thấp hơn do "
        "Nghị định 338/2025/NĐ-CP quy định (xem bảng lãi suất).",
        "interest_en": "127% of the poor-household rate; some groups pay less, at rates Decree "
        "338/2025/ND-CP fixes (see the rates table).",
        "rates": [
            {
                "group": "",
                "percent_of_poor_rate": Decimal("127.0"),
                "rate_vi": "127% lãi suất cho vay hộ nghèo",
                "rate_en": "127% of the poor-household rate",
                "legal_basis": DECREE_338,
                "confirmed": True,
            },
            *[
                {
                    "group": group,
                    "rate_vi": LOWER_RATE[0],
                    "rate_en": LOWER_RATE[1],
                    "legal_basis": DECREE_338,
                    "confirmed": False,
                }
                for group in [
                    "poor",
                    "near_poor",
                    "out_of_poverty",
                    "ethnic_minority",
                    "merit_relative",
                    "land_recovered",
                ]
            ],
        ],
        "valid_from": datetime.date(2026, 1, 1),
        "valid_to": None,
        "eligible_groups": [],
        "requires_residence": True,
        "requires_contract": True,
        "loan_share_percent": 100,
        "deduct_state_support": True,
        "collateral_threshold": 200_000_000,
        "term_within_contract": True,
        "documents": ["id_card", "contract"],
        "budgets": {2026: 30_000_000_000},
    },
    {
        "code": "eps-deposit-loan",
        "order": 60,
        "kind": Kind.LOAN,
        "name_vi": "Vay vốn ký quỹ đi làm việc tại Hàn Quốc theo Chương trình EPS",
        "name_en": "Loan for the Korea EPS deposit",
        "summary_vi": "Tiền ký quỹ phải nộp trong 35 ngày kể từ khi ký hợp đồng với Trung tâm "
        "Lao động ngoài nước (COLAB): đó là hạn nộp tiền ký quỹ, không phải hạn làm đơn vay. Hãy "
        "làm đơn sớm để ngân hàng kịp cho vay. Vay tại Ngân hàng Chính sách xã hội nơi bạn đăng "
        "ký thường trú. Không cần tài sản bảo đảm.",
        "summary_en": "The deposit is due within 35 days of signing with the Centre of Overseas "
        "Labour (COLAB): a deadline for paying the deposit, not for applying for the loan. Apply "
        "early so the bank can lend in time. Borrow from the Bank for Social Policies where you "
        "have permanent residence. No collateral.",
        "legal_basis_vi": "Quyết định 16/2023/QĐ-TTg.",
        "legal_basis_en": "Decision 16/2023/QD-TTg.",
        "lender_vi": "Ngân hàng Chính sách xã hội, nơi người lao động đăng ký thường trú",
        "lender_en": "VBSP, where the worker has permanent residence",
        "valid_from": datetime.date(2023, 7, 20),
        "valid_to": None,
        "eligible_groups": [
            "poor",
            "near_poor",
            "ethnic_minority",
            "merit_relative",
            "land_recovered",
        ],
        "group_rules": [
            {
                "valid_from": datetime.date(2023, 7, 20),
                "valid_to": datetime.date(2025, 12, 31),
                "groups": [
                    "poor",
                    "near_poor",
                    "ethnic_minority",
                    "merit_relative",
                    "land_recovered",
                ],
                "legal_basis": OLD_GROUPS_BASIS,
                "confirmed": False,
                "note_vi": "Các nhóm vay vốn theo Nghị định 61/2015/NĐ-CP; chưa đối chiếu với "
                "văn bản chính thức.",
                "note_en": "The borrowing groups of Decree 61/2015/ND-CP; not checked against "
                "the official text.",
            },
            {
                "valid_from": datetime.date(2026, 1, 1),
                "valid_to": None,
                "groups": [
                    "poor",
                    "near_poor",
                    "ethnic_minority",
                    "merit_relative",
                    "land_recovered",
                ],
                "legal_basis": "Quyết định 16/2023/QĐ-TTg; " + DECREE_338,
                "confirmed": False,
                "note_vi": UNCONFIRMED_338_GROUPS[0],
                "note_en": UNCONFIRMED_338_GROUPS[1],
            },
        ],
        "markets": [],
        "programmes": [("korea", "eps")],
        "requires_permanent_residence": True,
        "requires_contract": True,
        "contract_deadline_days": 35,
        "deposit_loan": True,
        "loan_max": 100_000_000,
        "term_max_months": 64,
        "documents": ["id_card", "contract", "priority_proof"],
        "budgets": {2026: 5_000_000_000},
    },
    {
        "code": "lao-cai-support-2026",
        "order": 5,
        "kind": Kind.GRANT,
        "province": LAO_CAI,
        "name_vi": "Lào Cai: hỗ trợ lao động thuộc hộ nghèo, cận nghèo, dân tộc thiểu số đi làm "
        "việc ở nước ngoài (2026, dữ liệu mẫu)",
        "name_en": "Lào Cai: support for poor, near-poor and ethnic-minority workers going abroad "
        "(2026, demo data)",
        "summary_vi": GRANT_SUMMARY_VI,
        "summary_en": GRANT_SUMMARY_EN,
        "legal_basis_vi": "Dữ liệu mẫu: mức trần của các chương trình 2021-2025 (Thông tư "
        "55/2023/TT-BTC, Điều 25), chờ văn bản hướng dẫn chương trình mục tiêu quốc gia "
        "2026-2035.",
        "legal_basis_en": "Demo data: the caps of the 2021-2025 programmes (Circular "
        "55/2023/TT-BTC, Art. 25), until the rules of the 2026-2035 national target programme "
        "are published.",
        "valid_from": datetime.date(2026, 1, 1),
        "valid_to": None,
        "eligible_groups": ["poor", "near_poor", "out_of_poverty", "ethnic_minority"],
        "requires_residence": True,
        "documents": ["id_card", "priority_proof"],
        "items": GRANT_ITEMS,
        "budgets": {2026: 600_000_000},
    },
]

MONEY_FIELDS = ("loan_max", "collateral_threshold")


def _programme(data: dict[str, Any], this_year: int) -> SupportProgramme:
    data = dict(data)
    code = data.pop("code")
    items = data.pop("items", [])
    group_rules = data.pop("group_rules", [])
    rates = data.pop("rates", [])
    documents = data.pop("documents", [])
    budgets = data.pop("budgets", {})
    markets = data.pop("markets", [])
    programmes = data.pop("programmes", [])
    province_code = data.pop("province", None)
    if province_code is not None:
        data["province"] = Province.objects.filter(code=province_code).first()
    for name in MONEY_FIELDS:
        if data.get(name) is not None:
            data[name] = Decimal(data[name])
    programme, _created = SupportProgramme.objects.update_or_create(code=code, defaults=data)
    for order, (item_code, unit, cap, (note_vi, note_en), basis) in enumerate(items):
        CostItem.objects.update_or_create(
            programme=programme,
            code=item_code,
            defaults={
                "unit": unit,
                "cap": Decimal(cap) if cap is not None else None,
                "cap_note_vi": note_vi,
                "cap_note_en": note_en,
                "legal_basis": basis,
                "order": (order + 1) * 10,
            },
        )
    for rule in group_rules:
        GroupRule.objects.update_or_create(
            programme=programme,
            valid_from=rule["valid_from"],
            defaults={k: v for k, v in rule.items() if k != "valid_from"},
        )
    valid_from = programme.valid_from
    for order, rate in enumerate(rates):
        InterestRate.objects.update_or_create(
            programme=programme,
            group=rate["group"],
            valid_from=rate.get("valid_from", valid_from),
            defaults={
                "order": (order + 1) * 10,
                **{k: v for k, v in rate.items() if k not in ("group", "valid_from")},
            },
        )
    programme.required_documents.set(DocumentType.objects.filter(code__in=documents))
    programme.markets.set(Market.objects.filter(code__in=markets))
    programme.programmes.set(
        [
            p
            for market, code_ in programmes
            for p in Programme.objects.filter(market__code=market, code=code_)
        ]
    )
    # Programmes taking applications get a budget for the running year too (so the demo works
    # in any year), late applications for contracts or costs from before their end included.
    years = dict(budgets)
    taking = programme.accepts_until or programme.valid_to
    if taking is None or taking.year >= this_year:
        years.setdefault(this_year, max(budgets.values()))
    for year, amount in years.items():
        ProgrammeBudget.objects.get_or_create(
            programme=programme,
            year=year,
            defaults={"amount": Decimal(amount), "source": BUDGET_SOURCE},
        )
    return programme


def _photo(colour: tuple[int, int, int]) -> CleanFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(buffer, format="JPEG", quality=70)
    return CleanFile(buffer.getvalue(), "image/jpeg", "jpg")


def _attach(application: Application, actor: User, what: str) -> None:
    document_type = None if what == "receipt" else DocumentType.objects.get(code=what)
    services.attachment_add(
        application_id=application.pk,
        actor=actor,
        kind=Attachment.Kind.RECEIPT if what == "receipt" else Attachment.Kind.DOCUMENT,
        document_type=document_type,
        clean=_photo((230, 230, 220)),
        original_name=f"{what}.jpg",
    )


def _lines(programme: SupportProgramme, wanted: dict[str, tuple[int, int]]) -> list[Any]:
    items = {item.code: item for item in programme.cost_items.all()}
    return [
        services.LineInput(item_id=items[code].pk, quantity=quantity, amount=Decimal(amount))
        for code, (quantity, amount) in wanted.items()
    ]


def _mai_applications(
    mai: WorkerProfile, grant: SupportProgramme, counsellor: User, manager: User
) -> None:
    user = mai.user
    # Started by mistake, then withdrawn.
    first = services.application_start(profile=mai, programme=grant, actor=user)
    services.application_withdraw(
        application_id=first.pk, actor=user, reason="Đăng ký nhầm, sẽ làm lại cùng cán bộ tư vấn."
    )
    # Korean classes and living costs: approved in part, then paid.
    paid = services.application_start(profile=mai, programme=grant, actor=user)
    services.application_save(
        application_id=paid.pk,
        actor=user,
        values={
            "phone": user.display_phone,
            "note": "Học tiếng Hàn tại Trung tâm giáo dục nghề nghiệp tỉnh.",
        },
        lines=_lines(
            grant,
            {
                "language_training": (1, 4_000_000),
                "meals": (60, 3_000_000),
                "lodging": (2, 800_000),
            },
        ),
    )
    for what in ["receipt", "id_card", "priority_proof"]:
        _attach(paid, user, what)
    services.application_submit(application_id=paid.pk, actor=user)
    services.application_review(application_id=paid.pk, actor=counsellor)
    services.application_approve(
        application_id=paid.pk,
        actor=manager,
        amount=Decimal(7_000_000),
        reason="Tiền ăn tính theo 44 ngày học có điểm danh.",
    )
    services.application_mark_paid(
        application_id=paid.pk, actor=counsellor, reference="PC-2026-0117"
    )
    # Passport and judicial record: the centre asks for a missing receipt.
    asked = services.application_start(profile=mai, programme=grant, actor=user)
    services.application_save(
        application_id=asked.pk,
        actor=user,
        values={"phone": user.display_phone},
        lines=_lines(grant, {"passport": (1, 200_000), "judicial_record": (1, 200_000)}),
    )
    _attach(asked, user, "receipt")
    services.application_submit(application_id=asked.pk, actor=user)
    services.application_review(application_id=asked.pk, actor=counsellor)
    services.application_request_info(
        application_id=asked.pk,
        actor=counsellor,
        reason="Gửi thêm ảnh biên lai lệ phí cấp phiếu lý lịch tư pháp.",
    )


def _an_application(an: WorkerProfile, loan: SupportProgramme, counsellor: User) -> None:
    user = an.user
    application = services.application_start(profile=an, programme=loan, actor=user)
    application.refresh_from_db()
    services.application_save(
        application_id=application.pk,
        actor=user,
        values={
            "phone": user.display_phone,
            "loan_purpose": "Phí dịch vụ, học tiếng Nhật, vé máy bay",
            "loan_term_months": 24,
            "costs_before_departure": Decimal(120_000_000),
            "other_state_support": Decimal(0),
            "contract_months": application.contract_months or 36,
            "contract_signed_on": max(
                timezone.localdate() - datetime.timedelta(days=20), datetime.date(2026, 1, 1)
            ),
        },
        loan_amount=Decimal(100_000_000),
    )
    _attach(application, user, "contract")
    services.application_submit(application_id=application.pk, actor=user)
    # Reviewed by the counsellor: waiting for the centre manager's approval.
    services.application_review(application_id=application.pk, actor=counsellor)


def seed_loans() -> None:
    """Programmes, caps and budgets; then a few applications of the Lào Cai demo workers."""
    this_year = timezone.localdate().year
    with transaction.atomic():
        programmes = {data["code"]: _programme(data, this_year) for data in PROGRAMMES}
    counsellor = User.objects.filter(email="tuvan.laocai@mrc.demo").first()
    manager = User.objects.filter(email="quanly.laocai@mrc.demo").first()
    an = WorkerProfile.all_objects.filter(user__phone="+84912345001").first()
    mai = WorkerProfile.all_objects.filter(user__phone="+84912345002").first()
    if counsellor is None or manager is None or an is None or mai is None:
        return
    if (
        Application.objects.unscoped("demo data: two named workers' applications")
        .filter(profile__in=[an, mai])
        .exists()
    ):
        return
    try:
        _mai_applications(mai, programmes["lao-cai-support-2026"], counsellor, manager)
    except services.SupportError as exc:
        # Mai's file is not as the workers' demo made it: her examples are left out.
        log.warning("Demo support applications for Mai skipped: %s", exc)
    try:
        _an_application(an, programmes["employment-loan-2026"], counsellor)
    except services.SupportError as exc:
        # An has no contract recorded (the markets demo is missing): no loan example.
        log.warning("Demo loan application for An skipped: %s", exc)
