"""Settings shared by every environment; each value can be set from the environment."""
from datetime import timedelta
from pathlib import Path

import dj_database_url

from digitsite.reporting import init_sentry, logging_config

from .env import env_bool, env_choice, env_float, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_celery_beat",
    "recognizer",
    "facts",
    "submissions",
    "training",
    "canvas",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",     # last, as django-axes requires
]

ROOT_URLCONF = "digitsite.urls"
WSGI_APPLICATION = "digitsite.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [BASE_DIR / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]

VAR_DIR.mkdir(parents=True, exist_ok=True)    # the default SQLite file, media and data live here
DATABASES = {"default": dj_database_url.parse(
    env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once (several gunicorn workers); synchronous=NORMAL syncs at
    # checkpoints rather than at every commit; IMMEDIATE takes the write lock up front instead of failing
    # with "database is locked" halfway through a transaction.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                                       "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Axes refuses a login before the password is checked once IP and username have failed too often.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Where drawings are stored: "filesystem" (MEDIA_ROOT, one machine) or "database" (every machine that shares the
# database serves every drawing; see deploy/README.md). Any other Django storage is a STORAGES setting away.
DRAWING_STORAGES = {"filesystem": "django.core.files.storage.FileSystemStorage",
                    "database": "submissions.storage.DatabaseStorage"}
DRAWINGS_STORAGE = env_choice("DRAWINGS_STORAGE", "filesystem", tuple(DRAWING_STORAGES))
STORAGES = {
    "default": {"BACKEND": DRAWING_STORAGES[DRAWINGS_STORAGE]},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Where MNIST and other training data live, and where weights are read from (the shipped ones by default).
DATA_DIR = Path(env_str("DATA_DIR", str(VAR_DIR / "data")))
WEIGHTS_DIR = Path(env_str("WEIGHTS_DIR", str(BASE_DIR / "weights")))
# Versions trained here live in the database; each machine keeps a copy of the ones it loaded here (by sha256).
MODEL_CACHE_DIR = Path(env_str("MODEL_CACHE_DIR", str(VAR_DIR / "model_cache")))
SERVED_ARCH = env_str("SERVED_ARCH", "cnn")

REDIS_URL = env_str("REDIS_URL")

# A drawing's JSON body is at most 2 MB; Django refuses larger bodies before reading them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# How many proxies of ours stand in front of gunicorn and append to X-Forwarded-For: the client address is the
# one the outermost of them saw. 0 (the default): X-Forwarded-For is ignored, since any client can send it.
NUM_PROXIES = int(env_float("NUM_PROXIES", 0))
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "digitsite.api_errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": ["digitsite.authentication.CsrfSessionAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "digitsite.negotiation.FirstFormatNegotiation",
    "DEFAULT_PARSER_CLASSES": ["digitsite.parsers.BoundedJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_THROTTLE_CLASSES": ["digitsite.throttling.VisitorRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_THROTTLE_RATE", "120/min")},
    "NUM_PROXIES": NUM_PROXIES,
}
CSRF_FAILURE_VIEW = "digitsite.errors.csrf_failure"
SPECTACULAR_SETTINGS = {
    "TITLE": "digitsite API",
    "DESCRIPTION": "Draw a number; a numpy network reads it.",
    "VERSION": "1.0.0",
    # Swagger UI and Redoc from the pinned drf-spectacular-sidecar package, served as our own static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Security
# Every page may load only our own scripts, styles and images (plus data: images such as the 28x28 inputs);
# nothing inline, no plugins, no framing, forms post only to us. Sent in every environment, so a page that
# needs more fails in development and tests first.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}}
# Login attempts (the admin's) are counted per username and client IP in the database, which keeps working
# when Redis is down; after 5 failures every attempt is refused for 15 minutes, even with the right password.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(env_float("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=env_float("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "digitsite.client_ip.client_ip"    # the address the API throttle uses (NUM_PROXIES)
# End of Security

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    # Short timeouts: a Redis that went away costs a request a fraction of a second, never a hang.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = int(env_float("CELERY_TASK_TIME_LIMIT", 3600))
CELERY_TASK_SOFT_TIME_LIMIT = int(env_float("CELERY_TASK_SOFT_TIME_LIMIT", 3300))
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Log lines with time, level and logger, or JSON ones (LOG_FORMAT=json); SENTRY_DSN: errors to Sentry (reporting.py).
LOGGING = logging_config(env_choice("LOG_FORMAT", "line", ("line", "json")), env_str("LOG_LEVEL", "INFO"))
init_sentry(env_str("SENTRY_DSN"))

# Facts
# The Numbers API (HTTP only, often down): how long we wait for it, how much of a request it may take,
# and after how many failures in a row the client stops calling it, and for how long.
NUMBERS_API_URL = env_str("NUMBERS_API_URL", "http://numbersapi.com")
NUMBERS_API_CONNECT_TIMEOUT = env_float("NUMBERS_API_CONNECT_TIMEOUT", 0.5)
NUMBERS_API_READ_TIMEOUT = env_float("NUMBERS_API_READ_TIMEOUT", 1.5)
FACT_BUDGET_SECONDS = env_float("FACT_BUDGET_SECONDS", 0.3)
FACT_CACHE_SECONDS = env_float("FACT_CACHE_SECONDS", 60.0)     # a stored fact is kept in each process this long
NUMBERS_API_BREAKER_FAILURES = int(env_float("NUMBERS_API_BREAKER_FAILURES", 5))
NUMBERS_API_BREAKER_COOLDOWN = env_float("NUMBERS_API_BREAKER_COOLDOWN", 60.0)
# End of Facts

# Retraining
from .retraining import *  # noqa: E402,F401,F403  (the RETRAIN_* settings)
# Each web process asks the database which version is active at most this often, and reloads when it changed.
SERVING_CHECK_SECONDS = env_float("SERVING_CHECK_SECONDS", 3.0)
# A message not acknowledged this long is redelivered: longer than any run may take.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 600}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# End of Retraining

# Privacy
# Drawings no staff member has labelled are deleted this many days after they were made (a nightly task);
# staff-labelled ones are training data and stay until their visitor or staff delete them.
DRAWING_RETENTION_DAYS = int(env_float("DRAWING_RETENTION_DAYS", 180))
DRAWING_PURGE_CRONTAB = env_str("DRAWING_PURGE_CRONTAB", "15 3 * * *")
# End of Privacy
