"""Settings shared by every environment; each value can be set from the environment."""
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_float, env_list, env_str

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
DRAWINGS_STORAGE = env_str("DRAWINGS_STORAGE", "filesystem")
if DRAWINGS_STORAGE not in DRAWING_STORAGES:
    raise ImproperlyConfigured(f"DRAWINGS_STORAGE must be one of {', '.join(DRAWING_STORAGES)}, "
                               f"not {DRAWINGS_STORAGE!r}")
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Facts
# The Numbers API (HTTP only, often down): how long we wait for it, how much of a request it may take,
# and after how many failures in a row the client stops calling it, and for how long.
NUMBERS_API_URL = env_str("NUMBERS_API_URL", "http://numbersapi.com")
NUMBERS_API_CONNECT_TIMEOUT = env_float("NUMBERS_API_CONNECT_TIMEOUT", 0.5)
NUMBERS_API_READ_TIMEOUT = env_float("NUMBERS_API_READ_TIMEOUT", 1.5)
FACT_BUDGET_SECONDS = env_float("FACT_BUDGET_SECONDS", 0.3)
NUMBERS_API_BREAKER_FAILURES = int(env_float("NUMBERS_API_BREAKER_FAILURES", 5))
NUMBERS_API_BREAKER_COOLDOWN = env_float("NUMBERS_API_BREAKER_COOLDOWN", 60.0)
# End of Facts

# Retraining
# Runs are queued on Redis for a Celery worker; without REDIS_URL they train in a thread of the process
# that asked (the `retrain` command trains in the foreground).
# A fine-tuning run (from the active weights) trains RETRAIN_EPOCHS epochs; in one epoch every training drawing is
# seen RETRAIN_VARIANTS times, each time a fresh augmentation, in batches of which RETRAIN_REPLAY_SHARE are replayed
# MNIST train digits (and of those, RETRAIN_PEN_SHARE the pen-drawn WEIGHTS_DIR/pen_inputs.npz when it is there),
# so what the network knows stays in every step. An epoch is RETRAIN_MIN_STEPS to RETRAIN_MAX_STEPS batches (the
# cap keeps a run on 10,000 drawings within minutes). RETRAIN_L2SP pulls the weights toward the active ones
# (L2-SP; 0 = off); RETRAIN_DISTILL mixes the active network's answers into the replayed digits' targets
# (distillation; 0 = off). Tuned on pendigits writers 17-20 (README, Retraining).
RETRAIN_EPOCHS = int(env_float("RETRAIN_EPOCHS", 1))
RETRAIN_BATCH_SIZE = int(env_float("RETRAIN_BATCH_SIZE", 128))
RETRAIN_LR = env_float("RETRAIN_LR", 5e-4)                      # fine-tuning the active weights
RETRAIN_VARIANTS = int(env_float("RETRAIN_VARIANTS", 50))
RETRAIN_REPLAY_SHARE = env_float("RETRAIN_REPLAY_SHARE", 0.5)
RETRAIN_PEN_SHARE = env_float("RETRAIN_PEN_SHARE", 0.0)
RETRAIN_L2SP = env_float("RETRAIN_L2SP", 0.1)
RETRAIN_DISTILL = env_float("RETRAIN_DISTILL", 0.0)
RETRAIN_MIN_STEPS = int(env_float("RETRAIN_MIN_STEPS", 100))
RETRAIN_MAX_STEPS = int(env_float("RETRAIN_MAX_STEPS", 2000))
# --from-scratch: RETRAIN_EPOCHS passes over MNIST train, RETRAIN_SCRATCH_DRAWING_SHARE of every batch drawings.
RETRAIN_SCRATCH_LR = env_float("RETRAIN_SCRATCH_LR", 1e-3)
RETRAIN_SCRATCH_DRAWING_SHARE = env_float("RETRAIN_SCRATCH_DRAWING_SHARE", 0.1)
RETRAIN_SEED = int(env_float("RETRAIN_SEED", 0))
RETRAIN_VISITOR_LABELS = env_bool("RETRAIN_VISITOR_LABELS", False)
# Drawings whose submission id is a multiple of this are the holdout: never trained on, only measured.
RETRAIN_HOLDOUT_EVERY = int(env_float("RETRAIN_HOLDOUT_EVERY", 5))
# Promotion gate: MNIST test accuracy may drop by at most RETRAIN_MAX_MNIST_DROP (0.001 = 0.1 point). On the
# holdout, active and candidate are compared digit by digit (McNemar's exact test on the digits where they
# disagree): the holdout vetoes only when the candidate is wrong on more of them and p < RETRAIN_HOLDOUT_ALPHA.
RETRAIN_MAX_MNIST_DROP = env_float("RETRAIN_MAX_MNIST_DROP", 0.001)
RETRAIN_HOLDOUT_ALPHA = env_float("RETRAIN_HOLDOUT_ALPHA", 0.05)
# A run writes its progress at most every RETRAIN_PROGRESS_SECONDS. A thread of the running process writes its
# heartbeat every RETRAIN_STALE_SECONDS / 4, whatever step it is in; a run whose heartbeat is older than
# RETRAIN_STALE_SECONDS is taken for dead (its worker was killed) and marked failed by the next request. Its
# training lock expires after RETRAIN_STALE_SECONDS too: each heartbeat extends it.
RETRAIN_PROGRESS_SECONDS = env_float("RETRAIN_PROGRESS_SECONDS", 2.0)
RETRAIN_STALE_SECONDS = env_float("RETRAIN_STALE_SECONDS", 60)
# The nightly retrain that `manage.py setup_schedules` creates (crontab, UTC; edit it in the admin later).
RETRAIN_SCHEDULE_ARCH = env_str("RETRAIN_SCHEDULE_ARCH", "cnn")
RETRAIN_SCHEDULE_CRONTAB = env_str("RETRAIN_SCHEDULE_CRONTAB", "30 3 * * *")
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
