"""Settings for pytest: fast password hashing, no throttling surprises, plain static storage."""
import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import DATABASES, DRAWING_STORAGES, DRAWINGS_STORAGE, REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": DRAWING_STORAGES[DRAWINGS_STORAGE]},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/min"}}

# SQLite tests use a file, not memory, so the Celery worker process a test starts sees the test database
# (it gets DATABASE_URL=sqlite:///<this file>); one file per pytest process, removed when the session ends.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"digitsite-test-{os.getpid()}.sqlite3")}
NUMBERS_API_URL = "http://127.0.0.1:9"  # a closed port: no test reaches numbersapi.com
