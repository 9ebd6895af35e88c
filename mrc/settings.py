"""Settings of the MRC portal, read from the environment.

With no environment at all the portal runs for a newcomer: a SQLite file under var/,
Celery tasks in-process, email printed to the console, DEBUG on. DATABASE_URL and
REDIS_URL switch on PostgreSQL and Redis; DEBUG=0 is production and wants SECRET_KEY.
"""

import ipaddress
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from mrc.env import ConfigError, database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")) or "")

DEBUG = env_bool("DEBUG", True)

_DEVELOPMENT_KEY = "django-insecure-development-only-never-in-production"
_secret = env_str("SECRET_KEY")
if _secret is None:
    if not DEBUG:
        raise ConfigError("SECRET_KEY must be set when DEBUG is off (a long random string).")
    _secret = _DEVELOPMENT_KEY
elif not DEBUG and (
    # Short, repetitive, Django's insecure prefix, or a placeholder from our own files.
    len(_secret) < 50
    or len(set(_secret)) < 5
    or _secret.startswith("django-insecure")
    or "change-me" in _secret.lower()
    or "changeme" in _secret.lower()
):
    raise ConfigError(
        "SECRET_KEY is too short or a known value: with DEBUG off use at least 50 random "
        "characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "mrc",
    "accounts",
    "notifications",
    "markets",
    "workers",
    "loans",
    "fairs",
    "orientation",
    "assistance",
    "reports",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (static files are whitenoise's, pre-compressed). BREACH: Django masks
    # the CSRF token on every response and adds random bytes to each gzip header
    # ("Heal the Breach"); see docs/phone-performance.md.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose process_view reads the body: a body over the view's limit is
    # refused (413) from its Content-Length, unread.
    "accounts.limits.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PrivatePagesNoStoreMiddleware",
    "mrc.middleware.VietnameseFirstLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RateLimitedMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.StaffSessionTimeoutMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
    "mrc.middleware.ForgetOfflineCopiesOnSignOutMiddleware",
    # Last: it runs the view itself, in the transaction that claims the form's key.
    "accounts.middleware.OnceSubmissionMiddleware",
]

ROOT_URLCONF = "mrc.urls"
WSGI_APPLICATION = "mrc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "markets.context_processors.fraud_reports",
                "notifications.context_processors.unread",
            ],
            # {% once_field %}: the one-time key of every form that creates something;
            # {% url %} remembered per process and |date written out for the portal's
            # formats, each as Django's but faster (accounts/templatetags, docs/performance.md).
            "builtins": [
                "accounts.templatetags.once",
                "accounts.templatetags.remembered_url",
                "accounts.templatetags.plain_dates",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": database_from_url("DATABASE_URL", _database_url)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "mrc.sqlite3",
            "OPTIONS": {
                # WAL lets the dev server read while a task writes; IMMEDIATE avoids
                # "database is locked" when a read transaction upgrades to a write.
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse so a restarted server is survived.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters sent apart from the SQL (psycopg's server-side binding), and a statement
    # a connection has run 5 times kept prepared: PostgreSQL plans a page's queries once per
    # connection instead of on every request. Planning was most of PostgreSQL's time on the
    # case page (8.5 -> 2.2 ms of CPU a view, docs/performance.md). Off behind PgBouncer in
    # transaction pooling (below) or with DATABASE_PREPARED_STATEMENTS=0.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],  # type: ignore[dict-item]  # a dict from database_from_url
        "server_side_binding": True,
        "prepare_threshold": 5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None,
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery ----------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://")

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, or this process's memory while Redis is down: pages must not fail
            # because a rate-limit counter cannot be read.
            "BACKEND": "mrc.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mrc",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than any countdown or ETA we use, so a late-acked task is not redelivered early.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 60 * 60}
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# Daily jobs send their work in chunks of this many ids, one task each, so every worker takes
# a share; a missed day is caught up, at most this many days back (notifications.jobs).
JOB_CHUNK_SIZE = env_int("JOB_CHUNK_SIZE", 500)
JOB_CATCH_UP_DAYS = env_int("JOB_CATCH_UP_DAYS", 7)
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    "purge-submission-keys": {
        "task": "accounts.tasks.purge_submission_keys",
        "schedule": crontab(hour=3, minute=20),
    },
    # Messages whose delivery could not be queued (broker down) go out within 30 s of its
    # return; one whose worker was killed mid-send, within 2 minutes (docs/data-integrity.md).
    "deliver-pending-notifications": {
        "task": "notifications.tasks.deliver_pending",
        # Every 30 s: one indexed query when nothing waits (a partial index on pending).
        "schedule": 30.0,
    },
    # Times are Asia/Ho_Chi_Minh (CELERY_TIMEZONE).
    "follow-up-digest": {
        "task": "workers.tasks.follow_up_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    "documents-expiring": {
        "task": "workers.tasks.documents_expiring",
        "schedule": crontab(hour=8, minute=0),
    },
    "eps-deposit-deadlines": {
        "task": "workers.tasks.eps_deposit_deadlines",
        "schedule": crontab(hour=8, minute=10),
    },
    "contracts-ending": {
        "task": "workers.tasks.contracts_ending",
        "schedule": crontab(hour=6, minute=30),
    },
    "returns-overdue": {
        "task": "workers.tasks.returns_overdue",
        "schedule": crontab(hour=6, minute=40),
    },
    "weekly-summary": {
        "task": "workers.tasks.weekly_summary",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    "publish-due-notices": {"task": "markets.tasks.publish_due_notices", "schedule": 60.0},
    "expire-due-notices": {"task": "markets.tasks.expire_due_notices", "schedule": 300.0},
    "fairs-remind-tomorrow": {
        "task": "fairs.tasks.remind_tomorrow",
        "schedule": crontab(hour=17, minute=0),
    },
    "support-waiting": {
        "task": "loans.tasks.remind_waiting_applications",
        "schedule": crontab(hour=7, minute=15),
    },
    "transfers-expire": {
        "task": "workers.tasks.transfers_expire",
        "schedule": crontab(hour=6, minute=50),
    },
    # Help requests from abroad not contacted within HELP_FIRST_CONTACT_HOURS: each once.
    "help-first-contact-overdue": {
        "task": "assistance.tasks.first_contact_overdue",
        "schedule": crontab(minute="*/15"),
    },
    "anonymise-due-deletions": {
        "task": "workers.tasks.anonymise_due_deletions",
        "schedule": crontab(hour=2, minute=30),
    },
    # The accounting minimum a province keeps of support it paid for a worker who moved
    # away (loans.KeptSupportRecord) goes the day after its keep_until.
    "kept-support-records-expire": {
        "task": "loans.tasks.kept_support_records_expire",
        "schedule": crontab(hour=2, minute=40),
    },
    # A daily job whose hour passed while beat was down, or whose run failed, is started
    # again at the next hour's 45th minute (notifications.jobs; JobMark).
    "daily-jobs-catch-up": {
        "task": "notifications.tasks.jobs_catch_up",
        "schedule": crontab(minute=45),
    },
    # The national view's monthly counts (reports.MonthlyFigure): ~5 s at a million workers.
    "monthly-figures-rebuild": {
        "task": "reports.tasks.monthly_figures_rebuild",
        "schedule": 600.0,
    },
}

# --- Accounts, allauth and MFA --------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, refusing demo accounts where they are not allowed.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "request_login_code": "accounts.forms.RequestLoginCodeForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
# A worker signs up with a phone number or an email, at least one: SignupForm checks it.
ACCOUNT_SIGNUP_FIELDS = ["phone", "email", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
# Six digits: easy to type on a phone keypad, and attempts are limited (3 per code).
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_PREVENT_ENUMERATION = True
# Every limit is written out, so an allauth upgrade cannot loosen one unnoticed. "key" is
# one account (email or phone number), "ip" one address, "user" one signed-in person.
# Per-address limits stay loose: a centre's Wi-Fi at a job fair, and mobile carriers'
# shared addresses, put many honest people behind one address. What allauth answers with
# its 429 page waits 15 minutes at most, which is what templates/429.html promises.
ACCOUNT_RATE_LIMITS = {
    # Wrong passwords, and wrong second-factor codes (allauth counts both here): 5 per
    # account in 15 minutes, then even the right one waits. That is 480 guesses a day at
    # most; a worker locked out this way can still sign in with a code by text message.
    "login_failed": "10/m/ip,5/15m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    # Each request sends a code, and 3 wrong tries end a code: 3 codes per account in 15
    # minutes allow 9 guesses of a 6-digit code, under 1 in 1,000 odds a day of taking an
    # account over; allauth's 3 or 5 codes a minute give 1 in 80 to 1 in 50. And each text
    # message costs the centre money.
    "request_login_code": "20/m/ip,3/15m/key",
    "reset_password": "20/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
    # Phone verification codes (sign-up, new number, resend): a text message each. Counted
    # per number (one every 30 seconds, 3 in 15 minutes), with a far higher ceiling per
    # address: behind a carrier's NAT or a centre's Wi-Fi, the next person must still get
    # their code (issue 16, point 13). allauth counts under a cache lock, so a burst at
    # once is counted as one by one.
    "verify_phone": "1/30s/key,3/15m/key,15/m/ip,200/h/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "change_phone": "1/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MRC] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP secrets and recovery-code seeds are encrypted in the database (accounts.mfa) with
# this key, which stays out of the database and its backups. By default it is derived from
# SECRET_KEY: set MFA_ENCRYPTION_KEY on its own before ever changing SECRET_KEY, or every
# staff member's authenticator stops working.
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_ENCRYPTION_KEY = env_str("MFA_ENCRYPTION_KEY") or "mfa:" + SECRET_KEY
MFA_TOTP_ISSUER = "MRC"
# Accept the code of the 30-second step before or after: the clocks of cheap phones drift,
# and a code typed as its step ends would otherwise be refused. A used code stays used.
MFA_TOTP_TOLERANCE = 1
# Tracking "last seen" writes a row on every request; the sessions list works without it.
USERSESSIONS_TRACK_ACTIVITY = False

# SMS leaves through an adapter; the console backend prints, nothing goes on the network.
SMS_BACKEND = env_str("SMS_BACKEND", "accounts.sms.ConsoleBackend")
# The console backend writes every sign-in code, with the phone number, into the web log:
# with DEBUG off it is refused unless this variable says it was meant.
ALLOW_CONSOLE_SMS_IN_PRODUCTION = env_bool("ALLOW_CONSOLE_SMS_IN_PRODUCTION", False)
if not DEBUG and SMS_BACKEND.endswith(".ConsoleBackend") and not ALLOW_CONSOLE_SMS_IN_PRODUCTION:
    raise ConfigError(
        "SMS_BACKEND is the console backend, which writes sign-in codes and phone numbers to "
        "the log: with DEBUG off set SMS_BACKEND to a provider's backend, or "
        "ALLOW_CONSOLE_SMS_IN_PRODUCTION=1 if that is really meant."
    )

# Personal IDs are checked against the national population database through an adapter
# (workers.population, docs/id-verification.md). In development the fake register answers;
# with DEBUG off the default answers "unknown" to everything until the real connector is
# set, so a fake can never mark a file verified in production.
ID_VERIFICATION_BACKEND = env_str(
    "ID_VERIFICATION_BACKEND",
    "workers.population.FakeBackend" if DEBUG else "workers.population.UnconfiguredBackend",
)

# --- Email ----------------------------------------------------------------------------

# Development prints email to the console; production sends by SMTP to EMAIL_HOST, which
# must be named (`localhost` for a mail server on the same machine): an unset variable
# used to send every email to localhost:25 by accident.
_email_host = env_str("EMAIL_HOST")
if _email_host is None and not DEBUG:
    raise ConfigError(
        "EMAIL_HOST must be set when DEBUG is off: the SMTP server, or localhost for a mail "
        "server on this machine."
    )
if _email_host is None and DEBUG:
    MAILERS: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host or "localhost",
                "port": env_int("EMAIL_PORT", 587 if _email_host else 25),
                "username": env_str("EMAIL_HOST_USER", "") or "",
                "password": env_str("EMAIL_HOST_PASSWORD", "") or "",
                "use_tls": env_bool("EMAIL_USE_TLS", _email_host is not None),
                "timeout": 20,
            },
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MRC <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Language, time -------------------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "_allauth"]
LANGUAGE_COOKIE_NAME = "mrc_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["mrc.formats"]

# --- Static and uploaded files --------------------------------------------------------

STATIC_URL = "/static/"
#: Where allauth's sign-out form posts: the response clears the phone's offline copies.
LOGOUT_PATH = "/accounts/logout/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploaded documents are private: MEDIA_ROOT has no URL and is served only through views
# that check permission.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")) or "")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
# Request bodies (accounts.limits): a view that takes files says its own limit with
# @body_limit (documents 10 MB, fraud report 3 x 5 MB, imports); any other request may be
# at most REQUEST_MAX_BYTES, the admin site ADMIN_REQUEST_MAX_BYTES. Refused before reading.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 3 * 1024 * 1024)
ADMIN_REQUEST_MAX_BYTES = env_int("ADMIN_REQUEST_MAX_BYTES", 11 * 1024 * 1024)
# Django's own limits, written out: form fields (not files) at most 2.5 MB, and files over
# 2.5 MB go to a temporary file rather than memory (bounded by the limits above).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- Security -------------------------------------------------------------------------

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # allauth draws the TOTP QR code as a data: URI.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Database sessions that answer an outage with the 503 page, not a 400 (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 60 * 60)
# Staff sign-ins end sooner: after 30 minutes idle, and 12 hours after sign-in at most.
STAFF_IDLE_SECONDS = env_int("STAFF_IDLE_SECONDS", 30 * 60)
STAFF_ABSOLUTE_SECONDS = env_int("STAFF_ABSOLUTE_SECONDS", 12 * 60 * 60)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The container health check calls /healthz over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # allauth wants one login method required at sign-up; ours asks for a phone number or
    # an email, either one, and SignupForm enforces that.
    "account.W001",
]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Covering indexes (workers.Case) are a PostgreSQL speed-up; SQLite makes them plain.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
if not env_bool("SECURE_HSTS_PRELOAD", False):
    # Submitting a domain to the browsers' HSTS preload lists is the operator's decision.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# --- Logging --------------------------------------------------------------------------

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Days between a worker's deletion request and the erasure of their personal data, so a
# counsellor can close open matters (a loan, a departure) first.
WORKER_DATA_RETENTION_DAYS = env_int("WORKER_DATA_RETENTION_DAYS", 30)
# How long a worker has to answer a request to hand their file to another province's office
# before it expires (nothing moves); a counsellor can ask again.
WORKER_TRANSFER_ANSWER_DAYS = env_int("WORKER_TRANSFER_ANSWER_DAYS", 30)

# Days a support application may wait at a step before its reviewer is reminded (twice
# that and the centre managers are told).
SUPPORT_WAITING_DAYS = env_int("SUPPORT_WAITING_DAYS", 7)
# Hours within which a counsellor must first reach a worker who asked for help from abroad;
# after that the request is overdue on the staff home and the province's staff are told.
HELP_FIRST_CONTACT_HOURS = env_int("HELP_FIRST_CONTACT_HOURS", 24)
# The reports dashboard keeps its figures this many seconds for the staff who open it one
# after another (the page says when they were counted); 0 counts them on every visit.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60)

# Fee checks per visitor address in a window: one every 10 seconds is more than a person
# types, and stops a script from mapping every programme's limits. Signed-in staff are not
# counted (they check for walk-ins all day from one office address).
FEE_CHECKS_PER_WINDOW = env_int("FEE_CHECKS_PER_WINDOW", 60)
FEE_CHECK_WINDOW_SECONDS = env_int("FEE_CHECK_WINDOW_SECONDS", 10 * 60)

# AGPL-3.0-or-later: where visitors can get the source of the version that is running.
SOURCE_CODE_URL = env_str("SOURCE_CODE_URL", "") or ""

# Where demo data and the first admin come from; see seed_demo.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "mrc-demo-2026")
# The demo accounts sign in with a published password and second factor: only where DEBUG
# is on. With DEBUG off the portal does not start while they exist, and they cannot sign in.
# Deliberately not an environment variable: nothing turns this on in production.
DEMO_ACCOUNTS_ALLOWED = DEBUG

# ======================================================================================
# --- Deployment past one machine (issue 18) ------------------------------------------
# ======================================================================================
# Object storage, the visitor's address behind proxies, the SMS gateways, health, request
# ids in logs, metrics, error reports. Everything here is off with no environment: files
# on local disk under MEDIA_ROOT, the client address taken from the connection, text
# messages printed, plain logs. docs/deployment.md lists every variable.

# Uploaded files (documents, support attachments, fraud evidence) go to a private
# S3-compatible bucket when S3_BUCKET is set, so every web instance and worker sees the
# same files. Nothing in the bucket is public: the portal's views check permission and
# then stream the file, or (PRIVATE_FILES_SIGNED_URLS=1) redirect to a URL signed for
# S3_SIGNED_URL_SECONDS. Credentials come from S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY,
# or boto3's own AWS_* variables and instance roles.
S3_BUCKET = env_str("S3_BUCKET")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
S3_SIGNED_URL_SECONDS = env_int("S3_SIGNED_URL_SECONDS", 60)
PRIVATE_FILES_SIGNED_URLS = env_bool("PRIVATE_FILES_SIGNED_URLS", False)
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "mrc.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL,
            "region_name": env_str("S3_REGION", "us-east-1"),
            "access_key": env_str("S3_ACCESS_KEY_ID", env_str("AWS_ACCESS_KEY_ID")),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", env_str("AWS_SECRET_ACCESS_KEY")),
            # A prefix inside a shared bucket ("mrc/laocai"); empty: the bucket's root.
            "location": env_str("S3_PREFIX", "") or "",
            # MinIO and most self-hosted servers want path-style addresses.
            "addressing_style": env_str("S3_ADDRESSING_STYLE"),
            "querystring_expire": S3_SIGNED_URL_SECONDS,
        },
    }
elif PRIVATE_FILES_SIGNED_URLS:
    raise ConfigError("PRIVATE_FILES_SIGNED_URLS=1 needs a bucket: set S3_BUCKET.")

# Behind a proxy every request arrives from the proxy. TRUSTED_PROXY_COUNT is how many
# proxies of ours stand in front of gunicorn (1 for the compose nginx; 2 with a CDN or a
# load balancer before it): the visitor's address is then the n-th X-Forwarded-For entry
# from the right, for allauth's limits, the account lock and the portal's own limiters
# (accounts.client_ip). 0, the default, reads REMOTE_ADDR only: a header the visitor can
# type is never a key. TRUSTED_PROXIES (CIDR list) further limits reading the header to
# requests that come from those networks.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT


def _networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return [ipaddress.ip_network(item, strict=False) for item in env_list(name, [])]
    except ValueError as exc:
        raise ConfigError(f"{name} must be IP networks, comma-separated ({exc}).") from None


TRUSTED_PROXY_NETWORKS = _networks("TRUSTED_PROXIES")
if TRUSTED_PROXY_COUNT < 0:
    raise ConfigError("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies.")

# A real SMS sender: SMS_GATEWAY_URL switches SMS_BACKEND (unless it is set) to a JSON
# gateway that takes {"to", "text", "sender", "reference"} with a bearer token
# (accounts.sms.HttpGatewayBackend). Outbox messages are retried by the outbox.
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "") or ""
SMS_GATEWAY_SENDER = env_str("SMS_GATEWAY_SENDER", "MRC") or "MRC"
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
if SMS_GATEWAY_URL:
    _gateway = urlsplit(SMS_GATEWAY_URL)
    if _gateway.scheme != "https" and _gateway.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise ConfigError("SMS_GATEWAY_URL must be https:// (the token and codes travel in it).")
    if not SMS_GATEWAY_TOKEN:
        raise ConfigError("SMS_GATEWAY_URL is set: set SMS_GATEWAY_TOKEN too.")
    if env_str("SMS_BACKEND") is None:
        SMS_BACKEND = "accounts.sms.HttpGatewayBackend"

# /healthz/live and /healthz/ready (mrc.health), answered before the Host check and the
# HTTPS redirect: load balancers ask by IP address over plain HTTP. Beat sends a heartbeat
# job every minute; ready reports how old the last one a worker ran is.
MIDDLEWARE = ["mrc.health.HealthMiddleware", *MIDDLEWARE]
CELERY_BEAT_SCHEDULE["jobs-heartbeat"] = {"task": "mrc.tasks.heartbeat", "schedule": 60.0}

# The nightly backup (mrc/backups.py): database, files and row counts into BACKUP_DIR, a
# copy in the bucket's backups/ when files are in a bucket, the newest BACKUP_KEEP kept.
# BACKUP_AT is the local time (Asia/Ho_Chi_Minh), "off" for none (backups made elsewhere).
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")) or VAR_DIR / "backups")
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
_backup_at = (env_str("BACKUP_AT", "02:00") or "02:00").strip().lower()
if _backup_at != "off":
    _at = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", _backup_at)
    if _at is None:
        raise ConfigError(f"BACKUP_AT must be a time like 02:00 (or off), not {_backup_at!r}.")
    CELERY_BEAT_SCHEDULE["backup-nightly"] = {
        "task": "mrc.tasks.backup_nightly",
        "schedule": crontab(hour=int(_at.group(1)), minute=int(_at.group(2))),
    }

# eSMS.vn, a Vietnamese provider (accounts.sms.EsmsBackend): ESMS_API_KEY switches to it
# unless SMS_BACKEND is set; SMS_GATEWAY_SENDER is the brandname registered with eSMS.
ESMS_API_KEY = env_str("ESMS_API_KEY", "") or ""
ESMS_SECRET_KEY = env_str("ESMS_SECRET_KEY", "") or ""
ESMS_URL = env_str(
    "ESMS_URL", "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
)
# 1: eSMS checks each request and answers, but sends nothing and charges nothing.
ESMS_SANDBOX = env_bool("ESMS_SANDBOX", False)
if ESMS_API_KEY:
    if not ESMS_SECRET_KEY:
        raise ConfigError("ESMS_API_KEY is set: set ESMS_SECRET_KEY too.")
    if env_str("SMS_BACKEND") is None:
        SMS_BACKEND = "accounts.sms.EsmsBackend"

# A request id on every log line, of the request and of the tasks it queued
# (mrc.request_log); LOG_FORMAT=json writes one JSON object a line for a log collector.
MIDDLEWARE.insert(1, "mrc.request_log.RequestIdMiddleware")
LOGGING["filters"] = {"request_id": {"()": "mrc.request_log.RequestIdFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
LOGGING["formatters"]["json"] = {"()": "mrc.request_log.JsonFormatter"}
LOGGING["formatters"]["plain"]["format"] = (
    "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
)
_log_format = env_str("LOG_FORMAT", "plain")
if _log_format not in {"plain", "json"}:
    raise ConfigError(f"LOG_FORMAT={_log_format!r}: use plain or json.")
LOGGING["handlers"]["console"]["formatter"] = _log_format
if _log_format == "json":
    # The worker and beat log through this configuration too, not Celery's own format.
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error reports to Sentry (or a compatible server such as GlitchTip) when SENTRY_DSN is
# set, from web, worker and beat. Nothing personal leaves: no user, address, cookie or
# request body, no local variables (a worker's personal ID may sit in one); no tracing.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0.0,
    )

# Prometheus metrics at /metrics (mrc.metrics), only with "Authorization: Bearer
# $METRICS_TOKEN"; without a token the path is a 404.
METRICS_TOKEN = env_str("METRICS_TOKEN", "") or ""
MIDDLEWARE.insert(1, "mrc.metrics.MetricsMiddleware")
if env_str("PROMETHEUS_MULTIPROC_DIR"):
    # Several gunicorn processes add up their counts through this folder.
    Path(env_str("PROMETHEUS_MULTIPROC_DIR") or "").mkdir(parents=True, exist_ok=True)

# Behind PgBouncer in transaction pooling, a connection is not one server session, so
# server-side cursors (what .iterator() uses on PostgreSQL) must be off.
if env_bool("DATABASE_BEHIND_PGBOUNCER", False):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ConfigError("DATABASE_BEHIND_PGBOUNCER=1 is for PostgreSQL: set DATABASE_URL.")
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # A prepared statement belongs to one server session, which transaction pooling does
    # not keep; parameters sent apart (unnamed statements) pass through it.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None  # type: ignore[index]  # set above

# The API's changes feed holds back the last seconds: a write stamps updated_at before it
# commits, so a feed that served the newest rows could hand out a cursor past a write still
# committing, which would then never be read (docs/api.md).
API_CHANGES_SETTLE_SECONDS = env_int("API_CHANGES_SETTLE_SECONDS", 5)
# Calls a minute per API client (a changes sync at 500 a page reads 300,000 cases a minute).
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 600)
