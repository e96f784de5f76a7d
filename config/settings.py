"""SafeGrid settings: one module, driven by environment variables.

Every setting that differs between a laptop and a county server is read from the environment; the
defaults are the embedded demo (SQLite, DEBUG on, local files). README.md documents each variable.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# SAFEGRID_ENV=production turns on the production guards: a real secret key is required and
# DEBUG is off. Anything else is a development machine (the embedded demo, tests).
SAFEGRID_ENV = os.environ.get("SAFEGRID_ENV", "development")
PRODUCTION = SAFEGRID_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("请设置环境变量 DJANGO_SECRET_KEY（生产环境必须使用随机长密钥）。")
    SECRET_KEY = "dev-only-insecure-key-" + "x" * 50
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("生产环境不得开启 DJANGO_DEBUG。")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "safegrid.core.admin_site.SafeGridAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "safegrid.core",
    "safegrid.accounts",
    "safegrid.orgs",
    "safegrid.sites",
    "safegrid.inspections",
    "safegrid.hazards",
    "safegrid.enforcement",
    "safegrid.notifications",
    "safegrid.risks",
    "safegrid.publicity",
    "safegrid.people",
    "safegrid.emergency",
    "safegrid.support",
    "safegrid.dispatch",
    "safegrid.attachments",
    "safegrid.reports",
    "safegrid.jobs",
    "safegrid.idempotency",
    "safegrid.ops",
    "safegrid.demo",  # management command generate_province (no models)
]

MIDDLEWARE = [
    "safegrid.ops.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "safegrid.ops.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "safegrid.core.middleware.RequestContextMiddleware",
    "safegrid.core.middleware.DomainExceptionMiddleware",
    "safegrid.accounts.middleware.SessionPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "safegrid.core.exports.ExportRateLimitMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safegrid.core.context_processors.navigation",
                "safegrid.notifications.context_processors.inbox",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL and a busy timeout let the embedded database serve the demo with concurrent requests.
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

# A PostgreSQL streaming replica for the pages that only read aggregates (safegrid/core/replica.py);
# in tests it mirrors the default database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["safegrid.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "safegrid.accounts.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "safegrid.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {
        "NAME": "safegrid.accounts.password_validation.CharacterClassesValidator",
        "OPTIONS": {"min_classes": 3},
    },
    {"NAME": "safegrid.accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "safegrid.accounts.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
FORMAT_MODULE_PATH = ["config.formats"]  # ISO first in date inputs (config/formats/zh_Hans)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("SAFEGRID_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads live outside the web root and are only ever served through scoped views.
MEDIA_ROOT = Path(os.environ.get("SAFEGRID_MEDIA_ROOT", BASE_DIR / "var" / "media"))

SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("SAFEGRID_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SAFEGRID_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SAFEGRID_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    # HSTS preload is for public sites and hard to undo; county intranet hosts are never preloaded.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

REST_FRAMEWORK = {
    # Token first, so that an anonymous API call gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "safegrid.core.rest.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "safegrid.core.rest.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

REST_KNOX = {
    # Tokens are stored hashed by knox; a phone's token lives 12 hours like a browser session.
    "TOKEN_TTL": __import__("datetime").timedelta(hours=12),
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "SafeGrid API — 县域安全生产网格化监管平台",
    "DESCRIPTION": "Scoped REST API: every list, detail and count contains only rows in the caller's scope.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RegionKindEnum": "safegrid.orgs.choices.RegionKind",
        "OrganisationKindEnum": "safegrid.orgs.choices.OrganisationKind",
        "GridDutyRoleEnum": "safegrid.orgs.choices.GridDutyRole",
        "SiteKindEnum": "safegrid.sites.choices.SiteKind",
        "RoleEnum": "safegrid.accounts.roles.Role",
        "SiteCategoryEnum": "safegrid.sites.choices.SiteCategory",
        "HazardCategoryEnum": "safegrid.hazards.choices.HazardCategory",
        "InspectionKindEnum": "safegrid.inspections.choices.InspectionKind",
        "InspectionResultEnum": "safegrid.inspections.choices.InspectionResult",
        "ItemResultEnum": "safegrid.inspections.choices.ItemResult",
        "AttachmentKindEnum": "safegrid.attachments.choices.AttachmentKind",
        # Several models have a `status`; name each set (the hazard one was "StatusEnum" alone).
        "HazardStatusEnum": "safegrid.hazards.choices.HazardStatus",
        "DocumentTypeEnum": "safegrid.enforcement.choices.DocumentType",
        "DocumentStatusEnum": "safegrid.enforcement.choices.DocumentStatus",
        "PenaltyTypeEnum": "safegrid.enforcement.choices.PenaltyType",
        "PenaltyStatusEnum": "safegrid.enforcement.choices.PenaltyStatus",
        "RiskLevelEnum": "safegrid.risks.choices.RiskLevel",
        # The hazard's handling level is also a field named `level`; name both sets.
        "HandlingLevelEnum": "safegrid.hazards.choices.HandlingLevel",
        "AssessmentMethodEnum": "safegrid.risks.choices.AssessmentMethod",
        "AccidentTypeEnum": "safegrid.risks.choices.AccidentType",
        "ControlLevelEnum": "safegrid.risks.choices.ControlLevel",
        "PersonSourceEnum": "safegrid.people.choices.PersonSource",
        "HazardSourceEnum": "safegrid.hazards.choices.HazardSource",
        "EmploymentEnum": "safegrid.people.choices.Employment",
        "GenderEnum": "safegrid.people.choices.Gender",
        "OperationCategoryEnum": "safegrid.people.choices.OperationCategory",
        "PostKindEnum": "safegrid.people.choices.PostKind",
        "TeamKindEnum": "safegrid.people.choices.TeamKind",
        "TrainingKindEnum": "safegrid.people.choices.TrainingKind",
        "CertificateKindEnum": "safegrid.people.choices.CertificateKind",
        "CertificateStatusEnum": "safegrid.people.choices.CertificateStatus",
        "CommendationKindEnum": "safegrid.people.choices.CommendationKind",
        # Emergency plans and drills: several of their fields are named kind, mode or status.
        "PlanKindEnum": "safegrid.emergency.choices.PlanKind",
        "DrillKindEnum": "safegrid.emergency.choices.DrillKind",
        "DrillModeEnum": "safegrid.emergency.choices.DrillMode",
        "DrillPlaceKindEnum": "safegrid.emergency.choices.PlaceKind",
        "ReviewMethodEnum": "safegrid.emergency.choices.ReviewMethod",
        "RevisionTriggerEnum": "safegrid.emergency.choices.RevisionTrigger",
        "EvaluationConclusionEnum": "safegrid.emergency.choices.EvaluationConclusion",
        "FilingStatusEnum": "safegrid.emergency.choices.FilingStatus",
        "DrillComplianceRuleEnum": "safegrid.emergency.choices.ComplianceRule",
        "DrillPeriodStatusEnum": "safegrid.emergency.choices.PeriodStatus",
        "MeetingBodyEnum": "safegrid.dispatch.choices.MeetingBody",
        "MeetingKindEnum": "safegrid.dispatch.choices.MeetingKind",
        "ActionStatusEnum": "safegrid.dispatch.choices.ActionStatus",
        "ActionStateEnum": "safegrid.dispatch.choices.ActionState",
        "PeriodStatusEnum": "safegrid.dispatch.choices.PeriodStatus",
        "FundPurposeEnum": "safegrid.support.choices.FundPurpose",
    },
}

if os.environ.get("SAFEGRID_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["SAFEGRID_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("SAFEGRID_EMAIL_PORT", "25"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFEGRID_LOG_LEVEL", "INFO")},
}

# The deterministic demo county (management command `seed_demo`).
SAFEGRID_DEMO_PASSWORD = os.environ.get("SAFEGRID_DEMO_PASSWORD", "Safegrid@2024")


# ---- Background jobs (one interface: Celery) ----------------------------------------------------
# With CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) tasks go to real workers; without it they
# run inline in the caller, so the embedded demo needs no broker.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a job interrupted by a worker crash runs again (jobs are idempotent)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    # The overdue sweep runs once a night, after the day's deadlines have passed.
    # Reminders of deadlines within three days go out every morning before office hours.
    "hazard-due-soon": {
        "task": "safegrid.notifications.tasks.due_soon_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "hazard-overdue-sweep": {
        "task": "safegrid.hazards.tasks.overdue_sweep",
        "schedule": crontab(hour=1, minute=5),
    },
    # Certificate reviews and expiries within 60 days (30号令 application window), once per certificate.
    "certificate-reminders": {
        "task": "safegrid.people.tasks.certificate_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    # Finished background jobs and their files are deleted after SAFEGRID_JOB_RETENTION_DAYS.
    "purge-jobs": {
        "task": "safegrid.jobs.tasks.purge_jobs",
        "schedule": crontab(hour=2, minute=30),
    },
    # Idempotency keys of phone writes expire after SAFEGRID_IDEMPOTENCY_TTL_HOURS.
    "purge-idempotency-keys": {
        "task": "safegrid.idempotency.tasks.purge_keys",
        "schedule": crontab(hour=2, minute=40),
    },
    # Expired sessions (never signed out) are deleted from the session store (residual information).
    "clear-sessions": {
        "task": "safegrid.accounts.tasks.clear_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    # ID numbers and phones of people who left more than SAFEGRID_PERSON_RETENTION_DAYS ago are erased.
    "purge-personal-data": {
        "task": "safegrid.people.tasks.purge_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
}

# The cache carries the live progress of background jobs from the workers to the web processes:
# with workers on other processes it must be shared (Redis, e.g. redis://127.0.0.1:6379/1).
SAFEGRID_CACHE_URL = os.environ.get("SAFEGRID_CACHE_URL", "")
if SAFEGRID_CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": SAFEGRID_CACHE_URL}
    }
# Finished background jobs (exports, imports, bulletins) and their files are kept this many days.
SAFEGRID_JOB_RETENTION_DAYS = int(os.environ.get("SAFEGRID_JOB_RETENTION_DAYS", "7"))

# ---- Hazard loop ------------------------------------------------------------------------------
# Days past the deadline before the nightly sweep escalates a hazard and sends 督办 notices.
# Email copies of in-app notifications (needs SAFEGRID_EMAIL_HOST).
SAFEGRID_EMAIL_NOTIFICATIONS = bool(os.environ.get("SAFEGRID_EMAIL_HOST"))
DEFAULT_FROM_EMAIL = os.environ.get("SAFEGRID_EMAIL_FROM", "safegrid@localhost")
SAFEGRID_OVERDUE_GRACE_DAYS = int(os.environ.get("SAFEGRID_OVERDUE_GRACE_DAYS", "3"))

# ---- Uploads (photos and evidence; checked by content, re-encoded, served only through scoped views)
SAFEGRID_MAX_UPLOAD_BYTES = int(os.environ.get("SAFEGRID_MAX_UPLOAD_MB", "10")) * 1024 * 1024
SAFEGRID_MAX_IMAGE_PIXELS = 40_000_000  # decompression-bomb guard

# ---- Excel exports of list pages (safegrid/core/exports.py) ------------------------------------
# Rows one request may export (streamed from a temporary file, memory flat); a longer list is
# offered as a background job, up to SAFEGRID_EXPORT_MAX_ROWS rows (one Excel sheet holds 1,048,576).
SAFEGRID_EXPORT_INLINE_ROWS = int(os.environ.get("SAFEGRID_EXPORT_INLINE_ROWS", "20000"))
SAFEGRID_EXPORT_MAX_ROWS = int(os.environ.get("SAFEGRID_EXPORT_MAX_ROWS", "1000000"))
# Excel imports above the page's limits (2,000 rows, 5 MB) run as background jobs up to these.
SAFEGRID_IMPORT_JOB_MAX_ROWS = int(os.environ.get("SAFEGRID_IMPORT_JOB_MAX_ROWS", "50000"))
SAFEGRID_IMPORT_JOB_MAX_MB = int(os.environ.get("SAFEGRID_IMPORT_JOB_MAX_MB", "50"))
# A bulletin over a scope holding more hazards than this is generated as a background job.
SAFEGRID_BULLETIN_INLINE_HAZARDS = int(os.environ.get("SAFEGRID_BULLETIN_INLINE_HAZARDS", "200000"))

# ---- Authentication and sessions (issue 8) ----------------------------------------------------------
# SECURITY.md A1–A7, S1–S5: see safegrid/accounts/{backends,lockout,middleware,twofactor}.py.
AUTH_PASSWORD_VALIDATORS.append(
    {"NAME": "safegrid.accounts.password_validation.MaximumLengthValidator", "OPTIONS": {"max_length": 128}}
)
# A password older than this many days must be changed before anything else (0 = never expires).
SAFEGRID_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("SAFEGRID_PASSWORD_MAX_AGE_DAYS", "90"))
# An active account unused (no sign-in) for this many days is reported by the deploy check as
# dormant, to be disabled (SECURITY.md A4, safegrid/accounts/checks.py; 0 turns the check off).
SAFEGRID_ACCOUNT_DORMANT_DAYS = int(os.environ.get("SAFEGRID_ACCOUNT_DORMANT_DAYS", "180"))
# Sessions end after 30 idle minutes and at the latest 12 hours after sign-in.
SAFEGRID_SESSION_IDLE_MINUTES = int(os.environ.get("SAFEGRID_SESSION_IDLE_MINUTES", "30"))
SAFEGRID_SESSION_ABSOLUTE_HOURS = SESSION_COOKIE_AGE // 3600
# Two-factor sign-in (TOTP) for county-level and administrator accounts: on in production; the demo
# and the tests turn it on explicitly (a system check warns when production runs without it).
SAFEGRID_REQUIRE_2FA = env_bool("SAFEGRID_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "SafeGrid"
# Lockout (django-axes, database handler): 5 failures lock for 15 minutes, counted by username and
# by client IP separately (either one locks). Only the security administrator unlocks early.
AUTHENTICATION_BACKENDS = [
    "safegrid.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("SAFEGRID_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = __import__("datetime").timedelta(
    minutes=int(os.environ.get("SAFEGRID_LOCKOUT_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A try during the lockout neither counts nor extends it: the cool-off is 15 minutes from the lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "safegrid.accounts.lockout.client_username"
AXES_LOCKOUT_CALLABLE = "safegrid.accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp", "token"]
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit trail
AXES_ENABLE_ADMIN = False  # unlocking is the security administrator's page, not the Django admin
AXES_VERBOSE = False
# Burst limits (SECURITY.md F5), counted in the default cache (Redis with SAFEGRID_CACHE_URL):
# sign-in attempts per client address, on the login page and the token API alike; exports per
# user over every export route (safegrid/core/ratelimit.py, safegrid/core/exports.py). Written like
# "10/min" ("/s", "/h", "/day" too); empty turns a limit off. The address is REMOTE_ADDR: DRF must
# not take a client-sent X-Forwarded-For for it (NUM_PROXIES = 0), or each forged value would get
# a fresh count.
SAFEGRID_LOGIN_RATE = os.environ.get("SAFEGRID_LOGIN_RATE", "10/min")
SAFEGRID_EXPORT_RATE = os.environ.get("SAFEGRID_EXPORT_RATE", "10/min")
REST_FRAMEWORK["NUM_PROXIES"] = 0
# Behind reverse proxies, the number of them (nginx: 1). TrustedProxyMiddleware then takes the client
# from X-Forwarded-For before anything reads REMOTE_ADDR (lockout, rate limits, audit).
SAFEGRID_TRUSTED_PROXIES = int(os.environ.get("SAFEGRID_TRUSTED_PROXIES", "0"))
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "safegrid.accounts.authentication.TokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]

# ---- Audit trail (issue 8) ----------------------------------------------------------------------
# Audit rows are kept at least this many days; `manage.py purge_audit` deletes older ones. A system
# check refuses less than 180 (网络安全法第二十一条: network logs kept no less than six months).
SAFEGRID_AUDIT_RETENTION_DAYS = int(os.environ.get("SAFEGRID_AUDIT_RETENTION_DAYS", "180"))
# PostgreSQL: the non-owner role the application connects as (e.g. app_rw); when set, migration
# core.0005 revokes UPDATE, DELETE and TRUNCATE on the audit table from it (safegrid/core/audit.py).
SAFEGRID_DB_APP_ROLE = os.environ.get("SAFEGRID_DB_APP_ROLE", "")

# ---- Personal data of people who left (issue 8, SECURITY.md D6) ----
# The ID number and phone of a person who left (inactive, no open posting) are erased this many days
# after they left (`manage.py purge_personal_data`, nightly; 个人信息保护法 第十九条、第四十七条).
# A system check refuses less than 365.
SAFEGRID_PERSON_RETENTION_DAYS = int(os.environ.get("SAFEGRID_PERSON_RETENTION_DAYS", "1095"))

# ---- Idempotent phone writes (issue 8) ----
# Idempotency-Key records (SECURITY.md H4) live this long; a claim whose request has not finished
# after SAFEGRID_IDEMPOTENCY_STALE_SECONDS (a worker died mid-request) may be taken over by a retry.
SAFEGRID_IDEMPOTENCY_TTL_HOURS = int(os.environ.get("SAFEGRID_IDEMPOTENCY_TTL_HOURS", "24"))
SAFEGRID_IDEMPOTENCY_STALE_SECONDS = int(os.environ.get("SAFEGRID_IDEMPOTENCY_STALE_SECONDS", "300"))


# ---- Keys of the SM3/SM4 crypto (safegrid/core/crypto.py) (issue 8) ----------------------------
# 32 random bytes each, as hex (python -c "import secrets; print(secrets.token_hex(32))"). Keep them
# stable and backed up apart from the database: a lost SAFEGRID_PII_KEY makes the stored ID numbers
# and phones unreadable, a changed SAFEGRID_AUDIT_KEY breaks every audit digest. In development
# they are derived from SECRET_KEY.
SAFEGRID_AUDIT_KEY = os.environ.get("SAFEGRID_AUDIT_KEY", "")
SAFEGRID_PII_KEY = os.environ.get("SAFEGRID_PII_KEY", "")
SAFEGRID_BLIND_INDEX_KEY = os.environ.get("SAFEGRID_BLIND_INDEX_KEY", "")
if PRODUCTION:
    _missing_keys = [
        name
        for name, value in (
            ("SAFEGRID_AUDIT_KEY", SAFEGRID_AUDIT_KEY),
            ("SAFEGRID_PII_KEY", SAFEGRID_PII_KEY),
            ("SAFEGRID_BLIND_INDEX_KEY", SAFEGRID_BLIND_INDEX_KEY),
        )
        if not value
    ]
    if _missing_keys:
        raise ImproperlyConfigured(
            "生产环境必须设置密钥："
            + "、".join(_missing_keys)
            + "（各为 32 字节随机数的十六进制，须妥善备份）。"
        )
