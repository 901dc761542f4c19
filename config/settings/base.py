"""Settings shared by every environment, read from the environment (django-environ)."""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.api_tags import TAGS as API_TAGS
from config.db import database, replica, reuse_connections, session_setting
from config.queues import task_queues, task_routes
from config.years import FIRST_YEAR, LAST_YEAR

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "django_htmx",
    "access",
    "config.versioning",  # the data version (config.data_version): its table and triggers
    "config.notifications",  # the inbox, e-mail of notifications, the reminders (docs/notifications.md)
    "parks",
    "enterprises",
    "registry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx: a page answers its own partial updates
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.history.HistorySourceMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "config.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "access.context.scope",
                "enterprises.review_context.review",
                "config.notifications.context.unread",  # the header's bell: one query where shown
            ],
            "libraries": {"amounts": "config.templatetags.amounts"},  # the money filter (config/amounts.py)
        },
    },
]

# PostgreSQL is the only database: exclusion constraints and check functions live there. Every alias runs with
# JIT off (config/db.py); the default alias wraps each request in a transaction.
DATABASES = {"default": database(env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/digitalhuman"),
                                 atomic_requests=True)}
# A streaming replica of it: the reports' reads go there while they are computed (config.db.ReportReplicaRouter).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = replica(env.db("DATABASE_REPLICA_URL"))
DATABASE_ROUTERS = ["config.db.ReportReplicaRouter"]
# Reports leave the replica for the primary while it lags more than this (seconds), asked of it at most this often
# per process (seconds); also while it is down, or has not replayed what the primary held when the request began.
REPLICA_MAX_LAG = env.float("REPLICA_MAX_LAG", default=30.0)
REPLICA_CHECK_INTERVAL = env.float("REPLICA_CHECK_INTERVAL", default=5.0)
# Connections kept open this many seconds (0: one per request; production: 60), checked before reuse.
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=0)
CONN_HEALTH_CHECKS = env.bool("CONN_HEALTH_CHECKS", default=True)
reuse_connections(DATABASES, max_age=CONN_MAX_AGE, health_checks=CONN_HEALTH_CHECKS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Content Security Policy (django-csp) on every answer: scripts, styles, images, fonts and requests from this site
# only, no inline script or style (the templates link static files; ECharts draws on canvas), no plugin, no frame.
# Redoc's page alone widens it (config/urls.py: it injects its styles and starts a worker from a blob).
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
    },
}

# django-axes first, in an entry of its own: it refuses a locked-out sign-in before any backend checks a password;
# then usernames matched in any case and Unicode form (config/auth.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "config.auth.UsernameBackend",
]

# The client of a request (config.throttling.client_ip) for every throttle and for the sign-in lockout: the socket's
# address with 0; behind N proxies of our own (each appending to X-Forwarded-For), the N-th address from the right.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Sign-in lockout (django-axes, on the admin's and the site's sign-in pages): a username is locked out from an
# address after AXES_FAILURE_LIMIT failures in a row, for AXES_COOLOFF_HOURS; the bureau sees (and lifts, by
# deleting) the attempts in the admin.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(hours=env.float("AXES_COOLOFF_HOURS", default=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "config.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "config.throttling.lockout_response"  # the Chinese lockout page, 429
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # registered by registry/admin.py, for the bureau

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# API tokens stop working this many hours after they were issued (a new one is issued at the next request for one);
# signing out, of the API or the site, ends them at once.
API_TOKEN_TTL = datetime.timedelta(hours=env.float("API_TOKEN_TTL_HOURS", default=8))

# Mail: EMAIL_URL (smtp://user:password@host:587, smtp+tls://..., smtp+ssl://..., consolemail://) or the EMAIL_*
# variables one by one. Invitations and password resets go by mail; their links start with SITE_URL, never with
# the request's Host header.
if env("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, ... from the URL
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
    EMAIL_HOST = env("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="registry@localhost")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# An invitation's link works once, for this many days; a password reset link for PASSWORD_RESET_TIMEOUT seconds.
INVITATION_TTL = datetime.timedelta(days=env.int("INVITATION_TTL_DAYS", default=7))
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 60 * 60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Input formats of our own where Django's would not post back what they show (ISO dates first, times with seconds).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages from npm (package-lock.json): scripts/setup.sh copies the files served, ECharts' and htmx's
# dist builds, from node_modules to vendor/ (both gitignored), served as static/vendor/echarts/echarts.min.js and
# static/vendor/htmx/htmx.min.js.
STATICFILES_DIRS = [BASE_DIR / "config" / "static", ("vendor", BASE_DIR / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files (evidence: docs/evidence.md): local files under MEDIA_ROOT, never served as media (no MEDIA_URL
# route), or S3-compatible object storage when a bucket is named; either way read only through scope-checked views.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
        "access_key": env("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        "location": env("AWS_LOCATION", default=""),
        "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default=None),
        "default_acl": "private",
        "file_overwrite": False,
    }}
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Shared by every web process: throttling counters, report answers and list counts. An optimisation, never a
# dependency (config/cache.py): on any Redis error a read is a miss and a write is skipped (a throttle allows), its
# sockets time out after CACHE_CONNECT_TIMEOUT / CACHE_SOCKET_TIMEOUT seconds, and after an error it leaves Redis
# alone for CACHE_RETRY_SECONDS before trying it again. Sessions and sign-in lockouts are in PostgreSQL.
CACHES = {
    "default": {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": env("CACHE_URL", default="redis://127.0.0.1:6379/1"),
        "OPTIONS": {
            "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.25),
            "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.25),
            "retry_after": env.float("CACHE_RETRY_SECONDS", default=5),
        },
    },
}
# Report responses are cached per report, user, query, language and data version (registry/api/report_responses.py),
# list counts per query and data version (config/api/pagination.py); the version moves on when a write to their
# tables commits (config/data_version.py). The timeouts (seconds) only bound how long an unread entry is kept.
REPORT_CACHE = env.bool("REPORT_CACHE", default=True)
REPORT_CACHE_TIMEOUT = env.int("REPORT_CACHE_TIMEOUT", default=300)
COUNT_CACHE = env.bool("COUNT_CACHE", default=True)
COUNT_CACHE_TIMEOUT = env.int("COUNT_CACHE_TIMEOUT", default=300)
# While one request computes a missing report answer or list count, the others asking for it wait up to this many
# seconds for it (config/single_flight.py), then compute it themselves.
SINGLE_FLIGHT_WAIT = env.float("SINGLE_FLIGHT_WAIT", default=10.0)
CELERY_BROKER_URL = REDIS_URL
# Starting a job reaches the broker first (registry/services.py), its sockets timing out after this many seconds:
# a broker that is down or hung answers 503 within a second.
BROKER_CHECK_TIMEOUT = env.float("BROKER_CHECK_TIMEOUT", default=0.25)
CELERY_RESULT_BACKEND = REDIS_URL
# The result backend's sockets (Celery's default: 120 s) time out in seconds too, so a Redis that hangs between the
# broker check and the send holds a request seconds, not minutes.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_REDIS_SOCKET_TIMEOUT = env.float("RESULT_SOCKET_TIMEOUT", default=5.0)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# The broker re-delivers an unacknowledged task after this; it must exceed the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_TASK_ACKS_LATE = True
# A long job holds its worker for minutes: each worker process reserves one message at a time, so queued jobs wait
# for an idle worker, not behind a busy one. (The long tasks also set reject_on_worker_lost: registry/tasks.py.)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_IMPORTS = ("config.tasks", "registry.tasks")
# Report runs and file jobs go to the long queue, every other task to the default queue (config/queues.py). A worker
# consumes both unless given -Q: `celery -A config worker -Q long` on a host of its own takes only the long jobs.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_DEFAULT_QUEUE", default="default")
CELERY_LONG_QUEUE = env("CELERY_LONG_QUEUE", default="long")
CELERY_TASK_QUEUES = task_queues(default=CELERY_TASK_DEFAULT_QUEUE, long=CELERY_LONG_QUEUE)
CELERY_TASK_ROUTES = task_routes(long=CELERY_LONG_QUEUE)
# Report runs (tier summaries): their task's hard time limit; the sweep fails runs stuck past it plus the grace.
REPORT_RUN_TIME_LIMIT = env.int("REPORT_RUN_TIME_LIMIT", default=10 * 60)
REPORT_RUN_SWEEP_GRACE = 60
# File jobs (imports and exports run by Celery): their task's hard time limit (the same sweep fails stuck ones).
FILE_JOB_TIME_LIMIT = env.int("FILE_JOB_TIME_LIMIT", default=10 * 60)
# Lost workers (report runs and file jobs; docs/scaling.md "Lost workers"): a running job's task writes its heartbeat
# every JOB_HEARTBEAT_INTERVAL seconds; a job whose heartbeat is older than JOB_LOST_AFTER has lost its worker and is
# failed by the next run of its year or by the sweep (every minute). A pending job whose message is in no queue
# JOB_PENDING_LOST_AFTER seconds after it was sent is sent again once, then failed. A job is taken by at most
# JOB_MAX_ATTEMPTS workers (a message redelivered after its worker died), so a job that kills its worker ends.
JOB_HEARTBEAT_INTERVAL = env.int("JOB_HEARTBEAT_INTERVAL", default=5)
JOB_LOST_AFTER = env.int("JOB_LOST_AFTER", default=25)
JOB_PENDING_LOST_AFTER = env.int("JOB_PENDING_LOST_AFTER", default=60)
JOB_MAX_ATTEMPTS = 2
# A file job's file (up to IMPORT_MAX_BYTES uploaded, or an export) is deleted this many days after the job ended, by
# the same sweep (the row stays, marked expired; its download answers 410). A user may have at most
# FILE_JOB_MAX_ACTIVE jobs pending or running (one more is a 429), and start THROTTLE_FILE_JOBS imports and exports.
FILE_JOB_RETENTION_DAYS = env.int("FILE_JOB_RETENTION_DAYS", default=7)
FILE_JOB_MAX_ACTIVE = env.int("FILE_JOB_MAX_ACTIVE", default=3)
# Imports of up to this many rows are answered in the request; larger files run as a file job.
IMPORT_SYNC_MAX_ROWS = env.int("IMPORT_SYNC_MAX_ROWS", default=1000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)  # a larger file is refused (split it)
# Bounds of an uploaded import file, checked before it is read (its size, its zip's members, a sheet's declared
# dimension) and while it is read (rows, columns, cells), so a small hostile file cannot take memory or time.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_SHEET_ROWS = env.int("IMPORT_MAX_SHEET_ROWS", default=IMPORT_MAX_ROWS + 10_000)  # blank and notes too
IMPORT_EXTRA_COLUMNS = env.int("IMPORT_EXTRA_COLUMNS", default=10)  # beyond the kind's columns (ignored ones)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=6_000_000)  # 100,000 filings of 45 columns fit
IMPORT_MAX_UNZIPPED_BYTES = env.int("IMPORT_MAX_UNZIPPED_BYTES", default=256 * 1024 * 1024)  # an XLSX's members
IMPORT_MAX_ZIP_RATIO = env.int("IMPORT_MAX_ZIP_RATIO", default=100)  # unzipped / zipped, of a member over 1 MB
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=1000)
IMPORT_MAX_FILE_ERRORS = 20  # formula cells reported before a file is refused
CELERY_BEAT_SCHEDULE = {
    "health": {"task": "config.health", "schedule": 15 * 60},  # proves beat, broker, worker and database
    "tier-summaries-nightly": {  # the reporting year and the year before
        "task": "registry.tier_summaries_nightly", "schedule": crontab(hour=2, minute=30),
    },
    # Fails report runs and file jobs stuck or lost, re-sends lost messages; deletes the files of file jobs past
    # FILE_JOB_RETENTION_DAYS.
    "sweep-jobs": {"task": "registry.sweep_jobs", "schedule": 60},
    # Opens re-review declarations of designations due (in their tier's open round), revokes the lapsed ones.
    "designations-re-review": {"task": "enterprises.designations_re_review", "schedule": crontab(hour=3, minute=0)},
    # Reminders (docs/notifications.md): filing season, tenancies ending, re-reviews due; each sent once.
    "reminders": {"task": "enterprises.reminders", "schedule": crontab(hour=8, minute=0)},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.ScopedPermission"],
    # JSON written by orjson, the same as DRF's renderer writes it; the browsable API's pages allow inline styles (its
    # templates carry some): config.api.renderers.
    "DEFAULT_RENDERER_CLASSES": ["config.api.renderers.FastJSONRenderer", "config.api.renderers.BrowsableAPIRenderer"],
    "DEFAULT_FILTER_BACKENDS": [
        "config.api.filters.StrictFilterBackend",
        "config.api.filters.StableOrderingFilter",
    ],
    # An unknown ?format= is a 400 naming the view's formats (DRF's own negotiation answers 404).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.api.negotiation.StrictContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
    # Every throttle keys an anonymous client on config.throttling.client_ip (NUM_PROXIES), a signed-in one on its id.
    "DEFAULT_THROTTLE_CLASSES": ["config.throttling.ScopedThrottle"],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "login": env("THROTTLE_LOGIN", default="10/minute"),  # the admin and self-service sign-in form
        "auth": env("THROTTLE_AUTH", default="10/minute"),  # the API token endpoint
        "invitations": env("THROTTLE_INVITATIONS", default="60/hour"),
        "anon": env("THROTTLE_ANON", default="120/minute"),  # the public directory
        "file_jobs": env("THROTTLE_FILE_JOBS", default="30/hour"),  # imports and export jobs started, per user
    },
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
MAX_PAGE_SIZE = 1000

SPECTACULAR_SETTINGS = {
    "TITLE": "Beijing digital-human industry registry API",
    "DESCRIPTION": (
        "Registry of enterprises, parks, labs, platforms and benchmark projects of Beijing's digital-human "
        "industry. Money is in 万元 (10,000 CNY) as decimal strings; areas in m²."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One tag per resource (the path's first segment under /api/v1/), described in Chinese and English.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "TAGS": API_TAGS,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "EnterpriseStatusEnum": "enterprises.choices.EnterpriseStatus",
        "OperatingStatusEnum": "registry.choices.OperatingStatus",
        "ProjectStatusEnum": "registry.choices.ProjectStatus",
        "DistrictKindEnum": "parks.choices.DistrictKind",
        "ParkKindEnum": "parks.choices.ParkKind",
        "LabKindEnum": "registry.choices.LabKind",
        "TierEnum": "enterprises.choices.Tier",
        "DigitalHumanKindEnum": "enterprises.choices.DigitalHumanType",  # registry.choices.DigitalHumanKind's too
        "FilingStatusEnum": "enterprises.choices.FilingStatus",
        "RunStatusEnum": "registry.choices.RunStatus",
        "FileJobKindEnum": "registry.choices.FileJobKind",
        "FileSubjectEnum": "registry.choices.FileSubject",
        "DeclarationStatusEnum": "enterprises.choices.DeclarationStatus",
        "ParkServiceKindEnum": "parks.choices.ParkServiceKind",  # branch parksvc
    },
}

# Tier rule set of a filing year (docs/domain-rules.md 4.6): rule set code -> first filing year it applies to. The 2026
# measures
# (in force 2026-04-01) assess figures of 2025 on; set e.g. TIER_RULE_SET_2026_FROM=2026 to keep 2022 rules longer.
TIER_RULE_SET_FIRST_YEARS = {"2022": FIRST_YEAR, "2026": env.int("TIER_RULE_SET_2026_FROM", default=2025)}

# Reading of 以下 at the SME size limits of 《中小企业划型标准规定》 (docs/domain-rules.md 4.4
# and 4.5): True
# (民法典 art. 1259: 以下 includes the figure itself) makes an enterprise of exactly 300 staff and 10000万元 an SME;
# False reads the limits as the statistics bureau's size tables do (the limit itself is no longer small).
# Every assessment answer states it (sme_limits_include_boundary).
SME_LIMITS_INCLUDE_BOUNDARY = env.bool("SME_LIMITS_INCLUDE_BOUNDARY", default=True)

# [U] docs/domain-rules.md 3: whether every issued code passes the position-17 organisation-code check is
# unconfirmed. True refuses such codes; False accepts them. Read by the Python validator and by PostgreSQL's
# credit_code_is_valid (the database setting dh.credit_code_check_org, written from this one by every migrate
# and sent by every connection of the application: enterprises/credit_code.py).
CREDIT_CODE_CHECK_ORGANISATION_CODE = env.bool("CREDIT_CODE_CHECK_ORGANISATION_CODE", default=True)
session_setting(DATABASES, "dh.credit_code_check_org", "on" if CREDIT_CODE_CHECK_ORGANISATION_CODE else "off")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Dates (and their years) a report may be asked for: a query parameter outside them is a 400 naming it.
REPORT_DATE_MIN = datetime.date(FIRST_YEAR, 1, 1)
REPORT_DATE_MAX = datetime.date(LAST_YEAR, 12, 31)

# `manage.py seed` creates the demo accounts (their passwords are public) only when this is on or it is given
# --demo-accounts: on in the local settings only.
DEMO_ACCOUNTS = env.bool("DEMO_ACCOUNTS", default=False)

# The default filing season of year Y's figures, as month-day of Y+1 (both days included), for a year the bureau has
# set no season of its own (FilingSeason): the reports' default year is the latest year whose season has closed.
FILING_SEASON_OPENS = env("FILING_SEASON_OPENS", default="01-01")
FILING_SEASON_CLOSES = env("FILING_SEASON_CLOSES", default="05-31")

# Report cells counting fewer enterprises than this hide their money sums from users outside the bureau.
SMALL_CELL_MIN = env.int("SMALL_CELL_MIN", default=3)
