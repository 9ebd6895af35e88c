from django.db import migrations


def load_places(apps, schema_editor):
    from accounts.places import sync_places

    sync_places(apps.get_model("accounts", "Province"), apps.get_model("accounts", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    # Reversing leaves the rows: users and addresses point at them.
    operations = [migrations.RunPython(load_places, migrations.RunPython.noop)]
