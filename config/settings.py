"""Stepscope's settings, all read from the environment (see README, "Settings").

With nothing set, Stepscope runs embedded: SQLite, the in-memory channel layer, and background work
in-process. DATABASE_URL switches to PostgreSQL; REDIS_URL switches to the Redis channel layer and
Celery workers.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from config import secret_key
from config.env import SettingError, env_auto_bool, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("STEPSCOPE_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", False)
# An explicit key must be long; without one, a key is generated once and kept in var/secret_key
# (mode 0600), so every process of this installation (web, workers, manage.py) shares it.
if env_str("DJANGO_SECRET_KEY"):
    SECRET_KEY = secret_key.check_length(env_str("DJANGO_SECRET_KEY"), "DJANGO_SECRET_KEY")
else:
    SECRET_KEY = secret_key.load_or_create(VAR_DIR / "secret_key")
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
    "axes",
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
    "config.security_headers.ContentSecurityPolicyMiddleware",
    "config.security_headers.SecureCookiesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
            # Each transaction takes the write lock when it begins and waits up to 30 s for it:
            # a transaction that read first and then writes while another writes (an import job
            # beside a request) would otherwise fail at once with "database is locked".
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30},
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
# What AWS sources saved from the web may use (apps/aws/endpoints.py, identities.py; the command
# line is not limited): endpoints on this server's own networks only when listed as host[:port]
# patterns (`*` for any characters), named profiles and role ARNs (`*` wildcards) only when listed.
STEPSCOPE_AWS_ENDPOINT_ALLOW = env_list("STEPSCOPE_AWS_ENDPOINT_ALLOW", [])
STEPSCOPE_AWS_PROFILES = env_list("STEPSCOPE_AWS_PROFILES", [])
STEPSCOPE_AWS_ROLE_ARNS = env_list("STEPSCOPE_AWS_ROLE_ARNS", [])
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
# Sign-in throttling (django-axes, config/signin.py): failures are counted per username and per
# address independently; when either reaches the limit, sign-in is refused, right password or not,
# for the lockout. A failure counts while it is less than the lockout old, so the limit is failures
# each within LOCKOUT minutes of the next. Refused attempts do not extend the lockout. A successful
# sign-in forgets that username's failures.
AUTHENTICATION_BACKENDS = [
    "config.signin.SignInThrottleBackend",  # axes' AxesStandaloneBackend: refuses when locked out
    "django.contrib.auth.backends.ModelBackend",
]
STEPSCOPE_SIGNIN_FAILURES = env_int("STEPSCOPE_SIGNIN_FAILURES", 10, minimum=1)
STEPSCOPE_SIGNIN_LOCKOUT_MINUTES = env_int("STEPSCOPE_SIGNIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = STEPSCOPE_SIGNIN_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=STEPSCOPE_SIGNIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False  # config.signin.SignInAttempts forgets the username's failures only
AXES_HANDLER = "config.signin.SignInAttempts"
AXES_LOCKOUT_CALLABLE = "config.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in: only failures are kept
AXES_VERBOSE = False
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
# WhiteNoise serves what collectstatic put in STATIC_ROOT (`make run`, the Docker image) and,
# through the finders, static/ itself, which wins: tests never collect, and a stale staticfiles/
# is ignored.
WHITENOISE_USE_FINDERS = True

# Definitions over AWS's 1 MiB limit are refused with a clear message by the import service, so
# requests may be somewhat larger than that before Django itself steps in.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("STEPSCOPE_MAX_REQUEST_BYTES", 4 * 1024 * 1024, minimum=1024)
# History imports: a larger upload is refused (413); one over the background threshold is imported
# by a job with a progress page (apps/executions/import_jobs.py).
STEPSCOPE_MAX_UPLOAD_BYTES = env_int("STEPSCOPE_MAX_UPLOAD_BYTES", 64 * 1024 * 1024, minimum=1024)
STEPSCOPE_IMPORT_BACKGROUND_BYTES = env_int("STEPSCOPE_IMPORT_BACKGROUND_BYTES", 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Session and CSRF cookies: Secure always (1), never (0), or on responses to https requests only
# (auto, config.security_headers.SecureCookiesMiddleware), so plain http://127.0.0.1 still signs in.
SECURE_COOKIES = env_auto_bool("DJANGO_SECURE_COOKIES", None)
STEPSCOPE_SECURE_COOKIES_AUTO = SECURE_COOKIES is None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = bool(SECURE_COOKIES)
# HSTS: Django sends it on https responses only, so plain http is unaffected.
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
# Only behind a proxy that sets X-Forwarded-Proto itself and strips what clients send: with it,
# requests the proxy received over https count as secure (cookies, HSTS, CSRF's origin check).
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("STEPSCOPE_LOG_LEVEL", "INFO")},
    # boto3 says at INFO where it found credentials on every client; keep its warnings only.
    "loggers": {"botocore": {"level": "WARNING"}, "boto3": {"level": "WARNING"}},
}
