from django.db import migrations

# Law 69/2020/QH14 Art. 44 requires the pre-departure orientation certificate (giáo dục định
# hướng, Art. 65) before a worker leaves: it belongs on everyone's checklist.
CODE = "orientation_certificate"


def add_type(apps, schema_editor):
    DocumentType = apps.get_model("workers", "DocumentType")
    contract = DocumentType.objects.filter(code="contract").first()
    DocumentType.objects.update_or_create(
        code=CODE,
        defaults={
            "name_vi": "Giấy chứng nhận hoàn thành khóa giáo dục định hướng",
            "name_en": "Pre-departure orientation certificate",
            "has_expiry": False,
            "required": True,
            "order": (contract.order + 1) if contract else 8,
        },
    )


def remove_type(apps, schema_editor):
    apps.get_model("workers", "DocumentType").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("workers", "0012_permanent_residence_and_out_of_poverty")]

    operations = [migrations.RunPython(add_type, remove_type)]
