"""Crossroads settings.

Every value that differs between a laptop, CI and production is read here from the
environment, once (django-environ). Code reads django.conf.settings, never os.environ.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.openapi import OPENAPI
from portal.public_settings import public_settings
from portal.redis_config import REDIS_LAYERS, caches, channel_layers, for_test_worker
from portal.report_settings import report_settings
from portal.storage_settings import evidence_settings, evidence_storage
from portal.tips_settings import tips_settings
from portal.webhook_settings import webhook_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false "
            "(on a development machine, set DJANGO_DEBUG=true instead)."
        )
    # Only for a developer's machine: sessions signed with it are worthless elsewhere.
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])


def _site_host(hosts: list[str]) -> str:
    """The first host name the portal answers to: ".example.org" allows example.org and its
    subdomains; "*" names no host."""
    for host in hosts:
        name = host.lstrip(".")
        if name and "*" not in name:
            return name
    return "localhost"


# Names this deployment in calendar UIDs (meeting-12@crossroads.example.org), so the
# meetings of two deployments never merge in one person's calendar.
CROSSROADS_SITE_HOST = env.str("CROSSROADS_SITE_HOST", default="") or _site_host(ALLOWED_HOSTS)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "channels",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "activity",
    "agencies",
    "cases",
    "meetings",
    "reports",
    "tips",
    "frontend",
    # The benchmark's `generate_load` command; no models, nothing at request time.
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The API's ETags and 304s, computed on the final body.
    "portal.middleware.ApiConditionalGetMiddleware",
    "csp.middleware.CSPMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication, in this order: an idle or expired session counts as signed out,
    # then django-otp tells whether the session passed the second step, then a person who
    # still owes that step is led to it before anything else.
    "portal.middleware.IdleSessionMiddleware",
    "portal.middleware.VerifiedDeviceMiddleware",
    "portal.middleware.SecondFactorMiddleware",
    # Pages show times in the viewer's zone (their profile's, else their task force's).
    "frontend.middleware.ViewerTimeZoneMiddleware",
    # The portal's own 404/403/500 pages also in DEBUG (a dead link lists no URLs).
    "frontend.middleware.FriendlyErrorsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "activity.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "portal.urls"
ASGI_APPLICATION = "portal.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (or any django-environ URL) from DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE transactions take the write lock
    # at BEGIN, so concurrent ASGI requests wait for it instead of failing with
    # "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI every request runs in a fresh thread, so persistent connections
    # (CONN_MAX_AGE) are never reused and pile up, one per thread. A pool per process
    # (psycopg_pool through Django's "pool" option) bounds and reuses them instead.
    POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=10)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if POOL_MAX_SIZE > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, POOL_MAX_SIZE),
            "max_size": POOL_MAX_SIZE,
            # A request waits this long for a free connection before it fails.
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer and cache: Redis when REDIS_URL is set (several workers), in-process
# otherwise (portal/redis_config.py).
CHANNEL_LAYER = env.str("CHANNEL_LAYER", default="") or "pubsub"
if CHANNEL_LAYER not in REDIS_LAYERS:
    raise ImproperlyConfigured(
        f"CHANNEL_LAYER={CHANNEL_LAYER!r} is unknown; use one of: {', '.join(REDIS_LAYERS)}"
    )
REDIS_URL = for_test_worker(env.str("REDIS_URL", default=""))
CHANNEL_LAYERS = channel_layers(env, REDIS_URL, CHANNEL_LAYER)
CACHES = caches(env, REDIS_URL)

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked account or a throttled address before any
    # password is checked.
    "agencies.auth.SigninLockBackend",
    "agencies.auth.AgencyModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian's anonymous user is not needed: anonymous callers never see anything.
ANONYMOUS_USER_NAME = None

# NIST SP 800-63B: long passwords, checked against common ones and the person's own details,
# and no forced periodic change (none is configured anywhere).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# Stored in UTC; shown in each task force's zone, America/Chicago unless it says otherwise.
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True
# Every page writes dates and times one way (portal/formats/en/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "servestatic.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# ServeStatic serves the apps' static files in development, hashed and compressed in production.

# Hardening for anything that is not a developer's machine. Behind a TLS-terminating proxy
# set DJANGO_SECURE_PROXY_SSL_HEADER=true so Django knows the original request was HTTPS.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A __Host- cookie: HTTPS only, this exact host and path; no sibling subdomain touches it.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
# The absolute lifetime of a session: set once at sign-in, never extended by activity.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=12 * 60 * 60)
# A session without activity for this long is locked (CJIS 5.5.5): sign in again. The time of
# the last activity travels in its own signed cookie, so reads write nothing to the database.
SESSION_IDLE_MINUTES = env.int("CROSSROADS_SESSION_IDLE_MINUTES", default=30)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("CROSSROADS_SESSION_IDLE_MINUTES must be at least 1.")
SESSION_ACTIVITY_COOKIE_NAME = (
    "__Host-crossroads_activity" if SESSION_COOKIE_SECURE else "crossroads_activity"
)
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): everything from the portal itself, no inline script,
# style or event handler anywhere (the pages, the API docs and Django's admin need none), no
# plugins, no framing. 'self' in connect-src covers the dashboard's ws:/wss: socket to the
# same host (CSP Level 3, as Chromium, Firefox and Safari implement it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer first: its WWW-Authenticate header makes anonymous calls a 401, not a 403.
        "agencies.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "agencies.auth.TokenScopePermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.PageNumberPagination",
    # JSON only: other bodies answer 415, and the schema offers each body as JSON alone.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "portal.schema.PortalSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["agencies.throttling.PrincipalRateThrottle"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 50,
}

# Requests per token (or per person's session), reads and writes counted apart (README,
# "Rate limits"). Past them: 429 with Retry-After.
API_THROTTLE_RATES = {
    "read": env.str("CROSSROADS_API_READ_RATE", default="1200/min"),
    "write": env.str("CROSSROADS_API_WRITE_RATE", default="120/min"),
}

# How long a POST's Idempotency-Key is remembered (activity/idempotency.py).
IDEMPOTENCY_KEY_HOURS = 24

# The OpenAPI schema and its docs page: portal/openapi.py.
SPECTACULAR_SETTINGS = OPENAPI

# Sign-in (README, "Security model"). A second factor (TOTP) is required of every person
# signing in, except on a development machine unless asked for.
REQUIRE_MFA = env.bool("CROSSROADS_REQUIRE_MFA", default=not DEBUG)
OTP_TOTP_ISSUER = "Crossroads"
SYSTEM_USE_NOTICE = env.str(
    "CROSSROADS_SYSTEM_USE_NOTICE",
    default=(
        "You are accessing a restricted information system of the participating agencies. "
        "It holds criminal justice information, and its use is limited to authorized "
        "task force work. Use of this system may be monitored, recorded and audited; "
        "unauthorized use or disclosure is prohibited and may result in criminal and civil "
        "penalties. By signing in you consent to this monitoring and recording."
    ),
)
# CJIS 5.5.3: an account is locked after 5 failed sign-ins within 15 minutes, until its
# agency admin or a superuser unlocks it. One address failing this often within the same
# window (over any number of accounts) is refused until its failures age out.
SIGNIN_FAILURE_LIMIT = 5
SIGNIN_FAILURE_WINDOW_MINUTES = 15
SIGNIN_ADDRESS_FAILURE_LIMIT = env.int("CROSSROADS_SIGNIN_ADDRESS_FAILURES", default=30)
# Accounts with no sign-in (nor token use) for this many days are disabled by
# `manage.py disable_inactive_accounts`, run daily.
INACTIVE_ACCOUNT_DAYS = env.int("CROSSROADS_INACTIVE_ACCOUNT_DAYS", default=90)

# django-axes records every failed sign-in (password form, admin login, second step); the
# handler decides the two limits above and keeps a lock until it is lifted.
AXES_HANDLER = "agencies.lockout.SigninAttemptHandler"
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = None
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Successful sign-ins and sign-outs are in the audit trail already.
AXES_DISABLE_ACCESS_LOG = True
# The peer address uvicorn reports (rewritten from the proxy's X-Forwarded-For only when the
# proxy is trusted), never a header a client could set itself.
AXES_CLIENT_IP_CALLABLE = "agencies.lockout.client_address"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp_token"]
# Locks are lifted through the portal's service (audited), not by deleting axes' rows.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Axes' middleware only swaps the answer to a locked sign-in for a lock-out page. The portal
# answers a locked account exactly as it answers a wrong password, so it is not installed.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]

# E-mail (invitations, password resets): the console unless EMAIL_URL names a server, e.g.
# smtp+tls://user:password@mail.example.org:587 (django-environ's form).
globals().update(
    {
        key: value
        for key, value in env.email_url("EMAIL_URL", default="consolemail://").items()
        if value is not None
    }
)
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default=f"Crossroads <no-reply@{CROSSROADS_SITE_HOST}>"
)
# A reset link works once and for an hour; an invitation to choose a first password, once
# and for a few days.
PASSWORD_RESET_TIMEOUT = 60 * 60
INVITATION_TIMEOUT = env.int("CROSSROADS_INVITATION_DAYS", default=3) * 24 * 60 * 60

# The dashboard socket pings this often (a peer silent for two intervals is dropped); at
# most DASHBOARD_REPLAY_LIMIT missed events are replayed on reconnect, older ones from the API.
DASHBOARD_HEARTBEAT_SECONDS = env.int("CROSSROADS_HEARTBEAT_SECONDS", default=25)
DASHBOARD_REPLAY_LIMIT = 500

API_TOKEN_DEFAULT_DAYS = env.int("CROSSROADS_API_TOKEN_DAYS", default=90)  # then ask anew
# Webhooks (network policy, timeouts, backoff), public trainings and tips (their limits),
# reports (the small-number rule), evidence files (size limit): each in its own module.
features = (webhook_settings, public_settings, report_settings, tips_settings, evidence_settings)
for feature in features:
    globals().update(feature(env))
STORAGES["evidence"] = evidence_storage(env, BASE_DIR)

# Where links in e-mails point (confirmation, cancellation, certificate).
SITE_URL = env.str(
    "CROSSROADS_SITE_URL",
    default="http://127.0.0.1:8000" if DEBUG else f"https://{CROSSROADS_SITE_HOST}",
)
DEMO_PASSWORD = env.str("CROSSROADS_DEMO_PASSWORD", default="crossroads-demo")  # seed_demo's

HOTLINE_NAME = "National Human Trafficking Hotline"
HOTLINE_PHONE = "1-888-373-7888"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # Django's own loggers print to the console only in DEBUG; route them through root once.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
