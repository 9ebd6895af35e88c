from django.db import migrations

BODY_VI = """Trung tâm thu thập thông tin cá nhân của bạn để tư vấn, hỗ trợ và theo dõi bạn khi đi làm việc ở nước ngoài theo hợp đồng.

Một số thông tin là dữ liệu nhạy cảm: dân tộc, sức khỏe, hoàn cảnh kinh tế gia đình, lý lịch tư pháp. Chỉ bạn và cán bộ của tỉnh nơi bạn sống được xem; mỗi lần cán bộ xem đều được ghi lại.

Thông tin chỉ dùng cho việc tư vấn, hỗ trợ, vay vốn, giới thiệu việc làm và thống kê của cơ quan lao động. Không bán, không đưa cho doanh nghiệp khi bạn chưa đồng ý.

Bạn có quyền xem, sửa, tải về và yêu cầu xóa dữ liệu của mình bất cứ lúc nào (Nghị định 13/2023/NĐ-CP, Luật Bảo vệ dữ liệu cá nhân 2025)."""

BODY_EN = """The centre collects your personal data to advise you, support you and follow you while you work abroad under contract.

Some of it is sensitive: ethnicity, health, your household's economic situation, criminal record. Only you and the staff of the province where you live can see it; every time a staff member looks, it is recorded.

The data is used only for advice, support, loans, job placement and the labour authority's statistics. It is not sold, and not given to any company without your agreement.

You may see, correct, download and ask to delete your data at any time (Decree 13/2023/ND-CP, Personal Data Protection Law 2025)."""


def add_v1(apps, schema_editor):
    ConsentText = apps.get_model("accounts", "ConsentText")
    ConsentText.objects.get_or_create(version=1, defaults={"body_vi": BODY_VI, "body_en": BODY_EN})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_consent")]

    operations = [migrations.RunPython(add_v1, migrations.RunPython.noop)]
