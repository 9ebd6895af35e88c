"""Each configuration is loaded in a fresh interpreter, as start-up would load it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "mailer": settings.MAILERS["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "hosts": settings.ALLOWED_HOSTS,
    "language": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE,
    "csp": settings.SECURE_CSP,
}))
"""

_OURS = (
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "EMAIL_HOST",
    "SMS_BACKEND",
    "ALLOW_CONSOLE_SMS_IN_PRODUCTION",
    "MFA_ENCRYPTION_KEY",
    "SECURE_SSL_REDIRECT",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


# What production needs besides DEBUG=0 and ALLOWED_HOSTS (security review, finding 10).
GOOD_KEY = "k" * 20 + "-production-like-secret-" + "z" * 30
PRODUCTION = {
    "SECRET_KEY": GOOD_KEY,
    "EMAIL_HOST": "smtp.example",
    "SMS_BACKEND": "accounts.sms.MemoryBackend",
}


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in _OURS}
    clean.update(env, DJANGO_SETTINGS_MODULE="mrc.settings")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def load(**env: str) -> dict:
    result = run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in _OURS}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_environment_runs_on_sqlite_in_process_with_console_email(tmp_path):
    s = load(VAR_DIR=str(tmp_path))

    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(tmp_path / "mrc.sqlite3")
    assert s["eager"] is True
    assert s["broker"] == "memory://"
    assert s["cache"].endswith("LocMemCache")
    assert s["mailer"].endswith("console.EmailBackend")
    assert s["debug"] is True
    assert s["language"] == "vi"
    assert s["tz"] == "Asia/Ho_Chi_Minh"


def test_database_url_switches_on_postgresql_with_persistent_connections():
    s = load(DATABASE_URL="postgresql://mrc:secret@db.internal:5433/mrc")

    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "mrc"
    assert s["conn_max_age"] == 60


def test_redis_url_switches_on_the_broker_and_the_cache():
    s = load(REDIS_URL="redis://cache.internal:6379/0")

    assert s["eager"] is False
    assert s["broker"] == "redis://cache.internal:6379/0"
    assert s["cache"].endswith("RedisCache")


def test_production_is_secure_and_csp_has_no_unsafe_inline():
    s = load(DEBUG="0", ALLOWED_HOSTS="mrc.example,www.mrc.example", **PRODUCTION)

    assert s["debug"] is False
    assert s["hosts"] == ["mrc.example", "www.mrc.example"]
    assert s["hsts"] >= 31_536_000
    assert s["ssl_redirect"] is True
    assert s["session_secure"] is True
    policy = json.dumps(s["csp"])
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_ssl_redirect_can_be_left_to_a_tls_proxy():
    s = load(DEBUG="0", ALLOWED_HOSTS="a.example", SECURE_SSL_REDIRECT="0", **PRODUCTION)

    assert s["ssl_redirect"] is False


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        # Finding 10: insecure defaults are refused with DEBUG off.
        ({**PRODUCTION, "DEBUG": "0", "ALLOWED_HOSTS": "a", "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({**PRODUCTION, "DEBUG": "0", "ALLOWED_HOSTS": "a", "SECRET_KEY": "x" * 60}, "SECRET_KEY"),
        (
            {
                **PRODUCTION,
                "DEBUG": "0",
                "ALLOWED_HOSTS": "a",
                "SECRET_KEY": "change-me-to-a-long-random-string-" + "abcdefgh" * 3,
            },
            "SECRET_KEY",
        ),
        (
            {
                **PRODUCTION,
                "DEBUG": "0",
                "ALLOWED_HOSTS": "a",
                "SECRET_KEY": "django-insecure-development-only-never-in-production",
            },
            "SECRET_KEY",
        ),
        ({**PRODUCTION, "DEBUG": "0", "ALLOWED_HOSTS": "a", "SMS_BACKEND": ""}, "SMS_BACKEND"),
        ({**PRODUCTION, "DEBUG": "0", "ALLOWED_HOSTS": "a", "EMAIL_HOST": ""}, "EMAIL_HOST"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://host-without-db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://h:notaport/db"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        (
            {"DATABASE_CONN_MAX_AGE": "forever", "DATABASE_URL": "postgresql://h/db"},
            "DATABASE_CONN_MAX_AGE",
        ),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_the_variable(env, variable):
    result = manage("check", **env)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert variable in lines[0]


def test_check_deploy_prints_no_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        ALLOWED_HOSTS="mrc.example",
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout


def test_the_console_sms_backend_runs_in_production_only_when_a_variable_says_so():
    s = load(
        DEBUG="0",
        ALLOWED_HOSTS="a.example",
        **{**PRODUCTION, "SMS_BACKEND": "", "ALLOW_CONSOLE_SMS_IN_PRODUCTION": "1"},
    )

    assert s["debug"] is False


def test_email_to_a_mail_server_on_this_machine_must_be_named():
    s = load(DEBUG="0", ALLOWED_HOSTS="a.example", **{**PRODUCTION, "EMAIL_HOST": "localhost"})

    assert s["mailer"].endswith("smtp.EmailBackend")
