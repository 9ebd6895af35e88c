"""Demo orientation modules: short plain Vietnamese, facts from the portal's legal notes only.

Each module names its sources; anything the notes mark unconfirmed says so in the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Role, User
from markets.models import Market
from orientation import services
from orientation.models import Module, Question

UNCONFIRMED = "(chưa đối chiếu với văn bản chính thức)"


@dataclass(frozen=True)
class Q:
    text: str
    choices: tuple[str, ...]
    correct: int
    explanation: str


@dataclass(frozen=True)
class M:
    title: str
    body: str
    questions: tuple[Q, ...]
    pictogram: str = ""
    #: A lesson about one country (its law and life there): that market's code.
    market: str = ""


MODULES: tuple[M, ...] = (
    M(
        "Quyền của bạn và hợp đồng",
        f"""Đi làm việc ở nước ngoài theo hợp đồng là quyền của bạn, khi bạn **đủ 18 tuổi trở lên**
và tự nguyện đi.

- Mọi khoản tiền bạn phải trả phải **ghi rõ trong hợp đồng**. Đọc kỹ trước khi ký.
- Hỏi rõ: làm việc gì, ở đâu, mấy năm, lương cơ bản bao nhiêu.
- Tiền ký quỹ (nếu có) phải gửi vào **tài khoản ký quỹ ở ngân hàng, đứng tên bạn**. Hết hợp đồng,
  bạn được nhận lại cả tiền lãi.
- Trước khi đi, bạn phải học **giáo dục định hướng** và có chứng chỉ. Doanh nghiệp hoặc tổ chức
  đưa bạn đi tổ chức khóa học và cấp chứng chỉ đó. Học trên trang này **không thay** chứng chỉ.

Nguồn: Luật 69/2020/QH14 (có hiệu lực từ 01/01/2022), Điều 44 và Điều 65.
Quy định về tiền ký quỹ: ghi chú pháp lý của cổng {UNCONFIRMED}.""",
        (
            Q(
                "Bao nhiêu tuổi thì được đi làm việc ở nước ngoài theo hợp đồng?",
                ("Từ 18 tuổi trở lên", "Từ 16 tuổi", "Tuổi nào cũng được"),
                0,
                "Luật 69/2020, Điều 44 khoản 1: người lao động phải từ đủ 18 tuổi trở lên.",
            ),
            Q(
                "Tiền ký quỹ của bạn được giữ ở đâu?",
                (
                    "Trong tài khoản ký quỹ ở ngân hàng, đứng tên bạn",
                    "Nhân viên công ty giữ tiền mặt",
                    "Gửi cho người quen của công ty",
                ),
                0,
                "Tiền ký quỹ gửi ở ngân hàng, đứng tên bạn; hết hợp đồng được trả lại cả lãi.",
            ),
            Q(
                "Ai cấp chứng chỉ giáo dục định hướng trước khi đi?",
                (
                    "Doanh nghiệp hoặc tổ chức đưa bạn đi",
                    "Trang web này, khi bạn học xong",
                    "Không cần chứng chỉ",
                ),
                0,
                "Luật 69/2020, Điều 65: doanh nghiệp hoặc tổ chức đưa bạn đi cấp chứng chỉ. "
                "Học trên trang này giúp bạn chuẩn bị, không thay chứng chỉ.",
            ),
        ),
        pictogram="contract",
    ),
    M(
        "Phí và lừa đảo",
        f"""**Không ai được thu phí môi giới của bạn.** Nếu ai đòi phí môi giới, đó là sai luật.

- **Phí dịch vụ**: phải ghi trong hợp đồng, chỉ thu **sau khi ký hợp đồng**. Tối đa một tháng
  lương cơ bản cho mỗi 12 tháng làm việc; hợp đồng từ 36 tháng trở lên: tối đa 3 tháng lương
  {UNCONFIRMED}.
- **Đi Hàn Quốc theo chương trình EPS**: chỉ qua Trung tâm Lao động ngoài nước (COLAB) của Nhà nước.
  Không doanh nghiệp nào được thu của bạn phí dịch vụ hay phí môi giới.
- Trước khi nộp tiền: **tra cứu giấy phép** của công ty trên cổng này (mục Công ty), hoặc hỏi
  văn phòng tư vấn. Công ty bị thu hồi hay đình chỉ giấy phép thì không được đưa bạn đi.
- Thấy dấu hiệu lừa đảo: báo cho văn phòng ngay, trên cổng này.

Nguồn: Luật 69/2020/QH14, Điều 7 khoản 8 (phí môi giới), Điều 23 (phí dịch vụ).""",
        (
            Q(
                "Công ty có được thu phí môi giới của người lao động không?",
                ("Không, không bao giờ", "Có, tối đa một tháng lương", "Có, nếu đi Nhật"),
                0,
                "Luật 69/2020, Điều 7 khoản 8: không được thu phí môi giới của người lao động.",
            ),
            Q(
                "Đi Hàn Quốc theo EPS, một công ty đòi bạn trả phí dịch vụ. Bạn hiểu thế nào?",
                (
                    "Là sai: EPS đi qua COLAB, không doanh nghiệp nào được thu phí này",
                    "Là bình thường",
                    "Trả để được đi nhanh hơn",
                ),
                0,
                "Chương trình EPS là giữa hai Nhà nước, qua COLAB; doanh nghiệp không được thu "
                "phí dịch vụ hay phí môi giới của người lao động EPS.",
            ),
            Q(
                "Trước khi nộp tiền cho một công ty, bạn nên làm gì?",
                (
                    "Tra cứu giấy phép của công ty trên cổng này hoặc hỏi văn phòng",
                    "Nộp ngay để giữ chỗ",
                    "Tin lời người quen giới thiệu",
                ),
                0,
                "Chỉ công ty có giấy phép còn hiệu lực mới được đưa người đi làm việc "
                "ở nước ngoài.",
            ),
        ),
        pictogram="no-fee",
    ),
    M(
        "Tiền lương và gửi tiền về nhà",
        f"""Biết lương tối thiểu để biết mình có bị trả thiếu không.

- **Hàn Quốc** năm 2026: lương tối thiểu 10.320 won một giờ (2.156.880 won một tháng 209 giờ).
- **Đài Loan** từ 01/01/2026: lương tối thiểu 29.500 Đài tệ một tháng. Công ty dịch vụ
  phía Đài Loan được thu phí dịch vụ hằng tháng tối đa 1.800 / 1.700 / 1.500 Đài tệ
  (năm thứ 1 / 2 / từ năm thứ 3).
  Bạn vẫn không phải trả phí môi giới.
- **Vay vốn** để đi (từ 01/01/2026): vay tới 100% chi phí trước khi đi; khoản vay trên
  200 triệu đồng cần tài sản bảo đảm; thời hạn vay không quá thời hạn hợp đồng.
- Lời khuyên chung (không phải quy định): gửi tiền về nhà qua ngân hàng hoặc dịch vụ chuyển tiền
  chính thức, giữ lại biên lai; trả nợ vay đúng hạn.

Nguồn: mức lương tối thiểu Hàn Quốc 2026; Bộ Lao động Đài Loan (lương tối thiểu, mức phí dịch vụ);
Luật Việc làm 74/2025/QH15 và Nghị định 338/2025/NĐ-CP (vay vốn) {UNCONFIRMED}.""",
        (
            Q(
                "Lương tối thiểu ở Đài Loan từ 01/01/2026 là bao nhiêu?",
                ("29.500 Đài tệ một tháng", "15.000 Đài tệ một tháng", "Không có lương tối thiểu"),
                0,
                "Từ 01/01/2026 lương tối thiểu ở Đài Loan là 29.500 Đài tệ một tháng "
                "(năm 2025: 28.590).",
            ),
            Q(
                "Vay vốn để đi làm việc ở nước ngoài (từ 2026): khoản vay trên bao nhiêu thì cần "
                "tài sản bảo đảm?",
                ("Trên 200 triệu đồng", "Mọi khoản vay", "Không bao giờ cần"),
                0,
                "Theo Nghị định 338/2025: khoản vay trên 200 triệu đồng cần tài sản bảo đảm.",
            ),
            Q(
                "Gửi tiền về nhà thế nào cho an toàn?",
                (
                    "Qua ngân hàng hoặc dịch vụ chuyển tiền chính thức, giữ biên lai",
                    "Đưa tiền mặt cho người lạ mang về",
                    "Gửi cho người môi giới giữ hộ",
                ),
                0,
                "Đây là lời khuyên chung: kênh chính thức có biên lai, "
                "khi mất tiền còn có giấy tờ.",
            ),
        ),
        pictogram="money-home",
    ),
    M(
        "Khi gặp khó khăn: gọi ai",
        """Bị nợ lương, bị giữ hộ chiếu hay giấy tờ, bị đánh đập, bị ốm hay tai nạn,
hợp đồng bị đổi, muốn về nước: **đừng im lặng**.

- **Hàn Quốc**: gọi số **1350** (đường dây hỗ trợ người lao động nước ngoài).
- **Đài Loan**: gọi số **1955** (có tiếng Việt).
- **Nhật Bản**: số đường dây hỗ trợ chưa được cổng này xác nhận; hãy hỏi văn phòng tư vấn.
- Gọi **văn phòng tư vấn của tỉnh** bạn: số điện thoại ở cuối mỗi trang của cổng này.
  Gia đình bạn ở Việt Nam cũng có thể gọi văn phòng thay bạn.
- Ghi lại: ngày, giờ, việc gì xảy ra, tên người liên quan. Chụp ảnh giấy tờ, phiếu lương.

Nguồn: ghi chú pháp lý của cổng (đường dây 1350, 1955). Số hỗ trợ ở Nhật: chưa xác nhận.""",
        (
            Q(
                "Làm việc ở Hàn Quốc và bị nợ lương, bạn gọi số nào?",
                ("1350", "1955", "113"),
                0,
                "1350 là đường dây hỗ trợ người lao động nước ngoài ở Hàn Quốc.",
            ),
            Q(
                "Đường dây 1955 ở Đài Loan có nói tiếng Việt không?",
                ("Có", "Không", "Chỉ nói tiếng Anh"),
                0,
                "Đường dây 1955 ở Đài Loan có hỗ trợ bằng tiếng Việt.",
            ),
            Q(
                "Gia đình ở Việt Nam có thể làm gì khi bạn gặp khó khăn ở nước ngoài?",
                (
                    "Gọi văn phòng tư vấn của tỉnh để nhờ giúp thay bạn",
                    "Không làm được gì",
                    "Chỉ chờ bạn về",
                ),
                0,
                "Văn phòng tư vấn của tỉnh nhận tin từ gia đình và liên hệ để giúp bạn.",
            ),
        ),
        pictogram="phone",
    ),
    M(
        "Về nước",
        f"""Hết hợp đồng, hãy về nước đúng hạn và báo cho văn phòng tư vấn của tỉnh.

- **Tiền ký quỹ** được trả lại cho bạn cả tiền lãi khi hết hợp đồng.
- Nếu phải về trước hạn **không phải do lỗi của bạn**, phần phí dịch vụ tương ứng với thời gian
  chưa làm được trả lại {UNCONFIRMED}.
- Ở lại quá hạn là cư trú trái phép và có thể làm bạn mất cơ hội đi làm việc lại sau này.
  Ví dụ: chương trình EPS không nhận người từng bị trục xuất khỏi Hàn Quốc.
- Về nhà, văn phòng giúp bạn: tìm việc làm, vay vốn, công nhận kỹ năng đã học ở nước ngoài.

Nguồn: Luật 69/2020/QH14, Điều 23 (hoàn phí dịch vụ); điều kiện EPS của COLAB (2026).""",
        (
            Q(
                "Hết hợp đồng, tiền ký quỹ của bạn thế nào?",
                ("Được trả lại, cả tiền lãi", "Mất luôn", "Công ty giữ lại"),
                0,
                "Tiền ký quỹ ở ngân hàng đứng tên bạn, trả lại cả lãi khi hết hợp đồng.",
            ),
            Q(
                "Ở lại Hàn Quốc quá hạn rồi bị trục xuất, sau này bạn có đi EPS lại được không?",
                (
                    "Không: EPS không nhận người từng bị trục xuất",
                    "Được, không sao",
                    "Được nếu trả phí",
                ),
                0,
                "Một điều kiện của EPS (COLAB): chưa từng bị trục xuất khỏi Hàn Quốc.",
            ),
            Q(
                "Về nước rồi, văn phòng tư vấn giúp bạn những gì?",
                (
                    "Tìm việc làm, vay vốn, công nhận kỹ năng đã học",
                    "Không giúp gì",
                    "Chỉ giúp người còn ở nước ngoài",
                ),
                0,
                "Văn phòng theo dõi cả khi bạn về: việc làm, vay vốn, chứng chỉ kỹ năng.",
            ),
        ),
        pictogram="home",
    ),
    M(
        "An toàn khi làm việc",
        """Sức khỏe của bạn quý hơn tiền làm thêm. Phần này là **lời khuyên chung**, không phải
quy định của một nước nào.

- Dùng **đồ bảo hộ** nơi làm việc phát: mũ, găng tay, kính, giày. Hỏng thì xin cái mới.
- Chưa được chỉ cách dùng máy thì **đừng tự chạy máy**. Hỏi lại, nhờ người chỉ.
- Bị thương, bị ốm: báo ngay cho người quản lý, đi khám, **giữ lại giấy khám và hóa đơn**.
- Bị ép làm việc nguy hiểm, bị đánh: gọi đường dây hỗ trợ của nước bạn làm việc
  (Hàn Quốc 1350, Đài Loan 1955) hoặc văn phòng tư vấn của tỉnh.

Nguồn: lời khuyên chung của văn phòng; số đường dây hỗ trợ: ghi chú pháp lý của cổng.
Quy định an toàn lao động của từng nước: cổng này chưa có, hãy hỏi trong khóa giáo dục định
hướng của doanh nghiệp.""",
        (
            Q(
                "Nơi làm việc phát mũ và găng tay bảo hộ. Bạn làm gì?",
                ("Đeo khi làm việc; hỏng thì xin cái mới", "Cất đi cho đỡ vướng", "Bán lại"),
                0,
                "Đồ bảo hộ giữ cho bạn không bị thương. Đây là lời khuyên chung.",
            ),
            Q(
                "Bạn bị thương khi làm việc. Việc nào nên làm trước?",
                (
                    "Báo người quản lý, đi khám, giữ giấy khám và hóa đơn",
                    "Giấu đi để không bị trừ lương",
                    "Tự mua thuốc, không nói với ai",
                ),
                0,
                "Giấy khám và hóa đơn giúp bạn đòi quyền lợi sau này.",
            ),
            Q(
                "Chưa ai chỉ cách dùng một cái máy mới. Bạn làm gì?",
                ("Hỏi và nhờ người chỉ rồi mới làm", "Tự bấm thử", "Làm nhanh cho xong"),
                0,
                "Máy lạ dễ gây tai nạn: hãy hỏi trước khi làm.",
            ),
        ),
        pictogram="safety",
    ),
    M(
        "Nhật Bản: luật và cuộc sống",
        f"""Đi Nhật, bạn làm việc theo luật của Nhật và theo hợp đồng đã ký.

- **Chương trình thực tập sinh kỹ năng** được thay bằng chương trình "Việc làm để phát triển
  kỹ năng" từ **tháng 4/2027**.
- **Kỹ năng đặc định số 1**: ở lại làm việc **tối đa 5 năm**.
- **Không ai được thu phí môi giới** của bạn (mức trần phí môi giới đi Nhật là 0).
- Tổ chức phái cử **không được thu tiền đặt cọc hay tiền phạt** của thực tập sinh
  {UNCONFIRMED}.
- Ở lại quá hạn là cư trú trái phép (xem bài "Về nước").
- Số đường dây hỗ trợ ở Nhật (OTIT): cổng này **chưa xác nhận**; hãy hỏi văn phòng tư vấn.
- Phong tục và cách sống ở Nhật: khóa giáo dục định hướng của doanh nghiệp sẽ dạy; cổng này
  chưa có nội dung đã kiểm chứng.

Nguồn: Luật 69/2020/QH14, Điều 7 khoản 8 (phí môi giới); Luật thực tập kỹ năng của Nhật và
bản ghi nhớ hợp tác Việt Nam - Nhật Bản năm 2017 (tiền đặt cọc, tiền phạt) {UNCONFIRMED}.""",
        (
            Q(
                "Kỹ năng đặc định số 1 cho phép làm việc ở Nhật tối đa bao lâu?",
                ("5 năm", "1 năm", "Suốt đời"),
                0,
                "Kỹ năng đặc định số 1: tối đa 5 năm.",
            ),
            Q(
                "Từ tháng 4/2027, chương trình thực tập sinh kỹ năng thế nào?",
                (
                    "Được thay bằng chương trình 'Việc làm để phát triển kỹ năng'",
                    "Vẫn như cũ",
                    "Dừng hẳn, không ai đi Nhật được",
                ),
                0,
                "Từ tháng 4/2027 chương trình mới thay chương trình thực tập sinh kỹ năng.",
            ),
            Q(
                "Tổ chức phái cử đòi bạn nộp tiền đặt cọc để đi thực tập ở Nhật. Bạn hiểu thế nào?",
                (
                    "Là sai: không được thu tiền đặt cọc hay tiền phạt của thực tập sinh",
                    "Là bình thường",
                    "Nộp để được đi sớm",
                ),
                0,
                "Theo luật thực tập kỹ năng của Nhật và bản ghi nhớ năm 2017, tổ chức phái cử "
                "không được thu tiền đặt cọc hay tiền phạt (chưa đối chiếu với văn bản chính "
                "thức). Hãy hỏi văn phòng tư vấn.",
            ),
        ),
        pictogram="law",
        market="japan",
    ),
    M(
        "Hàn Quốc: luật và cuộc sống",
        """Đi Hàn Quốc theo chương trình **EPS** chỉ qua **Trung tâm Lao động ngoài nước (COLAB)**
của Nhà nước.

- Không doanh nghiệp nào được tuyển đi EPS hay thu của bạn phí dịch vụ, phí môi giới.
- Điều kiện: 18 đến 39 tuổi; chưa từng bị phạt tù; **chưa từng bị trục xuất khỏi Hàn Quốc**;
  không mù màu. Thi tiếng Hàn EPS-TOPIK (200 điểm; năm 2025 điểm đỗ: sản xuất 110, nông
  nghiệp 80), rồi thi tay nghề.
- Năm 2026: 4.200 chỗ (sản xuất 3.000, ngư nghiệp 1.000, lâm nghiệp 150, dịch vụ 50).
- **Lương tối thiểu năm 2026**: 10.320 won một giờ, 2.156.880 won một tháng (209 giờ).
- Gặp khó khăn: gọi **1350**.
- Phong tục và cách sống ở Hàn Quốc: khóa giáo dục định hướng sẽ dạy; cổng này chưa có nội
  dung đã kiểm chứng.

Nguồn: COLAB, thông báo ngày 13/03/2026 (điều kiện, số chỗ năm 2026); mức lương tối thiểu
Hàn Quốc năm 2026; ghi chú pháp lý của cổng (đường dây 1350).""",
        (
            Q(
                "Ai đưa người lao động đi Hàn Quốc theo chương trình EPS?",
                (
                    "Chỉ Trung tâm Lao động ngoài nước (COLAB) của Nhà nước",
                    "Bất kỳ công ty nào",
                    "Người quen ở Hàn Quốc",
                ),
                0,
                "EPS là chương trình giữa hai Nhà nước, chỉ qua COLAB.",
            ),
            Q(
                "Lương tối thiểu ở Hàn Quốc năm 2026 là bao nhiêu một giờ?",
                ("10.320 won", "5.000 won", "Không có lương tối thiểu"),
                0,
                "Năm 2026: 10.320 won một giờ, 2.156.880 won một tháng 209 giờ.",
            ),
            Q(
                "Ai không được đi EPS?",
                (
                    "Người từng bị trục xuất khỏi Hàn Quốc",
                    "Người 25 tuổi",
                    "Người đã thi đỗ EPS-TOPIK",
                ),
                0,
                "Một điều kiện của EPS (COLAB, 2026): chưa từng bị trục xuất khỏi Hàn Quốc.",
            ),
        ),
        pictogram="law",
        market="korea",
    ),
    M(
        "Đài Loan: luật và cuộc sống",
        f"""Đi Đài Loan, bạn làm việc theo luật của Đài Loan và theo hợp đồng đã ký.

- **Lương tối thiểu từ 01/01/2026**: 29.500 Đài tệ một tháng (năm 2025: 28.590).
- Công ty dịch vụ phía Đài Loan được thu **phí dịch vụ hằng tháng** tối đa 1.800 / 1.700 /
  1.500 Đài tệ (năm thứ 1 / 2 / từ năm thứ 3). Đó là phí dịch vụ, **không phải phí môi giới**:
  bạn vẫn không phải trả phí môi giới.
- **Khán hộ công gia đình** (chăm người ở nhà) và **hộ lý** (chăm người ở cơ sở) là hai
  việc khác nhau, mức phí khác nhau {UNCONFIRMED}.
- Gặp khó khăn: gọi **1955**, có tiếng Việt.
- Phong tục và cách sống ở Đài Loan: khóa giáo dục định hướng sẽ dạy; cổng này chưa có nội
  dung đã kiểm chứng.

Nguồn: Bộ Lao động Đài Loan (lương tối thiểu 2026, mức phí dịch vụ hằng tháng); Luật
69/2020/QH14, Điều 7 khoản 8 (phí môi giới); ghi chú pháp lý của cổng (đường dây 1955).""",
        (
            Q(
                "Công ty phía Đài Loan thu phí dịch vụ 1.800 Đài tệ một tháng năm đầu. Đó là gì?",
                (
                    "Phí dịch vụ được phép, không phải phí môi giới",
                    "Phí môi giới",
                    "Tiền phạt",
                ),
                0,
                "Bộ Lao động Đài Loan cho thu phí dịch vụ hằng tháng tối đa 1.800 Đài tệ năm "
                "thứ nhất; phí môi giới thì không ai được thu.",
            ),
            Q(
                "Ở Đài Loan, đường dây nào có tiếng Việt?",
                ("1955", "1350", "115"),
                0,
                "Đường dây 1955 ở Đài Loan có hỗ trợ bằng tiếng Việt.",
            ),
            Q(
                "Lương tối thiểu ở Đài Loan từ 01/01/2026 là bao nhiêu?",
                ("29.500 Đài tệ một tháng", "18.000 Đài tệ một tháng", "Tùy chủ"),
                0,
                "Từ 01/01/2026: 29.500 Đài tệ một tháng.",
            ),
        ),
        pictogram="law",
        market="taiwan",
    ),
)


def _question(module: Module, position: int, spec: Q) -> Question:
    """The right answer moves from question to question: never "always the first one"."""
    shift = position % len(spec.choices)
    choices = list(spec.choices[shift:] + spec.choices[:shift])
    return Question(
        module=module,
        order=position,
        text=spec.text,
        choices=choices,
        correct=choices.index(spec.choices[spec.correct]),
        explanation=spec.explanation,
    )


def seed_orientation() -> list[Module]:
    """Create the demo modules once and publish them (audio follows). Idempotent."""
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    markets = {m.code: m for m in Market.objects.filter(code__in={s.market for s in MODULES})}
    made = []
    for order, spec in enumerate(MODULES, start=1):
        module, created = Module.objects.unscoped("demo data: the national modules").get_or_create(
            title=spec.title,
            province=None,
            defaults={
                "body": spec.body,
                "order": order,
                "pictogram": spec.pictogram,
                "image_alt": "",
                "market": markets.get(spec.market),
            },
        )
        if not created and spec.pictogram and not module.pictogram:
            Module.objects.unscoped("demo data: the national modules").filter(pk=module.pk).update(
                pictogram=spec.pictogram
            )
        if created:
            Question.objects.bulk_create(
                _question(module, i, q) for i, q in enumerate(spec.questions, start=1)
            )
        if module.published_at is None and admin is not None:
            services.module_publish(module=module, actor=admin)
        made.append(module)
    return made
