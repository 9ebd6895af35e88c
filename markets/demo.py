"""Demo markets, programmes, figures, enterprises and notices for a newcomer's portal.

Departure figures are the official ones (shared/DOMAIN.md); every legal figure is a
LegalFigure row with its source and the date it holds from, marked unconfirmed unless its
official source is named there (docs/legal-rules.md). Enterprises are invented (is_demo=True).
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
    Complaint,
    ComplaintKind,
    ComplaintOutcome,
    DepartureStat,
    DepartureTotal,
    Enterprise,
    ExchangeRate,
    LegalFigure,
    LicenceStatus,
    Market,
    Notice,
    NoticeCategory,
    Programme,
)

LAO_CAI = 15
RATE_DAY = datetime.date(2025, 11, 1)
RATE_SOURCE = "Demo figure: replace with the State Bank of Vietnam's rate"
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
        "summary_vi": "Thị trường lớn nhất: khoảng một nửa số lao động đi làm việc ở nước ngoài.",
        "summary_en": "The largest market: about half of all workers going abroad.",
        "risks_vi": "Môi giới thu tiền 'chống trốn', 'phí đơn hàng'; hợp đồng tiếng Nhật không "
        "có bản tiếng Việt; bỏ trốn khỏi nơi làm việc sẽ mất tư cách lưu trú.",
        "risks_en": "Brokers charging 'anti-escape' money or 'order fees'; contracts only in "
        "Japanese; leaving the workplace means losing the right to stay.",
    },
    "taiwan": {
        "summary_vi": "Thị trường lớn thứ hai: nhà máy, khán hộ công gia đình, hộ lý, thuyền viên.",
        "summary_en": "The second market: factories, home caregivers, institutional caregivers, "
        "fishing.",
        "risks_vi": "Không ai được thu của bạn tiền môi giới, ở Việt Nam hay ở Đài Loan. Công "
        "ty dịch vụ phía Đài Loan chỉ được thu phí dịch vụ hằng tháng theo mức Bộ Lao động Đài "
        "Loan cho phép (xem bên dưới); đó là phí dịch vụ, không phải tiền môi giới.",
        "risks_en": "No one may charge you a brokerage fee, in Vietnam or in Taiwan. The "
        "Taiwanese agency may only charge the monthly service fee Taiwan's Ministry of Labour "
        "allows (see below): a service fee, not brokerage.",
    },
    "korea": {
        "summary_vi": "Chương trình EPS do Nhà nước thực hiện qua Trung tâm Lao động ngoài nước "
        "(COLAB). Không doanh nghiệp nào được tuyển lao động đi Hàn Quốc theo EPS hay thu tiền "
        "dịch vụ, tiền môi giới của bạn.",
        "summary_en": "The EPS programme is run by the state through the Centre of Overseas "
        "Labour (COLAB). No company may recruit for EPS or charge you a service or brokerage "
        "fee.",
        "risks_vi": "Ai hứa 'đi Hàn chắc chắn đỗ', 'không cần thi' là lừa đảo.",
        "risks_en": "Anyone promising 'Korea guaranteed' or 'no test needed' is a scammer.",
    },
    "china": {
        "summary_vi": "Lào Cai có chương trình thí điểm đưa lao động vùng biên giới sang làm việc "
        "theo hợp đồng tại doanh nghiệp ở huyện Hà Khẩu, tỉnh Vân Nam. Quyền lợi của người lao "
        "động theo pháp luật lao động của mỗi nước.",
        "summary_en": "Lào Cai runs a pilot in which workers of the border communes work under "
        "contract for enterprises in Hà Khẩu county, Yunnan. Workers' rights follow each "
        "country's labour law.",
        "risks_vi": "Chỉ đi qua chương trình của tỉnh, có hợp đồng bằng văn bản. Sang làm việc "
        "không có hợp đồng, không có giấy tờ là trái phép và rất dễ bị lừa.",
        "risks_en": "Go only through the province's programme, with a written contract. Working "
        "across the border without a contract or papers is illegal and easily abused.",
    },
}

PROGRAMMES: list[dict[str, Any]] = [
    {
        "market": "japan",
        "code": "technical-intern",
        "order": 10,
        "name_vi": "Thực tập sinh kỹ năng",
        "name_en": "Technical intern",
        "language_vi": "Tiếng Nhật sơ cấp, học trước khi đi.",
        "language_en": "Basic Japanese, learnt before leaving.",
        "health_vi": "Đủ sức khỏe theo khám của bệnh viện được chỉ định.",
        "health_en": "Fit for work, checked by an approved hospital.",
        "other_conditions_vi": "Không có tiền án; học giáo dục định hướng trước khi đi.",
        "other_conditions_en": "No criminal record; pre-departure orientation.",
        "deposit_rules_vi": "Tổ chức phái cử không được thu tiền ký quỹ hay tiền phạt (tiền "
        "'chống trốn') của thực tập sinh.",
        "deposit_rules_en": "The sending organisation may not take a deposit or penalty money "
        "('anti-escape' money) from an intern.",
        "costs_vi": "Học tiếng, khám sức khỏe, hộ chiếu, visa, lý lịch tư pháp, vé máy bay: "
        "trả theo giá thật, có biên lai.",
        "costs_en": "Language classes, health check, passport, visa, judicial record, air "
        "ticket: at their real price, with receipts.",
    },
    {
        "market": "japan",
        "code": "specified-skilled-worker",
        "order": 20,
        "name_vi": "Kỹ năng đặc định (loại 1)",
        "name_en": "Specified skilled worker (level 1)",
        "language_vi": "Thi tiếng Nhật và thi kỹ năng ngành nghề.",
        "language_en": "A Japanese test and a skills test for the trade.",
        "costs_vi": "Lệ phí thi, hồ sơ, visa, vé máy bay theo giá thật.",
        "costs_en": "Test fees, papers, visa and ticket at their real price.",
    },
    {
        "market": "taiwan",
        "code": "factory",
        "order": 10,
        "name_vi": "Lao động nhà máy",
        "name_en": "Factory work",
        "language_vi": "Không bắt buộc; nên học tiếng Trung giao tiếp.",
        "language_en": "Not required; basic Chinese helps.",
        "costs_vi": "Khám sức khỏe, hộ chiếu, visa, vé máy bay theo giá thật.",
        "costs_en": "Health check, passport, visa, ticket at their real price.",
    },
    {
        "market": "taiwan",
        "code": "home-caregiver",
        "order": 20,
        "name_vi": "Khán hộ công gia đình",
        "name_en": "Home caregiver",
        "summary_vi": "Chăm sóc người già, người bệnh tại nhà riêng của một gia đình.",
        "summary_en": "Caring for an elderly or sick person in a family's home.",
        "language_vi": "Tiếng Trung giao tiếp cơ bản.",
        "language_en": "Basic spoken Chinese.",
    },
    {
        "market": "taiwan",
        "code": "institutional-caregiver",
        "order": 30,
        "name_vi": "Hộ lý (chăm sóc tại cơ sở)",
        "name_en": "Institutional caregiver",
        "summary_vi": "Chăm sóc người già, người bệnh tại viện dưỡng lão, trung tâm chăm sóc, "
        "bệnh viện.",
        "summary_en": "Caring for elderly or sick people in a care home, care centre or hospital.",
        "language_vi": "Tiếng Trung giao tiếp cơ bản.",
        "language_en": "Basic spoken Chinese.",
    },
    {
        "market": "korea",
        "code": "eps",
        "order": 10,
        "name_vi": "Chương trình EPS (cấp phép việc làm)",
        "name_en": "EPS (Employment Permit System)",
        "language_vi": "Thi tiếng Hàn EPS-TOPIK, sau đó thi tay nghề.",
        "language_en": "The EPS-TOPIK Korean test, then a skills test.",
        "health_vi": "Không mù màu; đủ sức khỏe.",
        "health_en": "Not colour-blind; fit for work.",
        "other_conditions_vi": "Không có án tù; chưa từng bị trục xuất khỏi Hàn Quốc; nếu đã ở "
        "Hàn theo visa E-9/E-10 thì không quá thời gian cho phép (xem số liệu bên dưới).",
        "other_conditions_en": "No prison sentence; never deported from Korea; earlier E-9/E-10 "
        "stays within the time allowed (see the figures below).",
        "deposit_rules_vi": "Tiền ký quỹ nộp cho COLAB sau khi ký hợp đồng với COLAB, trong thời "
        "hạn ghi ở số liệu bên dưới. Có thể vay Ngân hàng Chính sách xã hội để nộp ký quỹ, không "
        "cần thế chấp.",
        "deposit_rules_en": "The deposit is paid to COLAB after signing with COLAB, within the "
        "time given in the figures below. It can be borrowed from the Bank for Social Policies, "
        "without collateral.",
        "costs_vi": "Chỉ các khoản do COLAB thu (xem danh sách). Không doanh nghiệp nào được thu "
        "tiền dịch vụ hay tiền môi giới.",
        "costs_en": "Only what COLAB collects (see the list). No company may charge a service "
        "or brokerage fee.",
        "legal_basis_vi": "Quyết định 16/2023/QĐ-TTg (vay ký quỹ).",
        "legal_basis_en": "Decision 16/2023/QD-TTg (deposit loan).",
    },
    {
        "market": "germany",
        "code": "nursing",
        "order": 10,
        "name_vi": "Điều dưỡng",
        "name_en": "Nursing",
        "language_vi": "Tiếng Đức, trình độ tùy chương trình.",
        "language_en": "German, at the level the programme asks.",
        "other_conditions_vi": "Tốt nghiệp trung cấp, cao đẳng hoặc đại học điều dưỡng (tùy "
        "chương trình).",
        "other_conditions_en": "A nursing diploma (depending on the programme).",
    },
    {
        "market": "singapore",
        "code": "seafarer",
        "order": 10,
        "name_vi": "Thuyền viên tàu vận tải biển",
        "name_en": "Seafarer on a merchant ship",
        "summary_vi": "Sĩ quan và thủy thủ làm việc trên tàu vận tải biển của chủ tàu nước ngoài. "
        "Tiền dịch vụ của thuyền viên có mức riêng, cao hơn lao động khác (xem số liệu).",
        "summary_en": "Officers and crew working on a foreign owner's merchant ship. Seafarers' "
        "service fee has a ceiling of its own, higher than other workers' (see the figures).",
        "other_conditions_vi": "Có chứng chỉ chuyên môn thuyền viên và sổ thuyền viên.",
        "other_conditions_en": "A seafarer's certificate of competency and seaman's book.",
    },
    {
        "market": "china",
        "code": "lao-cai-ha-khau",
        "order": 10,
        "name_vi": "Lao động qua biên giới Lào Cai - Hà Khẩu (Vân Nam)",
        "name_en": "Cross-border work Lào Cai - Hà Khẩu (Yunnan)",
        "summary_vi": "Thí điểm của tỉnh Lào Cai: lao động các xã biên giới, phần lớn là người "
        "dân tộc thiểu số, sang làm việc theo hợp đồng tại doanh nghiệp ở huyện Hà Khẩu. Tỉnh dự "
        "kiến tiếp tục thí điểm với tỉnh Vân Nam. Điều kiện, tiền lương và chi phí chưa được "
        "xác nhận: hỏi văn phòng trước khi ký hay nộp tiền.",
        "summary_en": "A Lào Cai pilot: workers of the border communes, mostly from ethnic "
        "minorities, work under contract for an enterprise in Hà Khẩu county. The province "
        "plans to continue the pilot with Yunnan. Conditions, wages and costs are not "
        "confirmed: ask the centre before signing or paying anything.",
        "other_conditions_vi": "Người lao động của các xã biên giới tỉnh Lào Cai (chưa xác nhận "
        "điều kiện cụ thể).",
        "other_conditions_en": "Workers of Lào Cai's border communes (exact conditions not "
        "confirmed).",
    },
]

# Figures marked confirmed below are those the project's legal reference (corrected on this
# day from the official sources it names) states without reservation; an administrator
# re-checks each against the official text in the admin and updates "checked on".
CHECKED = datetime.date(2026, 12, 6)
LAW_69 = "Luật 69/2020/QH14"
# A figure whose first day is not on record holds "from" the first day it is known to hold.
KNOWN_2026 = datetime.date(2026, 1, 1)
START_UNKNOWN_VI = "Chưa ghi được ngày bắt đầu áp dụng; số liệu đúng ít nhất từ 01/01/2026."
START_UNKNOWN_EN = "The first day it held is not on record; it holds at least from 1 Jan 2026."
LAW_69_IN_FORCE = datetime.date(2022, 1, 1)
OLD_DRAFT_VI = (
    "Dự thảo năm 2016-2017 theo luật cũ (Luật 72/2006/QH11); không có trong Thông tư "
    "21/2021/TT-BLĐTBXH"
)
OLD_DRAFT_NOTE_VI = (
    "Mức này lấy từ một dự thảo cũ, không phải quy định đang có hiệu lực. Cổng không dùng nó "
    "để kết luận."
)
OLD_DRAFT_NOTE_EN = (
    "This figure comes from an old draft, not from a rule in force. The portal does not use it "
    "to judge a fee."
)
JAPAN_TITP = "Luật Thực tập kỹ năng của Nhật Bản (hiệu lực 01/11/2017)"
TITP_IN_FORCE = datetime.date(2017, 11, 1)
DEMO_WAGE_VI = "Ước tính của văn phòng từ các đơn hàng (số liệu mẫu)"
DEMO_NOTE_VI = "Chỉ để tham khảo; lương thật là lương ghi trong hợp đồng của bạn."
DEMO_NOTE_EN = "For reference only; your real wage is the one in your contract."
LAO_CAI_REPORT = (
    "Báo cáo của tỉnh Lào Cai về đưa người lao động đi làm việc ở nước ngoài (giai đoạn đến "
    "tháng 4/2022)"
)

# Where: ("market", code) or ("programme", market code, programme code).
FIGURES: list[dict[str, Any]] = [
    # --- Japan
    {
        "where": ("market", "japan"),
        "kind": "hotline",
        "label_vi": "Đường dây tư vấn của OTIT (Tổ chức Thực tập kỹ năng nước ngoài)",
        "label_en": "OTIT (Organization for Technical Intern Training) consultation line",
        "value_vi": "Chưa có số điện thoại được xác nhận. OTIT có tư vấn bằng tiếng mẹ đẻ, có "
        "tiếng Việt. Hãy hỏi văn phòng số đang dùng.",
        "value_en": "No confirmed phone number yet. OTIT gives advice in workers' own "
        "languages, Vietnamese included. Ask the centre for the number in use.",
        "document": "Tổ chức Thực tập kỹ năng nước ngoài (OTIT), trang otit.go.jp",
        "valid_from": TITP_IN_FORCE,
        "order": 90,
    },
    {
        "where": ("market", "japan"),
        "kind": "other",
        "label_vi": "Chương trình thay thế thực tập sinh: 'Việc làm phát triển kỹ năng'",
        "label_en": "The programme replacing technical interns: 'Employment for Skill Development'",
        "value_vi": "Bắt đầu từ tháng 4/2027. Hợp đồng đang có vẫn tiếp tục.",
        "value_en": "Starts in April 2027. Existing contracts continue.",
        "document": "Luật sửa đổi năm 2024 của Nhật Bản về thực tập kỹ năng",
        "valid_from": KNOWN_2026,
        "order": 80,
    },
    {
        "where": ("programme", "japan", "technical-intern"),
        "kind": "no_deposit",
        "label_vi": "Không được thu tiền ký quỹ hay tiền phạt ('chống trốn')",
        "label_en": "No deposit or penalty money ('anti-escape' money) may be taken",
        "document": f"{JAPAN_TITP}; Bản ghi nhớ hợp tác Việt Nam - Nhật Bản năm 2017",
        "valid_from": TITP_IN_FORCE,
        "note_vi": "Lấy từ tài liệu thứ cấp; cần đối chiếu văn bản chính thức. Cổng vẫn cảnh "
        "báo khi có ai đòi ký quỹ.",
        "note_en": "From secondary sources; to be checked against the official text. The "
        "portal still warns when someone asks for a deposit.",
        "order": 40,
    },
    {
        "where": ("programme", "japan", "technical-intern"),
        "kind": "service_fee_cap",
        "label_vi": "Mức trần tiền dịch vụ riêng (3.600 USD cho 3 năm, 1.200 USD cho 1 năm)",
        "label_en": "A cap of its own (USD 3,600 per 3 years, USD 1,200 per year)",
        "amount": Decimal("3600"),
        "currency": "USD",
        "per_months": 36,
        "document": OLD_DRAFT_VI,
        "valid_from": LAW_69_IN_FORCE,
        "note_vi": OLD_DRAFT_NOTE_VI,
        "note_en": OLD_DRAFT_NOTE_EN,
        "order": 30,
    },
    {
        "where": ("programme", "japan", "technical-intern"),
        "kind": "contract_length",
        "label_vi": "Thời gian thực tập",
        "label_en": "Length of the internship",
        "amount": Decimal("12"),
        "amount_max": Decimal("36"),
        "value_vi": "1 đến 3 năm (có thể thêm 2 năm nếu đủ điều kiện).",
        "value_en": "1 to 3 years (2 more years for those who qualify).",
        "document": JAPAN_TITP,
        "valid_from": TITP_IN_FORCE,
        "order": 10,
    },
    {
        "where": ("programme", "japan", "technical-intern"),
        "kind": "usual_wage",
        "label_vi": "Lương tháng thường gặp",
        "label_en": "Usual monthly wage",
        "amount": Decimal("160000"),
        "amount_max": Decimal("200000"),
        "currency": "JPY",
        "document": DEMO_WAGE_VI,
        "valid_from": datetime.date(2025, 11, 1),
        "note_vi": DEMO_NOTE_VI,
        "note_en": DEMO_NOTE_EN,
        "order": 20,
    },
    {
        "where": ("programme", "japan", "specified-skilled-worker"),
        "kind": "contract_length",
        "label_vi": "Thời gian ở lại tối đa",
        "label_en": "Longest stay",
        "amount": Decimal("60"),
        "value_vi": "Tối đa 5 năm (kỹ năng đặc định loại 1).",
        "value_en": "Up to 5 years (specified skilled worker, level 1).",
        "document": "Luật Quản lý xuất nhập cảnh của Nhật Bản (tư cách lưu trú Kỹ năng đặc định)",
        "valid_from": datetime.date(2019, 4, 1),
        "order": 10,
    },
    {
        "where": ("programme", "japan", "specified-skilled-worker"),
        "kind": "usual_wage",
        "label_vi": "Lương tháng thường gặp",
        "label_en": "Usual monthly wage",
        "amount": Decimal("180000"),
        "amount_max": Decimal("250000"),
        "currency": "JPY",
        "document": DEMO_WAGE_VI,
        "valid_from": datetime.date(2025, 11, 1),
        "note_vi": DEMO_NOTE_VI,
        "note_en": DEMO_NOTE_EN,
        "order": 20,
    },
    # --- Taiwan
    {
        "where": ("market", "taiwan"),
        "kind": "hotline",
        "label_vi": "Đường dây nóng 1955 của Bộ Lao động Đài Loan (miễn phí, có tiếng Việt)",
        "label_en": "Hotline 1955 of Taiwan's Ministry of Labour (free, in Vietnamese)",
        "value_vi": "1955",
        "value_en": "1955",
        "document": "Bộ Lao động Đài Loan",
        "valid_from": KNOWN_2026,
        "note_vi": START_UNKNOWN_VI,
        "note_en": START_UNKNOWN_EN,
        "status": "confirmed",
        "checked_on": CHECKED,
        "order": 90,
    },
    {
        "where": ("market", "taiwan"),
        "kind": "minimum_wage",
        "label_vi": "Lương tối thiểu (tháng)",
        "label_en": "Minimum wage (a month)",
        "amount": Decimal("29500"),
        "currency": "TWD",
        "document": "Bộ Lao động Đài Loan, mức lương tối thiểu năm 2026",
        "valid_from": datetime.date(2026, 1, 1),
        "status": "confirmed",
        "checked_on": CHECKED,
        "note_vi": "Năm 2025: 28.590 TWD. Khán hộ công gia đình không thuộc Luật Tiêu chuẩn "
        "lao động của Đài Loan: lương ghi trong hợp đồng.",
        "note_en": "2025: TWD 28,590. Home caregivers are outside Taiwan's Labour Standards "
        "Act: their wage is the one in the contract.",
        "order": 10,
    },
    {
        "where": ("market", "taiwan"),
        "kind": "minimum_wage",
        "label_vi": "Lương tối thiểu (tháng)",
        "label_en": "Minimum wage (a month)",
        "amount": Decimal("28590"),
        "currency": "TWD",
        "document": "Bộ Lao động Đài Loan, mức lương tối thiểu năm 2025",
        "valid_from": datetime.date(2025, 1, 1),
        "valid_to": datetime.date(2025, 12, 31),
        "status": "confirmed",
        "checked_on": CHECKED,
        "order": 10,
    },
    {
        "where": ("market", "taiwan"),
        "kind": "agency_monthly_fee",
        "label_vi": "Phí dịch vụ hằng tháng của công ty dịch vụ phía Đài Loan (không phải tiền "
        "môi giới)",
        "label_en": "Monthly service fee of the Taiwanese agency (not a brokerage fee)",
        "value_vi": "Tối đa 1.800 TWD mỗi tháng năm thứ nhất, 1.700 TWD năm thứ hai, 1.500 TWD "
        "từ năm thứ ba. Không ai được thu thêm tiền môi giới.",
        "value_en": "At most TWD 1,800 a month in year 1, TWD 1,700 in year 2, TWD 1,500 from "
        "year 3. No one may charge a brokerage fee on top.",
        "amount": Decimal("1800"),
        "currency": "TWD",
        "document": "Bộ Lao động Đài Loan, tiêu chuẩn thu phí của công ty dịch vụ việc làm tư nhân",
        "valid_from": datetime.date(2026, 1, 1),
        "note_vi": "Chưa đối chiếu điều khoản và ngày bắt đầu áp dụng; mức này đúng ít nhất từ "
        "01/01/2026.",
        "note_en": "Article and start date not checked; the figure holds at least from 1 Jan 2026.",
        "order": 20,
    },
    {
        "where": ("programme", "taiwan", "factory"),
        "kind": "contract_length",
        "label_vi": "Thời hạn hợp đồng",
        "label_en": "Contract length",
        "amount": Decimal("36"),
        "value_vi": "3 năm mỗi lần cấp phép.",
        "value_en": "3 years per permit.",
        "document": "Luật Dịch vụ việc làm của Đài Loan",
        "valid_from": KNOWN_2026,
        "note_vi": START_UNKNOWN_VI,
        "note_en": START_UNKNOWN_EN,
        "order": 10,
    },
    {
        "where": ("programme", "taiwan", "home-caregiver"),
        "kind": "service_fee_cap",
        "label_vi": "Mức trần tiền dịch vụ riêng (400 USD cho hợp đồng 3 năm)",
        "label_en": "A cap of its own (USD 400 per 3-year contract)",
        "amount": Decimal("400"),
        "currency": "USD",
        "per_months": 36,
        "document": OLD_DRAFT_VI,
        "valid_from": LAW_69_IN_FORCE,
        "note_vi": OLD_DRAFT_NOTE_VI,
        "note_en": OLD_DRAFT_NOTE_EN,
        "order": 30,
    },
    {
        "where": ("programme", "taiwan", "home-caregiver"),
        "kind": "usual_wage",
        "label_vi": "Lương tháng thường gặp",
        "label_en": "Usual monthly wage",
        "amount": Decimal("20000"),
        "amount_max": Decimal("22000"),
        "currency": "TWD",
        "document": DEMO_WAGE_VI,
        "valid_from": datetime.date(2025, 11, 1),
        "note_vi": DEMO_NOTE_VI,
        "note_en": DEMO_NOTE_EN,
        "order": 20,
    },
    {
        "where": ("programme", "taiwan", "institutional-caregiver"),
        "kind": "service_fee_cap",
        "label_vi": "Mức trần tiền dịch vụ riêng (800 USD cho hợp đồng 3 năm)",
        "label_en": "A cap of its own (USD 800 per 3-year contract)",
        "amount": Decimal("800"),
        "currency": "USD",
        "per_months": 36,
        "document": OLD_DRAFT_VI,
        "valid_from": LAW_69_IN_FORCE,
        "note_vi": OLD_DRAFT_NOTE_VI,
        "note_en": OLD_DRAFT_NOTE_EN,
        "order": 30,
    },
    # --- Seafarers (Law 69/2020 Art. 23: 1.5 months' wage per 12 months, 4.5 from 36 months)
    {
        "where": ("programme", "singapore", "seafarer"),
        "kind": "service_fee_months_per_year",
        "label_vi": "Thuyền viên: tiền dịch vụ tối đa 1,5 tháng lương cho mỗi 12 tháng hợp đồng",
        "label_en": "Seafarers: service fee at most 1.5 months of wage per 12 months of contract",
        "amount": Decimal("1.5"),
        "document": LAW_69,
        "article": "Điều 23",
        "valid_from": LAW_69_IN_FORCE,
        "note_vi": "Điều khoản lấy từ bản tóm tắt; cần đối chiếu với văn bản chính thức.",
        "note_en": "Clause taken from summaries; to be checked against the official text.",
        "order": 20,
    },
    {
        "where": ("programme", "singapore", "seafarer"),
        "kind": "service_fee_long_contract",
        "label_vi": "Thuyền viên, hợp đồng từ 36 tháng trở lên: tiền dịch vụ tối đa 4,5 tháng "
        "lương",
        "label_en": "Seafarers, contract of 36 months or more: service fee at most 4.5 months' "
        "wage",
        "amount": Decimal("4.5"),
        "per_months": 36,
        "document": LAW_69,
        "article": "Điều 23",
        "valid_from": LAW_69_IN_FORCE,
        "note_vi": "Điều khoản lấy từ bản tóm tắt; cần đối chiếu với văn bản chính thức.",
        "note_en": "Clause taken from summaries; to be checked against the official text.",
        "order": 30,
    },
    # --- Korea
    {
        "where": ("market", "korea"),
        "kind": "hotline",
        "label_vi": "Đường dây nóng 1350 của Bộ Việc làm và Lao động Hàn Quốc (có tiếng Việt)",
        "label_en": "Hotline 1350 of Korea's Ministry of Employment and Labor (in Vietnamese)",
        "value_vi": "1350",
        "value_en": "1350",
        "document": "Bộ Việc làm và Lao động Hàn Quốc",
        "valid_from": KNOWN_2026,
        "note_vi": START_UNKNOWN_VI,
        "note_en": START_UNKNOWN_EN,
        "status": "confirmed",
        "checked_on": CHECKED,
        "order": 90,
    },
    {
        "where": ("market", "korea"),
        "kind": "minimum_wage",
        "label_vi": "Lương tối thiểu (tháng, 209 giờ)",
        "label_en": "Minimum wage (a month of 209 hours)",
        "amount": Decimal("2156880"),
        "currency": "KRW",
        "value_vi": "2.156.880 KRW mỗi tháng (10.320 KRW mỗi giờ x 209 giờ).",
        "value_en": "KRW 2,156,880 a month (KRW 10,320 an hour x 209 hours).",
        "document": "Bộ Việc làm và Lao động Hàn Quốc, mức lương tối thiểu năm 2026",
        "valid_from": datetime.date(2026, 1, 1),
        "valid_to": datetime.date(2026, 12, 31),
        "status": "confirmed",
        "checked_on": CHECKED,
        "order": 10,
    },
    {
        "where": ("programme", "korea", "eps"),
        "kind": "no_service_fee",
        "label_vi": "Không doanh nghiệp nào được thu tiền dịch vụ hay tiền môi giới",
        "label_en": "No enterprise may charge a service fee or brokerage",
        "document": "Chương trình EPS giữa hai Nhà nước Việt Nam - Hàn Quốc, do Trung tâm Lao "
        "động ngoài nước (COLAB) thực hiện; Luật 69/2020/QH14",
        "valid_from": LAW_69_IN_FORCE,
        "note_vi": "Chưa đối chiếu điều khoản cụ thể. Ai đòi tiền dịch vụ EPS đều là dấu hiệu "
        "lừa đảo.",
        "note_en": "The exact clause is not checked yet. Anyone asking an EPS service fee is a "
        "warning sign.",
        "order": 5,
    },
    {
        "where": ("programme", "korea", "eps"),
        "kind": "other",
        "label_vi": "Thời gian đã ở Hàn Quốc theo visa E-9/E-10",
        "label_en": "Earlier stays in Korea on an E-9/E-10 visa",
        "amount": Decimal("5"),
        "value_vi": "Tổng cộng dưới 5 năm.",
        "value_en": "Under 5 years in all.",
        "document": "Thông báo tuyển chọn của Trung tâm Lao động ngoài nước (COLAB)",
        "valid_from": KNOWN_2026,
        "order": 15,
    },
    {
        "where": ("programme", "korea", "eps"),
        "kind": "places",
        "label_vi": "Chỉ tiêu năm 2026",
        "label_en": "Places in 2026",
        "amount": Decimal("4200"),
        "value_vi": "4.200 chỉ tiêu: 3.000 sản xuất, 1.000 ngư nghiệp, 150 lâm nghiệp, 50 dịch vụ.",
        "value_en": "4,200 places: 3,000 manufacturing, 1,000 fishing, 150 forestry, 50 services.",
        "document": "Thông báo của Trung tâm Lao động ngoài nước (COLAB), 13/03/2026",
        "valid_from": datetime.date(2026, 3, 13),
        "valid_to": datetime.date(2026, 12, 31),
        "status": "confirmed",
        "checked_on": CHECKED,
        "order": 10,
    },
    {
        "where": ("programme", "korea", "eps"),
        "kind": "pass_mark",
        "label_vi": "Điểm đỗ EPS-TOPIK năm 2025 (thang 200 điểm)",
        "label_en": "EPS-TOPIK pass marks in 2025 (out of 200)",
        "amount": Decimal("110"),
        "value_vi": "Năm 2025: 110 điểm ngành sản xuất, 80 điểm ngành nông nghiệp. Điểm đỗ mỗi "
        "năm một khác.",
        "value_en": "2025: 110 points for manufacturing, 80 for agriculture. The marks change "
        "every year.",
        "document": "Kết quả thi EPS-TOPIK năm 2025, Trung tâm Lao động ngoài nước (COLAB)",
        "valid_from": datetime.date(2025, 1, 1),
        "note_vi": "Chưa có điểm đỗ năm 2026 được xác nhận.",
        "note_en": "No 2026 pass marks confirmed yet.",
        "order": 20,
    },
    {
        "where": ("programme", "korea", "eps"),
        "kind": "state_charge",
        "label_vi": "COLAB thu: tiền ký quỹ (gửi ngân hàng, trả lại khi về nước đúng hạn)",
        "label_en": "COLAB collects: the deposit (held in a bank, returned when you come home "
        "on time)",
        "amount": Decimal("100000000"),
        "currency": "VND",
        "value_vi": "100.000.000 ₫ trong đợt thí điểm năm 2020; nộp trong 35 ngày sau khi ký "
        "hợp đồng với COLAB. Có thể vay Ngân hàng Chính sách xã hội tối đa 100.000.000 ₫.",
        "value_en": "100.000.000 ₫ in the 2020 pilot; paid within 35 days of signing with "
        "COLAB. A loan of up to 100.000.000 ₫ from the Bank for Social Policies.",
        "document": "Thí điểm ký quỹ năm 2020; Quyết định 16/2023/QĐ-TTg (vay ký quỹ)",
        "valid_from": datetime.date(2020, 1, 1),
        "note_vi": "Mức ký quỹ hiện hành chưa được xác nhận: hỏi COLAB hoặc trung tâm.",
        "note_en": "The current deposit is not confirmed: ask COLAB or the centre.",
        "order": 30,
    },
    {
        "where": ("programme", "korea", "eps"),
        "kind": "state_charge",
        "label_vi": "COLAB thu: lệ phí thi tiếng Hàn và thi tay nghề",
        "label_en": "COLAB collects: the Korean test and skills test fees",
        "value_vi": "Theo mức COLAB thông báo cho mỗi kỳ thi, có biên lai.",
        "value_en": "As COLAB announces for each round, with a receipt.",
        "document": "Thông báo tuyển chọn của Trung tâm Lao động ngoài nước (COLAB)",
        "valid_from": KNOWN_2026,
        "note_vi": "Số tiền chưa được xác nhận.",
        "note_en": "The amount is not confirmed.",
        "order": 31,
    },
    {
        "where": ("programme", "korea", "eps"),
        "kind": "state_charge",
        "label_vi": "Bạn tự trả theo giá thật: khám sức khỏe, hộ chiếu, lý lịch tư pháp, visa, "
        "vé máy bay",
        "label_en": "You pay at their real price: health check, passport, judicial record, "
        "visa, air ticket",
        "value_vi": "Theo giá thật, có biên lai. Không qua trung gian.",
        "value_en": "At their real price, with receipts. No middlemen.",
        "document": "Thông báo tuyển chọn của Trung tâm Lao động ngoài nước (COLAB)",
        "valid_from": KNOWN_2026,
        "order": 32,
    },
    # --- Germany
    {
        "where": ("programme", "germany", "nursing"),
        "kind": "usual_wage",
        "label_vi": "Lương tháng thường gặp",
        "label_en": "Usual monthly wage",
        "amount": Decimal("2300"),
        "amount_max": Decimal("3200"),
        "currency": "EUR",
        "document": DEMO_WAGE_VI,
        "valid_from": datetime.date(2025, 11, 1),
        "note_vi": DEMO_NOTE_VI,
        "note_en": DEMO_NOTE_EN,
        "order": 20,
    },
    # --- China: the Lào Cai - Hà Khẩu cross-border pilot
    {
        "where": ("programme", "china", "lao-cai-ha-khau"),
        "kind": "places",
        "label_vi": "Lao động Lào Cai đã sang Hà Khẩu làm việc, 2017-2019",
        "label_en": "Lào Cai workers who went to Hà Khẩu, 2017-2019",
        "amount": Decimal("1051"),
        "value_vi": "1.051 người, làm việc theo hợp đồng tại Công ty TNHH khoa học kỹ thuật Huệ "
        "Hồng, huyện Hà Khẩu, tỉnh Vân Nam.",
        "value_en": "1,051 workers, under contract with the Huệ Hồng science and technology "
        "company in Hà Khẩu county, Yunnan.",
        "document": LAO_CAI_REPORT,
        "valid_from": datetime.date(2017, 1, 1),
        "order": 10,
    },
    {
        "where": ("programme", "china", "lao-cai-ha-khau"),
        "kind": "other",
        "label_vi": "Tiền lương, chi phí và điều kiện",
        "label_en": "Wages, costs and conditions",
        "value_vi": "Chưa có số liệu được xác nhận. Không nộp tiền cho ai trước khi văn phòng "
        "xác nhận chương trình và doanh nghiệp.",
        "value_en": "No confirmed figures yet. Pay no one before the centre confirms the "
        "programme and the enterprise.",
        "document": LAO_CAI_REPORT,
        "valid_from": datetime.date(2022, 4, 30),
        "order": 20,
    },
    # --- Labour management boards at Vietnam's missions: no phone number has been checked
    # against an official list, so none is written (the help-request page says so).
    *[
        {
            "where": ("market", code),
            "kind": "labour_board",
            "label_vi": label_vi,
            "label_en": label_en,
            "value_vi": "Hỏi văn phòng số đang dùng.",
            "value_en": "Ask the centre for the number in use.",
            "document": "Danh bạ cơ quan đại diện Việt Nam ở nước ngoài (Bộ Ngoại giao)",
            "valid_from": KNOWN_2026,
            "note_vi": "Chưa đối chiếu số điện thoại với danh bạ chính thức.",
            "note_en": "The phone number is not yet checked against the official list.",
            "order": 80,
        }
        for code, label_vi, label_en in [
            (
                "japan",
                "Ban Quản lý lao động, Đại sứ quán Việt Nam tại Nhật Bản",
                "Labour management board, Embassy of Vietnam in Japan",
            ),
            (
                "korea",
                "Ban Quản lý lao động, Đại sứ quán Việt Nam tại Hàn Quốc",
                "Labour management board, Embassy of Vietnam in Korea",
            ),
            (
                "taiwan",
                "Ban Quản lý lao động, Văn phòng Kinh tế và Văn hóa Việt Nam tại Đài Bắc",
                "Labour management board, Vietnam Economic and Cultural Office in Taipei",
            ),
        ]
    ],
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


def seed_reference_data() -> None:
    """Rates, markets, programmes, legal figures and departures (no users needed)."""
    services.national_rules_ensure()
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
        Programme.objects.update_or_create(market=market, code=code, defaults=fields)
    _seed_figures(markets)
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


def _seed_figures(markets: dict[str, Market]) -> None:
    """Each figure once, through the service (so its history starts); an administrator's
    later change is never overwritten."""
    for data in FIGURES:
        fields = dict(data)
        where = fields.pop("where")
        if where[0] == "market":
            scope: dict[str, Any] = {"market": markets[where[1]], "programme": None}
        else:
            programme = Programme.objects.get(market=markets[where[1]], code=where[2])
            scope = {"market": None, "programme": programme}
        if LegalFigure.objects.filter(
            kind=fields["kind"],
            label_vi=fields["label_vi"],
            valid_from=fields["valid_from"],
            **scope,
        ).exists():
            continue
        fields.setdefault("document", "")
        services.legal_figure_save(
            figure=LegalFigure(**scope, **fields), by=None, reason="Demo data"
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
        if (
            Notice.objects.unscoped("demo data: the named notices")
            .filter(title=title, province=province)
            .exists()
        ):
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


COUNSELLOR_EMAIL = "tuvan.laocai@mrc.demo"


def _seed_complaints(lao_cai: Province | None) -> None:
    """A worker's complaint closed with money recovered, and a visitor's still received."""
    worker = User.objects.filter(phone="+84912345001").first()
    counsellor = User.objects.filter(email=COUNSELLOR_EMAIL).first()
    hoang_lien = Enterprise.objects.filter(licence_number="901/LĐTBXH-GP").first()
    if lao_cai is None or worker is None or counsellor is None or hoang_lien is None:
        return
    if (
        Complaint.objects.unscoped("demo data: Lào Cai's complaints")
        .filter(province=lao_cai)
        .exists()
    ):
        return
    recovered = services.complaint_lodge(
        province=lao_cai,
        kind=ComplaintKind.FEES_OVER_CAP,
        what_happened="Công ty thu phí dịch vụ 90 triệu đồng cho hợp đồng 3 năm đi Nhật, "
        "cao hơn mức luật cho phép (3 tháng lương). Có biên lai.",
        complainant_name=worker.name,
        complainant_phone=worker.phone or "",
        enterprise=hoang_lien,
        amount_paid=Decimal(90_000_000),
        amount_claimed=Decimal(30_000_000),
        by=worker,
    )
    services.complaint_take(complaint=recovered, by=counsellor, note="Đã gọi cho người lao động.")
    services.complaint_close(
        complaint=recovered,
        by=counsellor,
        outcome=ComplaintOutcome.RECOVERED,
        amount_recovered=Decimal(30_000_000),
        note="Làm việc với công ty; công ty trả lại phần thu vượt.",
    )
    services.complaint_lodge(
        province=lao_cai,
        kind=ComplaintKind.DEPOSIT_NOT_RETURNED,
        what_happened="Nộp 20 triệu tiền đặt cọc cho anh Tùng để đi Đài Loan, "
        "không đi được nhưng không trả lại tiền.",
        complainant_name="Vàng A Sử",
        complainant_phone="+84987654321",
        broker_name="Anh Tùng (môi giới ở Bảo Thắng)",
        broker_phone="0977 000 111",
        amount_paid=Decimal(20_000_000),
        amount_claimed=Decimal(20_000_000),
    )


@transaction.atomic
def seed_markets() -> None:
    """Demo markets, programmes, figures, enterprises and notices; running it twice adds
    nothing."""
    seed_reference_data()
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    manager = User.objects.filter(email=MANAGER_EMAIL).first()
    lao_cai = Province.objects.filter(code=LAO_CAI).first()
    _seed_enterprises(admin)
    _seed_notices(admin, manager, lao_cai)
    _seed_complaints(lao_cai)
