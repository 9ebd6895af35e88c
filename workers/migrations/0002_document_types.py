from django.db import migrations

# The checklist of BRIEF item 3; programmes may add types later as data.
TYPES = [
    # code, Vietnamese, English, has expiry, required of everyone
    ("id_card", "Thẻ căn cước", "ID card", True, True),
    ("passport", "Hộ chiếu", "Passport", True, True),
    ("judicial_record", "Phiếu lý lịch tư pháp", "Judicial record", True, True),
    ("health_certificate", "Giấy khám sức khỏe", "Health certificate", True, True),
    ("diploma", "Bằng cấp, chứng chỉ nghề", "Diplomas and vocational certificates", False, False),
    ("language_certificate", "Chứng chỉ ngoại ngữ", "Language certificate", True, False),
    ("priority_proof", "Giấy xác nhận đối tượng ưu tiên", "Proof of priority group", True, False),
    ("contract", "Hợp đồng đã ký", "Signed contract", False, False),
]


def add_types(apps, schema_editor):
    DocumentType = apps.get_model("workers", "DocumentType")
    for order, (code, vi, en, expiry, required) in enumerate(TYPES):
        DocumentType.objects.update_or_create(
            code=code,
            defaults={"name_vi": vi, "name_en": en, "has_expiry": expiry, "required": required,
                      "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("workers", "0001_initial")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
