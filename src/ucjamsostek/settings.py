"""Django settings. Every deployment value comes from the environment: see ``config.py``."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from ucjamsostek import config

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key()
# Key of the keyed NIK hashes in the access log (accounts.services.record_access); not in backups.
NIK_KEY = config.nik_key()
DEBUG = config.env_bool("UCJAMSOSTEK_DEBUG", False)
ALLOWED_HOSTS = config.allowed_hosts()
AREA_CODE = config.area_code()
PROGRAMME_AGE_MIN = config.env_int("UCJAMSOSTEK_AGE_MIN", 15)
PROGRAMME_AGE_MAX = config.env_int("UCJAMSOSTEK_AGE_MAX", 65)
# Seconds a monitoring snapshot counts as fresh for the pages.
MONEV_SNAPSHOT_MAX_AGE = config.env_int("UCJAMSOSTEK_MONEV_SNAPSHOT_MAX_AGE", 900)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",  # the API docs' Swagger UI from the package's static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "ucjamsostek.regions",
    "ucjamsostek.accounts",
    "ucjamsostek.registry",
    "ucjamsostek.screening",
    "ucjamsostek.budget",
    "ucjamsostek.agreements",
    "ucjamsostek.billing",
    "ucjamsostek.claims",
    "ucjamsostek.assistance",
    "ucjamsostek.crossfund",
    "ucjamsostek.monitoring",
    "ucjamsostek.jobs",
    "ucjamsostek.web",
    "ucjamsostek.backups",
    "ucjamsostek.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ucjamsostek.web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ucjamsostek.accounts.middleware.IdleSessionMiddleware",
    "ucjamsostek.accounts.middleware.AccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "ucjamsostek.web.middleware.DatabaseBusyMiddleware",
]

# `ucjamsostek serve` (web/server.py): gunicorn processes (0: 2 × CPU cores + 1) of WEB_THREADS
# threads; WEB_FORWARDED_ALLOW_IPS are the reverse proxies trusted for X-Forwarded-* headers.
WEB_WORKERS = config.env_int("UCJAMSOSTEK_WEB_WORKERS", 0)
WEB_THREADS = config.env_int("UCJAMSOSTEK_WEB_THREADS", 4)
WEB_FORWARDED_ALLOW_IPS = config.env_str("UCJAMSOSTEK_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

ROOT_URLCONF = "ucjamsostek.urls"
WSGI_APPLICATION = "ucjamsostek.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_db = dj_database_url.parse(config.database_url(), conn_max_age=60)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db.setdefault("OPTIONS", {})
    # WAL lets readers (web pages) run while a screening job writes. Temporary B-trees (the row-value
    # IN of billing.services.earlier_lines over a million-line bill, large sorts) stay in memory
    # rather than in a temporary file: the bill ledger query takes a third less time.
    _db["OPTIONS"].update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
                "PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (jobs/services.py): a durable queue in the database (django-tasks' database
# backend, on SQLite and PostgreSQL alike) run by `ucjamsostek worker`. JOBS_RUN_INLINE runs each
# job at once in the calling thread instead (tests, one-shot commands). A worker writes its
# heartbeat every JOBS_HEARTBEAT_SECONDS and sweeps every JOBS_SWEEP_SECONDS for running jobs whose
# process died; a worker on another host counts as dead after JOBS_STALE_SECONDS without a heartbeat.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOBS_RUN_INLINE = config.env_bool("UCJAMSOSTEK_JOBS_INLINE", False)
# Tiered verification of nomination lists (core.verification): 3 = desa submits, kecamatan
# verifies, Dinas approves; 2 = kecamatan verifies, Dinas approves; 1 = the Dinas approves.
VERIFICATION_LEVELS = config.env_int("UCJAMSOSTEK_VERIFICATION_LEVELS", 3)
JOBS_HEARTBEAT_SECONDS = 5
JOBS_SWEEP_SECONDS = 30
JOBS_STALE_SECONDS = config.env_int("UCJAMSOSTEK_JOBS_STALE_SECONDS", 60)

# /healthz fails when a job waited longer than this in the queue, or the data folder has less free.
HEALTH_QUEUE_MAX_AGE_SECONDS = config.env_int("UCJAMSOSTEK_HEALTH_QUEUE_MAX_AGE", 300)
HEALTH_MIN_FREE_MB = config.env_int("UCJAMSOSTEK_HEALTH_MIN_FREE_MB", 1024)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ucjamsostek.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures per user name and address lock for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Static files are served from the package through the finders; the (empty) root silences whitenoise.
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded files (PKS documents, evidence) are the service user's only, like everything the app
# writes under umask 077 (cli.PRIVATE_UMASK): Django would otherwise chmod them 0644.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Headers and cookies. Content-Security-Policy (django-csp): scripts, styles and everything else
# from this site only, no inline script, handler or style (templates load web/app.js instead),
# no framing. UCJAMSOSTEK_HTTPS (TLS at a reverse proxy, which gunicorn trusts for
# X-Forwarded-Proto, see WEB_FORWARDED_ALLOW_IPS): secure cookies, HSTS for a year, http → https
# (except /healthz, which monitoring may poll locally over http).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
HTTPS = config.env_bool("UCJAMSOSTEK_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A session ends after this long without a request (accounts/middleware.py renews an active one).
SESSION_COOKIE_AGE = config.env_int("UCJAMSOSTEK_SESSION_IDLE_MINUTES", 30) * 60

# Logs are JSON lines on stderr (journald, container logs) and never carry personal data: every
# handler strips NIK-like numbers and name fields (core/logs.py). The project's own events (jobs,
# worker, server) at INFO; Django and libraries at WARNING; no request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "ucjamsostek.core.logs.PersonalDataFilter"}},
    "formatters": {"json": {"()": "ucjamsostek.core.logs.JsonLinesFormatter"}},
    "handlers": {
        "console": {"class": "ucjamsostek.core.logs.StderrHandler", "formatter": "json", "filters": ["personal_data"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "ucjamsostek": {"level": "INFO"},
        "splink": {"level": "ERROR"},
        "axes": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
    },
}
