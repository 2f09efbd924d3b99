"""Deployments: DJANGO_SETTINGS_MODULE=config.settings.production. Secrets have no default."""

from config.settings.base import *  # noqa: F403
from config.settings.safety import refuse_unsafe_settings

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # noqa: F405
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")  # noqa: F405
DATABASES = {"default": env.db("DATABASE_URL")}  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a dropped connection is not a 500
if DATABASE_REPLICA_URL:  # noqa: F405  (core/db_routers.py: dashboards and exports read there)
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),  # noqa: F405
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
    }
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")  # noqa: F405
FACEBOOK_APP_SECRET = env("FACEBOOK_APP_SECRET")  # noqa: F405
FACEBOOK_WEBHOOK_VERIFY_TOKEN = env("FACEBOOK_WEBHOOK_VERIFY_TOKEN")  # noqa: F405
FACEBOOK_GRAPH_URL = env("FACEBOOK_GRAPH_URL", default="https://graph.facebook.com/")  # noqa: F405

# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)  # noqa: F405
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Last: refuse development values (config/settings/safety.py; opt-outs in SHUNANI_ALLOW_UNSAFE).
SHUNANI_ALLOW_UNSAFE = {
    name.strip()
    for name in env.list("SHUNANI_ALLOW_UNSAFE", default=[])  # noqa: F405
    if name.strip()
}
refuse_unsafe_settings(globals(), SHUNANI_ALLOW_UNSAFE)

# --- Operations (issue 14) -------------------------------------------------------------------
LOG_FORMAT = env("LOG_FORMAT", default="json")  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # type: ignore[index]  # noqa: F405
# Prometheus scrapes the web service directly, over the stack's own network, in plain HTTP.
SECURE_REDIRECT_EXEMPT += [r"^ops/metrics$"]
if SENTRY_DSN:  # noqa: F405
    from core.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,  # noqa: F405
        environment=SENTRY_ENVIRONMENT,  # noqa: F405
        release=SENTRY_RELEASE,  # noqa: F405
        secrets=[SECRET_KEY, FACEBOOK_APP_SECRET, *FIELD_ENCRYPTION_KEYS, BACKUP_ENCRYPTION_KEY],  # noqa: F405
    )
