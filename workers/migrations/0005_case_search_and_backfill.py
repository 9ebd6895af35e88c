from django.db import migrations


def trigram_index(apps, schema_editor):
    # PostgreSQL only: "contains" on the folded name uses a trigram index; SQLite scans.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_search_name_trgm "
        "ON workers_case USING gin (search_name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_search_name_trgm")


def open_cases(apps, schema_editor):
    """Every profile made before cases existed gets its case."""
    from accounts.text import fold

    WorkerProfile = apps.get_model("workers", "WorkerProfile")
    Case = apps.get_model("workers", "Case")
    for profile in WorkerProfile.objects.filter(case__isnull=True).select_related("user"):
        Case.objects.create(
            profile=profile, province_id=profile.user.province_id,
            search_name=fold(profile.user.name), opened_at=profile.created_at,
        )


class Migration(migrations.Migration):
    dependencies = [("workers", "0004_cases")]

    operations = [
        migrations.RunPython(trigram_index, drop_trigram_index),
        migrations.RunPython(open_cases, migrations.RunPython.noop),
    ]
