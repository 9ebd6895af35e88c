from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workers", "0012_personal_id_normalised")]

    operations = [
        migrations.AddConstraint(
            model_name="workerprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("personal_id__isnull", True),
                    ("personal_id__regex", "^[0-9]{12}$"),
                    _connector="OR",
                ),
                name="personal_id_twelve_ascii_digits",
            ),
        ),
    ]
