"""The deployment variables, read as start-up reads them (a fresh interpreter each)."""

import json

import pytest

from tests.mrc.test_settings import run

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "backend": type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "acl": getattr(storage, "default_acl", "n/a"),
    "signed": getattr(storage, "querystring_auth", None),
    "expire": getattr(storage, "querystring_expire", None),
    "overwrite": getattr(storage, "file_overwrite", None),
}))
"""


def probe(**env: str) -> dict[str, object]:
    result = run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_no_environment_uploads_stay_on_local_disk():
    assert probe()["backend"] == "FileSystemStorage"


def test_s3_bucket_switches_uploads_to_a_private_bucket():
    found = probe(
        S3_BUCKET="mrc-uploads",
        S3_ENDPOINT_URL="http://127.0.0.1:9000",
        S3_ACCESS_KEY_ID="k",
        S3_SECRET_ACCESS_KEY="s",
    )

    assert found == {
        "backend": "PrivateS3Storage",
        "bucket": "mrc-uploads",
        "endpoint": "http://127.0.0.1:9000",
        "acl": None,
        "signed": True,
        "expire": 60,
        "overwrite": False,
    }


def test_signed_urls_without_a_bucket_stop_start_up_with_a_reason():
    result = run("import django; django.setup()", PRIVATE_FILES_SIGNED_URLS="1")

    assert result.returncode != 0
    assert "S3_BUCKET" in result.stderr


def test_the_proxy_count_and_networks_are_read_and_a_bad_network_stops_start_up():
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_PROXY_COUNT, "
        "[str(n) for n in settings.TRUSTED_PROXY_NETWORKS])"
    )
    good = run(code, TRUSTED_PROXY_COUNT="2", TRUSTED_PROXIES="172.18.0.0/16, 10.0.0.1")
    bad = run(code, TRUSTED_PROXIES="nginx")
    default = run(code)

    assert good.stdout.strip() == "2 2 ['172.18.0.0/16', '10.0.0.1/32']"
    assert default.stdout.strip() == "0 0 []"
    assert bad.returncode != 0
    assert "TRUSTED_PROXIES" in bad.stderr


SMS_PROBE = (
    "import django; from django.conf import settings; django.setup(); print(settings.SMS_BACKEND)"
)


def test_a_gateway_url_switches_text_messages_to_the_gateway():
    result = run(SMS_PROBE, SMS_GATEWAY_URL="https://sms.example/v1", SMS_GATEWAY_TOKEN="t")

    assert result.stdout.strip() == "accounts.sms.HttpGatewayBackend"
    assert run(SMS_PROBE).stdout.strip() == "accounts.sms.ConsoleBackend"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SMS_GATEWAY_URL": "https://sms.example/v1"}, "SMS_GATEWAY_TOKEN"),
        ({"SMS_GATEWAY_URL": "http://sms.example/v1", "SMS_GATEWAY_TOKEN": "t"}, "https"),
    ],
)
def test_a_gateway_without_a_token_or_over_plain_http_stops_start_up(env, named):
    result = run(SMS_PROBE, **env)

    assert result.returncode != 0
    assert named in result.stderr


def test_esms_keys_switch_text_messages_to_esms_and_a_missing_secret_stops_start_up():
    chosen = run(SMS_PROBE, ESMS_API_KEY="k", ESMS_SECRET_KEY="s")
    missing = run(SMS_PROBE, ESMS_API_KEY="k")

    assert chosen.stdout.strip() == "accounts.sms.EsmsBackend"
    assert missing.returncode != 0
    assert "ESMS_SECRET_KEY" in missing.stderr


def test_behind_pgbouncer_server_side_cursors_are_off():
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS', False))"
    )
    url = "postgresql://mrc@127.0.0.1:6432/mrc"

    assert run(code, DATABASE_URL=url, DATABASE_BEHIND_PGBOUNCER="1").stdout.strip() == "True"
    assert run(code, DATABASE_URL=url).stdout.strip() == "False"
    assert run(code, DATABASE_BEHIND_PGBOUNCER="1").returncode != 0


def test_statements_are_prepared_on_postgresql_but_not_behind_pgbouncer():
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "options = settings.DATABASES['default']['OPTIONS']; "
        "print(options.get('server_side_binding'), options.get('prepare_threshold'))"
    )
    url = "postgresql://mrc@127.0.0.1:6432/mrc"

    assert run(code, DATABASE_URL=url).stdout.split() == ["True", "5"]
    assert run(code, DATABASE_URL=url, DATABASE_BEHIND_PGBOUNCER="1").stdout.split() == [
        "True",
        "None",
    ]
    assert run(code, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="0").stdout.split() == [
        "True",
        "None",
    ]
    assert run(code).stdout.split() == ["None", "None"]  # SQLite: nothing to prepare


BACKUP_PROBE = """
import django
from django.conf import settings
django.setup()
entry = settings.CELERY_BEAT_SCHEDULE.get("backup-nightly")
print(entry and sorted(entry["schedule"].hour), entry and sorted(entry["schedule"].minute))
"""


def test_backup_at_sets_the_nightly_backups_time_or_turns_it_off():
    assert run(BACKUP_PROBE, BACKUP_AT="23:40").stdout.split()[-2:] == ["[23]", "[40]"]
    assert run(BACKUP_PROBE, BACKUP_AT="off").stdout.split()[-2:] == ["None", "None"]
    wrong = run(BACKUP_PROBE, BACKUP_AT="25:00")
    assert wrong.returncode != 0 and "BACKUP_AT" in wrong.stderr
