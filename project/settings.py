"""Settings of the runnable site, read from the environment.

The defaults give a working SQLite demo. Production sets at least ``DEBUG=false``,
``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL`` (see docs/operations.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from project.config import (
    ConfigError,
    database,
    env_bool,
    env_float,
    env_int,
    env_list,
    secret_key,
)
from project.i18n import compile_catalogues

BASE_DIR = Path(__file__).resolve().parent.parent

# The .mo catalogues are built from the committed .po files before Django loads any
# translation (a stale or missing .mo would otherwise be cached for the whole process).
compile_catalogues()

# Every variable is read through project.config: a mistake stops the process with one line
# "configuration error: NAME: what is wrong" (a ConfigError is a SystemExit), no traceback.
DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = secret_key(
    debug=DEBUG, demo_key="django-insecure-demo-only-key-never-use-in-production"
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_fsm",
    "viewflow",  # label "viewflow_base": site, viewsets, templates and static files
    "viewflow.workflow",  # label "viewflow": Process and Task tables
    "approvals",
    "approvals.organisation",
    "approvals.regulations",
    "approvals.calendar",
    "approvals.registers",
    "approvals.audit",
    "approvals.signing",
    "approvals.checkpoints",
    "approvals.notifications",
    "approvals.handover",
    "approvals.jobs",
    "workflows",
    "workflows.nominations",
    "workflows.plans",
    "project.demo",
    "workflows.emulation",
    "workflows.exemplary",
    "workflows.verification",
    "workflows.search",
    "workflows.integrity",  # site-wide checks over every process above: verify_integrity
]

MIDDLEWARE = [
    "project.health.HealthMiddleware",  # /healthz and /readyz, before any redirect or sign-in
    "project.input_guard.RequestSizeLimitMiddleware",  # before anything reads the body
    "project.error_pages.SiteNotFoundMiddleware",  # the site's 404 page with DEBUG on too
    "django.middleware.security.SecurityMiddleware",
    "project.request_log.RequestLogMiddleware",  # one log line per request (project/logging.py)
    "approvals.organisation.memo.RequestMemoMiddleware",  # who holds what, read once a request
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "project.input_guard.InputGuardMiddleware",  # NFC; no NUL or lone surrogate
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the code was given
    "project.twofactor.middleware.TwoFactorMiddleware",  # sends to the code step or enrolment
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "project.security.ContentSecurityPolicyMiddleware",
    "project.replica.ReplicaReadsMiddleware",
]

if not DEBUG:
    # static files served by the WSGI process itself (STORAGES below); with DEBUG on,
    # runserver and the tests' live server serve them from the apps.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

# viewflow's ready() would append its SiteMiddleware and HotwireTurboMiddleware to MIDDLEWARE
# behind our back; list them here explicitly once viewflow's Site is mounted in urls.py.
VIEWFLOW = {"AUTOREGISTER": False}

ROOT_URLCONF = "project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "project.menu.site_menu",
                "approvals.notifications.context_processors.notification_bell",
            ],
        },
    },
]

WSGI_APPLICATION = "project.wsgi.application"

DATABASES = {
    "default": database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes a writing transaction take the write lock at BEGIN, so two
    # writers queue instead of failing half-way with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

# A read replica for the dashboards (project/replica.py): only the views listed read there.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database(
        "DATABASE_REPLICA_URL", "", conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["project.replica.ReplicaRouter"]
REPLICA_READ_VIEWS = [
    "nominations:dashboard",
    "api:dashboard",
    "api:recognition",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "project.throttle.LoginThrottleBackend",  # refuses locked-out sign-ins (project/throttle.py)
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

# No guardian "AnonymousUser" row: anonymous visitors get no object grants.
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "project" / "locale"]
# dd/mm/yyyy in both languages (project/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["project.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "project" / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "project.storage.SiteAppDirectoriesFinder",  # collectstatic skips what is never served
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# WhiteNoise serves the static files from the WSGI process (no separate static server):
# with DEBUG off, compressed copies (gzip, brotli) under hashed names made by collectstatic,
# cached by browsers for a year (WhiteNoise's max-age for a hashed name; project/storage.py)
# and for WHITENOISE_MAX_AGE seconds for a file without a hash. With DEBUG on (the demo, the
# tests) the plain storage: no collectstatic needed, files read from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "project.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = env_int("WHITENOISE_MAX_AGE", 0 if DEBUG else 3600)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded files are served only through views that check who may see them (never MEDIA_URL),
# with their type checked by content and their size capped.
PLAN_ATTACHMENT_TYPES = ["pdf", "docx", "xlsx", "png", "jpg", "jpeg"]
PLAN_ATTACHMENT_MAX_BYTES = env_int("PLAN_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# A village's review meeting posts one vote per household (the import takes up to 5,000 rows).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 6000
# A body's fields (JSON, a form without its files) may take this much memory; uploaded files
# larger than FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# project.input_guard refuses (413), from its Content-Length and before reading it, a body
# larger than the largest upload (PLAN_ATTACHMENT_MAX_BYTES or DATA_UPLOAD_MAX_MEMORY_SIZE)
# plus this margin for the form's other fields. The web server's own limit (nginx
# client_max_body_size) should be at least that sum.
UPLOAD_FORM_MARGIN_BYTES = env_int("UPLOAD_FORM_MARGIN_BYTES", 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640

# Seconds each process keeps the action rules, rule sets and calendar overrides it has read
# (regulations data): a change saved in a process clears its own copy at once, the other
# processes see it when theirs expires. Off with DEBUG on (development, tests).
APPROVALS_RULES_CACHE_SECONDS = env_float("APPROVALS_RULES_CACHE_SECONDS", 0 if DEBUG else 60)

LOGIN_URL = "login"
# Failed sign-ins per user name and address within the window before a lock-out (seconds).
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 900)
LOGIN_THROTTLE_LOCKOUT = env_int("LOGIN_THROTTLE_LOCKOUT", 900)
# The throttle's counters live in the cache: give several worker processes a shared one.
if os.environ.get("CACHE_URL"):
    # Redis not answering reads as an empty cache, never a 500 (project/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "project.cache.TolerantRedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
LOGIN_REDIRECT_URL = "home"

# Two-step sign-in (approvals/twofactor, docs/security.md "Two-step sign-in"): optional;
# with OTP_REQUIRED on, staff and holders of a role whose rules include an action of these
# kinds or codes (signing, numbering) must set it up before using the site.
OTP_REQUIRED = env_bool("OTP_REQUIRED", default=False)
OTP_REQUIRED_ACTION_KINDS = ["sign", "decide"]
OTP_REQUIRED_ACTIONS = [
    "approvals_registers.issue_number",
    "approvals_registers.void_number",
    "plans.issue_plan",
    "nominations.number_decision",
]
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Phê duyệt")
# Seconds between the password and the code of one sign-in.
OTP_LOGIN_TIMEOUT = env_int("OTP_LOGIN_TIMEOUT", 300)
LOGOUT_REDIRECT_URL = "login"

# E-mail: console in the demo, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")

# Background work: Celery with this broker when set, in-process otherwise.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Reminders and escalations: one pass every this many minutes (Celery beat with a broker,
# else a thread of the demo server); links in their e-mails start with NOTIFICATIONS_SITE_URL.
# A fraction is allowed (the CI smoke test runs a pass every few seconds).
REMINDERS_INTERVAL_MINUTES = env_float("REMINDERS_INTERVAL_MINUTES", 15, minimum=0.01)
NOTIFICATIONS_SITE_URL = os.environ.get("NOTIFICATIONS_SITE_URL", "http://127.0.0.1:8000")
# Whether the notices a step sends (your turn, an outcome) are also e-mailed to users with an
# address, as each user chooses per kind (notifications/preferences/).
NOTIFICATIONS_EMAIL = env_bool("NOTIFICATIONS_EMAIL", default=True)
# A decision recognising more candidates than this is numbered, sealed and recorded as a
# background job with progress (a whole commune or district); smaller ones at once.
NOMINATIONS_DECISION_JOB_THRESHOLD = int(
    os.environ.get("NOMINATIONS_DECISION_JOB_THRESHOLD", "200")
)

# Security: strict whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# project.security.DEFAULT_POLICY unless set here ("" sends no Content-Security-Policy).
if "CONTENT_SECURITY_POLICY" in os.environ:
    CONTENT_SECURITY_POLICY = os.environ["CONTENT_SECURITY_POLICY"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # the proxy and monitoring probe these over http on loopback (project/health.py answers
    # them before SecurityMiddleware anyway)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs go to the standard error, as plain text or, with LOG_FORMAT=json, one JSON object
# per line (project/logging.py). "project.requests" logs one line per request at INFO:
# method, path, status, duration and user (project/request_log.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ConfigError("LOG_FORMAT", f"expected text or json, got {LOG_FORMAT!r}")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING").strip().upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ConfigError("LOG_LEVEL", f"expected DEBUG, INFO, WARNING or ERROR, got {LOG_LEVEL!r}")
REQUEST_LOG = env_bool("REQUEST_LOG", default=not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "project.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "project.requests": {"level": "INFO" if REQUEST_LOG else "WARNING"},
    },
}

# --- REST API (workflows.api): token auth for systems, session for the site -----------------
INSTALLED_APPS += [
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, no CDN
    "django_filters",
    "drf_spectacular",
    "workflows.api",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [  # NFC; NUL and lone surrogates refused (approvals/text.py)
        "workflows.api.parsers.CleanJSONParser",
        "workflows.api.parsers.CleanFormParser",
        "workflows.api.parsers.CleanMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "workflows.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "workflows.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "workflows.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auth": os.environ.get("API_AUTH_THROTTLE_RATE", "10/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "vn-approvals API",
    "DESCRIPTION": (
        "Plans and title nominations of the movement 'Toàn dân đoàn kết xây dựng đời sống "
        "văn hóa': the same services and permission resolver as the site. Every refusal is "
        'JSON {"code", "message", "fields"}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PlanStateEnum": "workflows.plans.models.PlanState",
        "DossierStateEnum": "workflows.nominations.choices.DossierState",
        "CandidateStateEnum": "workflows.nominations.choices.CandidateState",
        "UnitKindEnum": "approvals.organisation.models.UnitKind",
    },
    "SCHEMA_PATH_PREFIX": "/api/",
    # Deep links put a link inside each operation's toggle button (axe: nested-interactive);
    # each operation stays reachable by opening its tag.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
}

# --- digital signatures (approvals.signing; see its module docstring and docs/signing.md) -------
# Trust roots are PEM files of the site's CA (for state agencies, the specialised CA of the
# Government Cipher Committee); the project ships none.
SIGNING_TRUST_ROOTS = [p for p in os.environ.get("SIGNING_TRUST_ROOTS", "").split(os.pathsep) if p]
SIGNING_EXTRA_CERTS = [p for p in os.environ.get("SIGNING_EXTRA_CERTS", "").split(os.pathsep) if p]
SIGNING_CRLS = [p for p in os.environ.get("SIGNING_CRLS", "").split(os.pathsep) if p]
# The demo (DEBUG) signs with a throwaway test PKI and fetches nothing from the network.
SIGNING_TEST_PKI = env_bool("SIGNING_TEST_PKI", default=DEBUG)
SIGNING_ALLOW_FETCHING = env_bool("SIGNING_ALLOW_FETCHING", default=not SIGNING_TEST_PKI)
SIGNING_TSA_URL = os.environ.get("SIGNING_TSA_URL", "")
SIGNING_TSA_TIMEOUT = env_int("SIGNING_TSA_TIMEOUT", 30)
# The throwaway test PKI of the demo ("TEST — không có giá trị pháp lý"): off on a real site.
SIGNING_PKI_DIR = Path(os.environ.get("SIGNING_PKI_DIR", BASE_DIR / "var" / "test-pki"))
SIGNING_PKI_PASSPHRASE = os.environ.get("SIGNING_PKI_PASSPHRASE", "test-pki-demo")
if SIGNING_TEST_PKI:  # the test credentials read the PKI's passphrase from the environment
    os.environ.setdefault("SIGNING_PKI_PASSPHRASE", SIGNING_PKI_PASSPHRASE)
# Signed checkpoints of the audit chains' heads (approvals.checkpoints, docs/checkpoints.md):
# an append-only directory outside the database's reach, beat's interval, HTTP witnesses.
if "APPROVALS_CHECKPOINT_DIR" in os.environ:
    APPROVALS_CHECKPOINT_DIR = Path(os.environ["APPROVALS_CHECKPOINT_DIR"])
APPROVALS_CHECKPOINT_UNIT = os.environ.get("APPROVALS_CHECKPOINT_UNIT", "")
APPROVALS_CHECKPOINT_INTERVAL_MINUTES = env_int("APPROVALS_CHECKPOINT_INTERVAL_MINUTES", 60)
APPROVALS_CHECKPOINT_WITNESSES = env_list("APPROVALS_CHECKPOINT_WITNESSES")
APPROVALS_CHECKPOINT_SIGNERS = env_list("APPROVALS_CHECKPOINT_SIGNERS")
# "Xác thực văn bản" (workflows.verification): open to anyone, so rate-limited per address
# (per user once signed in) and with the upload capped.
VERIFY_THROTTLE_RATE = os.environ.get("VERIFY_THROTTLE_RATE", "10/minute")
VERIFY_MAX_BYTES = env_int("VERIFY_MAX_BYTES", PLAN_ATTACHMENT_MAX_BYTES)
SIGNING_STAMP_FONT = BASE_DIR / "workflows" / "documents" / "fonts" / "LiberationSerif-Regular.ttf"
# "Tra cứu" (workflows.search): the XLSX export of a search holds at most this many rows.
SEARCH_EXPORT_MAX_ROWS = env_int("SEARCH_EXPORT_MAX_ROWS", 5000, minimum=1)
