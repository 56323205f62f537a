"""Stepscope's settings, all read from the environment (see README, "Settings").

With nothing set, Stepscope runs embedded: SQLite, the in-memory channel layer, and background work
in-process. DATABASE_URL switches to PostgreSQL; REDIS_URL switches to the Redis channel layer and
Celery workers.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from config.env import SettingError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("STEPSCOPE_VAR_DIR") or BASE_DIR / "var")

DEVELOPMENT_SECRET_KEY = "stepscope-development-key-never-use-in-production"
DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise SettingError(
        "DJANGO_DEBUG is off but DJANGO_SECRET_KEY is unset: set DJANGO_SECRET_KEY to a long "
        "random string (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`)"
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "apps.accounts",
    "apps.healthchecks",
    "apps.definitions",
    "apps.executions",
    "apps.live",
    "apps.simulations",
    "apps.aws",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as error:
        raise SettingError(f"DATABASE_URL is not a database URL: {error}") from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "stepscope.sqlite3",
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Keys and group names start with the prefix (tests give each run its own).
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env_str("STEPSCOPE_CHANNEL_PREFIX") or "asgi",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("STEPSCOPE_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 10)
CELERY_TASK_IGNORE_RESULT = True  # every task saves its outcome in the database itself
# The queue tasks go to and workers read (tests give each run its own).
CELERY_TASK_DEFAULT_QUEUE = env_str("STEPSCOPE_CELERY_QUEUE") or "celery"

# Simulations (apps/simulations). A step claims its simulation for the lease; a worker killed
# mid-step frees it when the lease runs out. The default outlives the task's hard time limit, so a
# live step is never taken over; a shorter lease only risks a slow step being run again by another
# worker (the first one's saves are then refused, so no event is doubled).
SIMULATION_CLAIM_LEASE_SECONDS = env_int(
    "STEPSCOPE_CLAIM_LEASE_SECONDS", CELERY_TASK_TIME_LIMIT + 30, minimum=1
)
# The sweeper (apps/simulations/sweeping.py) re-queues, every SWEEP seconds, the steps of running
# simulations overdue by more than the GRACE that no live claim holds: Celery beat runs it (the
# worker's -B), or a thread of the server process in the embedded mode (STEPSCOPE_SWEEP_IN_PROCESS,
# which scripts/serve.sh sets).
SIMULATION_SWEEP_SECONDS = env_int("STEPSCOPE_SWEEP_SECONDS", 30, minimum=1)
SIMULATION_SWEEP_GRACE_SECONDS = env_int("STEPSCOPE_SWEEP_GRACE_SECONDS", 60, minimum=0)
SIMULATION_SWEEP_IN_PROCESS = env_bool("STEPSCOPE_SWEEP_IN_PROCESS", False)
# Pulling from AWS (apps/aws): attempts per call with botocore's adaptive retry (throttling is
# retried with back-off and a client-side rate limit), and how many histories are pulled at once.
AWS_MAX_ATTEMPTS = env_int("STEPSCOPE_AWS_MAX_ATTEMPTS", 8, minimum=1)
AWS_CONCURRENCY = env_int("STEPSCOPE_AWS_CONCURRENCY", 4, minimum=1)
# Following running AWS executions (apps/aws/following.py): polled every FOLLOW seconds at first,
# backing off to FOLLOW_MAX while nothing new arrives; opening an execution's page follows it for
# FOLLOW_VIEW seconds.
AWS_FOLLOW_SECONDS = env_int("STEPSCOPE_AWS_FOLLOW_SECONDS", 2, minimum=1)
AWS_FOLLOW_MAX_SECONDS = env_int("STEPSCOPE_AWS_FOLLOW_MAX_SECONDS", 60, minimum=1)
AWS_FOLLOW_VIEW_SECONDS = env_int("STEPSCOPE_AWS_FOLLOW_VIEW_SECONDS", 900, minimum=1)
# The folders whose Lambda handlers the New execution page may run (they run as this server's
# user, so only folders the operator trusts): comma-separated absolute paths. The command line
# (`manage.py simulate --lambdas`) is the operator's own and is not limited.
DEMO_LAMBDAS = BASE_DIR / "fixtures" / "simulations" / "lambdas"
SIMULATION_LAMBDA_ROOTS = [
    Path(root) for root in env_list("STEPSCOPE_LAMBDA_ROOTS", [str(DEMO_LAMBDAS)])
]
# How often a websocket viewer of a running execution also checks the database (0: never).
STEPSCOPE_LIVE_POLL_SECONDS = env_int("STEPSCOPE_LIVE_POLL_SECONDS", 2, minimum=0)
CELERY_BEAT_SCHEDULE = {
    "simulations-sweep": {
        "task": "simulations.sweep",
        "schedule": float(SIMULATION_SWEEP_SECONDS),
        "options": {"expires": float(SIMULATION_SWEEP_SECONDS)},  # a missed sweep is not owed
    },
    "aws-follow": {
        "task": "aws.follow",
        "schedule": float(AWS_FOLLOW_SECONDS),
        "options": {"expires": float(AWS_FOLLOW_SECONDS)},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# LoginRequiredMiddleware refuses anonymous users everywhere except views marked
# @login_not_required: the login page and /healthz.

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG

# Definitions over AWS's 1 MiB limit are refused with a clear message by the import service, so
# requests may be somewhat larger than that before Django itself steps in.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("STEPSCOPE_MAX_REQUEST_BYTES", 4 * 1024 * 1024, minimum=1024)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("STEPSCOPE_LOG_LEVEL", "INFO")},
    # boto3 says at INFO where it found credentials on every client; keep its warnings only.
    "loggers": {"botocore": {"level": "WARNING"}, "boto3": {"level": "WARNING"}},
}
