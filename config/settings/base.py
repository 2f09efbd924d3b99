"""Every setting, read from the environment. local/test/production override a few lines."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-not-a-secret")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "offices",
    "grievances",
    "triage",  # suggestions for new grievances (issue 13); no URLs of its own
    "integrations.notifications",
    "integrations.facebook",
    "dashboards",
    "demo",
    "benchmarks",  # its `generate_load` command only: no models, no URLs
    "api",
    "open311",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    # Before CsrfViewMiddleware, which reads (and so parses) the body.
    "core.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.OtpRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grievances.context_processors.staff_notifications",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://127.0.0.1:5432/shunani")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica (README, "Beyond one machine"): the dashboards' and exports' reads go there
# when DATABASE_REPLICA_URL is set (core/db_routers.py); writes and migrations never do.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_READ_REPLICA = "replica" if DATABASE_REPLICA_URL else ""
DATABASE_ROUTERS = ["core.db_routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is the Celery broker and the cache (rate limits). It holds nothing that cannot be lost:
# work that must happen is a row in PostgreSQL (DESIGN.md §4).
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Short socket timeouts: a hung Redis costs a request half a second, not a worker for 30 s.
# Every cache and rate-limit call fails open (core/cache.py), so Redis down is never a 500.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.5)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="shunani"),
        "OPTIONS": {
            "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
        },
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/officer/"
# National staff (is_national) land on the national dashboard after sign-in when no `next`.
NATIONAL_LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/"
# Failed sign-ins (Redis counters, accounts/throttle.py): tries per username from one client
# before a pause of LOGIN_LOCK_SECONDS, doubled after each further burst up to the max; a
# ceiling per username from anywhere per LOGIN_USERNAME_WINDOW_SECONDS; and per client address
# across usernames per LOGIN_FAILURE_WINDOW_SECONDS.
LOGIN_FAILURES_PER_USERNAME_AND_CLIENT = env.int(
    "LOGIN_FAILURES_PER_USERNAME_AND_CLIENT", default=5
)
LOGIN_LOCK_SECONDS = env.int("LOGIN_LOCK_SECONDS", default=60)
LOGIN_LOCK_MAX_SECONDS = env.int("LOGIN_LOCK_MAX_SECONDS", default=60 * 60)
LOGIN_FAILURES_PER_USERNAME = env.int("LOGIN_FAILURES_PER_USERNAME", default=50)
LOGIN_USERNAME_WINDOW_SECONDS = env.int("LOGIN_USERNAME_WINDOW_SECONDS", default=60 * 60)
LOGIN_FAILURES_PER_IP = env.int("LOGIN_FAILURES_PER_IP", default=20)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
# Two-factor (TOTP, django-otp): optional for officers, required for these roles
# ("gro" and "head" of any office, "national" viewers) and, whenever this list is not empty,
# for staff and superusers too (accounts/selectors.py). Empty only on developers' machines.
OTP_REQUIRED_FOR_ROLES = env.list("OTP_REQUIRED_FOR_ROLES", default=["gro", "head", "national"])
OTP_TOTP_ISSUER = "Shunani"
# Signed-in staff: out after this long idle, and after this long whatever they do.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=12 * 60 * 60)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bangla first, English second; store UTC, show Dhaka time.
LANGUAGE_CODE = "bn"
LANGUAGES = [("bn", "বাংলা"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Dhaka"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Citizens' attachments live outside every served path; only views that check access stream them.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media"))

# Request bodies: refused with 413 above this many bytes before anything reads them (three
# 5 MB attachments and the form). Meta's webhook checks its own, smaller limit in its view.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=16 * 1024 * 1024)
REQUEST_BODY_LIMIT_EXEMPT_PATHS = ["/integrations/facebook/webhook/"]
# Files in one request: a form takes at most 3; more is refused (400) before any is stored.
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=10)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds an SMTP conversation may take before the attempt counts as failed (and is retried).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Shunani <noreply@shunani.gov.bd>")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the no-JS forms carry the token in the body; JS never reads it
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # an expired form, explained in Bangla and English
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): everything from this site only, no inline script or
# style anywhere (Facebook text shown to officers can never run). The API docs page adds what
# Swagger UI needs (config/urls.py). No form-action: connecting Facebook pages posts a form
# that redirects to facebook.com.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# The public address, for links in SMS and e-mail (e.g. https://shunani.gov.bd). Without it
# messages carry the tracking code only.
SITE_URL = env("SITE_URL", default="")

# Our reverse proxies' addresses (CIDR, comma-separated, e.g. 172.16.0.0/12). X-Forwarded-For is
# read only from them; empty means the client is REMOTE_ADDR, whatever the header says (rate
# limits must not be spoofable). See core/client_ip.py.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Older setting, used only when TRUSTED_PROXIES is empty: the N-th X-Forwarded-For entry from
# the right, whoever sent it (the deploy check warns).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Deadlines (DESIGN.md §3.2), all in working days, Asia/Dhaka, Friday+Saturday off ---------
GRIEVANCE_TIER_DEADLINE_DAYS = {1: 30, 2: 20, 3: 60}
GRIEVANCE_FIRST_RESPONSE_DAYS = env.int("GRIEVANCE_FIRST_RESPONSE_DAYS", default=1)
GRIEVANCE_INTERIM_UPDATE_DAYS = env.int("GRIEVANCE_INTERIM_UPDATE_DAYS", default=10)
GRIEVANCE_CITIZEN_RESPONSE_DAYS = env.int("GRIEVANCE_CITIZEN_RESPONSE_DAYS", default=10)
GRIEVANCE_DUE_SOON_DAYS = env.int("GRIEVANCE_DUE_SOON_DAYS", default=2)
# Overdue escalation climbs one step (GRO → head → appeal office) per this many working days.
GRIEVANCE_ESCALATION_STEP_DAYS = env.int("GRIEVANCE_ESCALATION_STEP_DAYS", default=5)
WEEKEND_DAYS = (4, 5)  # Python weekday(): Friday, Saturday

# --- Tokens at rest: MultiFernet; the first key encrypts, every key decrypts (rotation) ------
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["bG9jYWwtb25seS1rZXktMDAwMDAwMDAwMDAwMDAwMDA="]
)

# --- Facebook (graph-api.md) -------------------------------------------------------------
FACEBOOK_APP_ID = env("FACEBOOK_APP_ID", default="")
FACEBOOK_APP_SECRET = env("FACEBOOK_APP_SECRET", default="")
FACEBOOK_WEBHOOK_VERIFY_TOKEN = env("FACEBOOK_WEBHOOK_VERIFY_TOKEN", default="")
FACEBOOK_GRAPH_URL = env("FACEBOOK_GRAPH_URL", default="http://127.0.0.1:8088/")
FACEBOOK_GRAPH_VERSION = env("FACEBOOK_GRAPH_VERSION", default="v25.0")
FACEBOOK_GRAPH_TIMEOUT = env.float("FACEBOOK_GRAPH_TIMEOUT", default=10.0)
# Facebook Login dialog host; empty: facebook.com for the real Graph, the fake server otherwise.
FACEBOOK_WWW_URL = env("FACEBOOK_WWW_URL", default="")
# Polling reconciler: posts of the last N days; comments from a little before the position.
FACEBOOK_SYNC_WINDOW_DAYS = env.int("FACEBOOK_SYNC_WINDOW_DAYS", default=7)
FACEBOOK_SYNC_OVERLAP_MINUTES = env.int("FACEBOOK_SYNC_OVERLAP_MINUTES", default=60)
FACEBOOK_SYNC_INTERVAL_SECONDS = env.int("FACEBOOK_SYNC_INTERVAL_SECONDS", default=5 * 60)
# graph-api.md §6.3: at 75 % of any usage figure poll that page less often; at 90 % rarely.
FACEBOOK_USAGE_SLOWDOWN_PERCENT = 75
FACEBOOK_USAGE_STOP_PERCENT = 90
# A stored webhook body not processed after this long is queued again (Redis may have lost it).
FACEBOOK_WEBHOOK_RETRY_SECONDS = env.int("FACEBOOK_WEBHOOK_RETRY_SECONDS", default=5 * 60)
# Processed webhook bodies are deleted this many days after processing (their comments stay).
WEBHOOK_RETENTION_DAYS = env.int("WEBHOOK_RETENTION_DAYS", default=30)
# Before re-sending a reply whose response was lost, give Graph this long to show it (F39).
FACEBOOK_REPLY_CHECK_DELAY_SECONDS = env.int("FACEBOOK_REPLY_CHECK_DELAY_SECONDS", default=60)
# Permissions asked for when an administrator connects pages (graph-api.md §1.2).
FACEBOOK_LOGIN_SCOPES = [
    "pages_show_list",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "pages_manage_metadata",
    # The private link by Messenger (graph-api.md §3.4); without it no private reply is tried.
    "pages_messaging",
]

# --- Notifications ---------------------------------------------------------------------------
SMS_BACKEND = env("SMS_BACKEND", default="outbox")  # "outbox" (visible in admin) or "http"
SMS_HTTP_URL = env("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", default="")
SMS_SENDER_ID = env("SMS_SENDER_ID", default="SHUNANI")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)
# SMS / e-mail to an address a member of the public typed: at most this many a day to one
# recipient (a stranger cannot make the portal message someone else's phone all day).
NOTIFICATION_DAILY_LIMIT_PER_RECIPIENT = env.int(
    "NOTIFICATION_DAILY_LIMIT_PER_RECIPIENT", default=10
)

# --- Celery (https://docs.celeryq.dev/en/stable/userguide/configuration.html) -----------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True  # every task is idempotent (STYLE.md §8)
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a SIGKILLed worker's task goes back on the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any task or countdown, so Redis does not redeliver work that is still running.
    "visibility_timeout": 2 * 60 * 60,
    # A request that queues a task waits at most about a second for a broker that is down or
    # hung; the row it wrote is swept later (core/tasks.py). The read timeout stays above the
    # worker's 1-second BRPOP wait.
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=2.0),
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
# One quick retry when publishing, then give up (the caller logs it; a sweeper re-queues).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
CELERY_BEAT_SCHEDULE["grievance-deadlines"] = {
    # Reminders, escalations, ignored Facebook posts, interim updates, auto-close (DESIGN §5.4).
    "task": "grievances.tasks.grievance_deadline_sweep_task",
    "schedule": 60 * 60,  # hourly; every step is idempotent, so reruns add nothing
}
CELERY_BEAT_SCHEDULE["citizen-leftovers"] = {
    # Files kept for a citizen's next submit that never came; old one-time filing tokens.
    "task": "grievances.tasks.citizen_leftovers_sweep_task",
    "schedule": 60 * 60,  # hourly
}
CELERY_BEAT_SCHEDULE["facebook-sync-all"] = {
    "task": "integrations.facebook.tasks.facebook_sync_all_task",
    "schedule": FACEBOOK_SYNC_INTERVAL_SECONDS,
}
CELERY_BEAT_SCHEDULE["facebook-webhook-sweep"] = {
    # Deliveries stored but not processed (a lost task, a Redis restart) are queued again.
    "task": "integrations.facebook.tasks.facebook_webhook_sweep_task",
    "schedule": 60,  # seconds
}
CELERY_BEAT_SCHEDULE["facebook-private-reply-sweep"] = {
    # Private links still queued (a lost task, a broker outage) are queued again.
    "task": "integrations.facebook.tasks.facebook_private_reply_sweep_task",
    "schedule": 5 * 60,  # seconds
}
CELERY_BEAT_SCHEDULE["facebook-webhook-purge"] = {
    # Processed webhook bodies older than WEBHOOK_RETENTION_DAYS (unprocessed/parked are kept).
    "task": "integrations.facebook.tasks.facebook_webhook_purge_task",
    "schedule": crontab(hour=3, minute=10),  # daily, at night in CELERY_TIMEZONE
}
CELERY_BEAT_SCHEDULE["sessions-purge"] = {
    "task": "core.tasks.session_purge_task",  # expired sessions (Django's clearsessions)
    "schedule": crontab(hour=3, minute=20),
}
CELERY_BEAT_SCHEDULE["reply-sweep"] = {
    # Every undelivered reply that is due and has no task (a lost task, a Redis restart, a
    # wait longer than a countdown) is queued again; not on a paused Facebook page.
    "task": "grievances.tasks.reply_sweep_task",
    "schedule": 2 * 60,  # seconds
}
CELERY_BEAT_SCHEDULE["notifications-sweep"] = {
    # SMS / e-mail still queued 10 minutes on (their task was lost with the broker, or their
    # retries ran out in a long gateway outage) go again.
    "task": "integrations.notifications.tasks.notification_sweep_task",
    "schedule": 5 * 60,  # seconds
}

CELERY_BEAT_SCHEDULE["dashboards-refresh"] = {
    # The dashboards' summaries: only the offices touched since the last run (dashboards/).
    "task": "dashboards.tasks.dashboards_refresh_task",
    "schedule": 3 * 60,  # seconds
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shunani API",
    "DESCRIPTION": "Grievances of Bangladesh's district offices.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",  # served by the app: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "core.logging.MaskPiiFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_pii"]}
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Names shown in the language switch and the page title.
SITE_NAME = _("Shunani")

# --- Operations (issue 14; docs/operations.md) ------------------------------------------------
INSTALLED_APPS += ["ops"]
# First: the request id is current for everything after it, and latency covers the whole stack.
MIDDLEWARE = [
    "core.request_id.RequestIdMiddleware",
    "ops.middleware.RouteLatencyMiddleware",
    *MIDDLEWARE,
]
# Backups (`manage.py backup`, ops/backups.py): where, how many, and the Fernet key that
# encrypts them (empty: not encrypted). Keep the key off the server, beside the backups' copy.
BACKUP_DIR = env.path("BACKUP_DIR", default=str(BASE_DIR / ".data" / "backups"))
BACKUP_ENCRYPTION_KEY = env("BACKUP_ENCRYPTION_KEY", default="")
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", default=4)
# Where pg_dump/pg_restore of the server's major version are, when not found on their own.
BACKUP_PG_BIN_DIR = env("BACKUP_PG_BIN_DIR", default="")
# /ops/metrics (ops/views.py): a bearer token, and/or the networks Prometheus scrapes from.
# Both empty: refused to everyone.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
# Dotted path of a callable returning when the dashboards' newest summary was computed.
METRICS_SUMMARY_AGE_SOURCE = env("METRICS_SUMMARY_AGE_SOURCE", default="")
# Personal data of grievances closed more than this many years ago is erased (ops/erasure.py).
PERSONAL_DATA_RETENTION_YEARS = env.int("PERSONAL_DATA_RETENTION_YEARS", default=5)
CELERY_BEAT_SCHEDULE["personal-data-erasure"] = {
    "task": "ops.tasks.personal_data_erase_task",
    "schedule": crontab(hour=3, minute=40),  # nightly, after the purges
}
# Logs: "plain" (developers) or "json" (production: one object per line, with the request id).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING["filters"]["request_id"] = {"()": "core.logging.RequestIdFilter"}  # type: ignore[index]
LOGGING["formatters"]["json"] = {"()": "core.logging.JsonFormatter"}  # type: ignore[index]
LOGGING["formatters"]["plain"] = {  # type: ignore[index]
    "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
}
LOGGING["handlers"]["console"]["filters"] = ["request_id", "mask_pii"]  # type: ignore[index]
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # type: ignore[index]
# Errors to Sentry, masked like the logs (core/sentry.py). Empty: nothing is sent.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
# Triage (triage/): the classifier's model file, and a switch for all of it. Without a model
# file nothing is suggested and nothing else changes; `manage.py triage_train` writes one.
TRIAGE_ENABLED = env.bool("TRIAGE_ENABLED", default=True)
TRIAGE_MODEL_PATH = env(
    "TRIAGE_MODEL_PATH", default=str(BASE_DIR / "triage" / "model" / "triage.joblib")
)
# --- Open311 GeoReport v2 (/open311/v2/) ------------------------------------------------------
# One jurisdiction: clients may leave `jurisdiction_id` out; if they send one, it must be this.
OPEN311_JURISDICTION_ID = env("OPEN311_JURISDICTION_ID", default="bd.gov.shunani")
OPEN311_CONTACT = env(
    "OPEN311_CONTACT", default="Shunani grievance portal: ask the portal's administrators."
)
# Seconds a GET answer is served from the cache (and may be by clients and proxies).
OPEN311_CACHE_SECONDS = env.int("OPEN311_CACHE_SECONDS", default=300)
