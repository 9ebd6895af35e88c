"""A backup restored into a fresh database has every row and every file."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.workers.factories import ProfileFactory, jpeg_upload

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["accounts_user", "workers_workerprofile", "workers_case", "workers_document",
          "accounts_commune"]  # fmt: skip


def counts(dbname: str) -> dict[str, int]:
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname=dbname
    ) as conn:
        return {
            t: (conn.execute(f"SELECT count(*) FROM {t}").fetchone() or (0,))[0]  # noqa: S608
            for t in TABLES
        }


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are of PostgreSQL")
def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(settings, tmp_path):
    from workers import services
    from workers.models import DocumentType
    from workers.uploads import clean_upload

    settings.MEDIA_ROOT = tmp_path / "media"
    profile = ProfileFactory()
    document = services.document_upload(
        profile=profile,
        doc_type=DocumentType.objects.get(code="passport"),
        clean=clean_upload(jpeg_upload()),
        original_name="p.jpg",
        expires_on=None,
        priority_group="",
        actor=profile.user,
    )
    call_command("backup", to=str(tmp_path / "backups"))
    [dump] = sorted((tmp_path / "backups").glob("mrc-*.dump"))
    source = connection.settings_dict["NAME"]
    fresh = f"{source}_restore_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{fresh}",
            "MEDIA_ROOT": str(tmp_path / "restored"),
            "DJANGO_SETTINGS_MODULE": "mrc.settings",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        result = subprocess.run(
            [sys.executable, "manage.py", "restore", str(dump)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert counts(fresh) == counts(source)
        restored = tmp_path / "restored" / document.file.name
        assert restored.read_bytes() == Path(document.file.path).read_bytes()
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are of PostgreSQL")
def test_a_backup_is_readable_by_its_owner_only_and_lists_the_files_it_could_not_take(
    settings, tmp_path
):
    from workers import services
    from workers.models import DocumentType
    from workers.uploads import clean_upload

    settings.MEDIA_ROOT = tmp_path / "media"
    profile = ProfileFactory()
    kept, gone = (
        services.document_upload(
            profile=profile,
            doc_type=DocumentType.objects.get(code=code),
            clean=clean_upload(jpeg_upload()),
            original_name="p.jpg",
            expires_on=None,
            priority_group="",
            actor=profile.user,
        )
        for code in ("passport", "id_card")
    )
    # A file deleted between the snapshot and the archive: its row is in the dump.
    Path(gone.file.path).unlink()
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o755)

    call_command("backup", to=str(folder))

    assert folder.stat().st_mode & 0o777 == 0o700
    files = sorted(folder.iterdir())
    # The dump, the archive and the counts of every table.
    assert len(files) == 3 and {f.stat().st_mode & 0o777 for f in files} == {0o600}
    import tarfile

    with tarfile.open(next(folder.glob("media-*.tar.gz"))) as archive:
        names = archive.getnames()
        assert kept.file.name in names and gone.file.name not in names
        assert archive.extractfile("MISSING.txt").read().decode().split() == [gone.file.name]
