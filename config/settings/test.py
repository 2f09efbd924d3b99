"""pytest: real PostgreSQL and real Redis, eager Celery, fast hashing."""

from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
CACHES["default"]["KEY_PREFIX"] = "shunani-test"  # noqa: F405
FACEBOOK_APP_ID = "100000000000001"
FACEBOOK_APP_SECRET = "test-app-secret"  # noqa: S105
FACEBOOK_WEBHOOK_VERIFY_TOKEN = "test-verify-token"  # noqa: S105
FIELD_ENCRYPTION_KEYS = ["dGVzdC1rZXktMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA="]
MEDIA_ROOT = BASE_DIR / ".data" / "test-media"  # noqa: F405

# The read replica's alias, as a mirror of the test database, so the router's tests can run
# (tests/core/test_db_routers.py). Reads go there only where DATABASE_READ_REPLICA names it.
DATABASES.setdefault("replica", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})  # noqa: F405
