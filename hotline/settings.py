"""Settings for 办实事热线, from the environment only.

With no environment at all this is the embedded default: SQLite file, in-memory
channel layer, django-tasks-db worker on the same SQLite file, console SMS.
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG and ALLOWED_HOSTS.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None


def secret(name, default):
    """A secret from NAME_FILE (a file holding it: Docker secrets, systemd credentials) or NAME, else
    `default`. The file wins over the variable; its trailing newline is dropped."""
    path = env(f"{name}_FILE", default="")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"{name}_FILE={path}: cannot read the file ({error.strerror}).") from None
    return env(name, default=default)


DEFAULT_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = secret("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from /static/ (api/docs/), no CDN
    "django_filters",
    "channels",
    "simple_history",
    "phonenumber_field",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "hotline",
    "api",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hotline.middleware.ChineseByDefaultLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dashboards.middleware.HtmxLoginRedirectMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "hotline.urls"
WSGI_APPLICATION = "hotline.wsgi.application"
ASGI_APPLICATION = "hotline.asgi.application"

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
                "dashboards.context.navigation",
                "dashboards.context.public",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# Embedded default: a SQLite file in WAL mode with a busy timeout and
# IMMEDIATE transactions, so daphne and the task worker never trip over each
# other's write locks.
SQLITE_PATH = env("SQLITE_PATH", default=str(BASE_DIR / "var" / "hotline.sqlite3"))
DATABASES = {
    # the URL may hold the database password: DATABASE_URL_FILE works too
    "default": env.db_url_config(secret("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not :memory:) so threads and a live server share the test DB.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(DATABASES["default"]["NAME"]).with_name("test_hotline.sqlite3"))
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles any query whose estimated cost is high: at a million tickets it spent
    # 2.5 s compiling a queue's query that then ran in 0.1 s (docs/performance.md, issue 9). A web
    # request's queries are short, so it is off for our connections; PG_JIT=on leaves the server's setting.
    if not env.bool("PG_JIT", default=False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels ---------------------------------------------------------------
REDIS_URL = secret("REDIS_URL", "")  # may hold a password: REDIS_URL_FILE works too
# A server's sockets wait for events in one blocking BZPOPMIN of 5 s (channels_redis's
# RedisChannelLayer.brpop_timeout). redis-py 8 reads with a 5 s socket timeout by default: no longer than
# the block, so idle sockets were torn down every few seconds (channels_redis issue 422). The read must
# outlast the block (tests/test_channel_layer_idle_receive.py).
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{
                    "address": REDIS_URL,
                    "socket_timeout": 10,
                    "socket_connect_timeout": 2,  # a Redis gone from the network; sends also give up after 1 s
                    # retry a command once on a fresh connection: after a Redis restart an ASGI process's pooled
                    # connections are dead, and the first sockets to connect would fail (the retry covers
                    # connection errors too; tests/test_channel_layer_redis_restart.py)
                    "retry_on_timeout": True,
                }],
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Caches ---------------------------------------------------------------------
# "sms_rate" holds the per-sender SMS send slots and must be shared by every worker:
# Redis in production; the embedded default runs a single worker, so memory will do.
# hotline.cache.FailOpenRedisCache: Django's RedisCache with short timeouts that fails open while Redis is
# down (rate limits and send slots not enforced for that moment), so webhooks and operators keep working.
if REDIS_URL:
    _shared_cache = {"BACKEND": "hotline.cache.FailOpenRedisCache", "LOCATION": REDIS_URL}
else:
    _shared_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {"default": _shared_cache, "sms_rate": _shared_cache}

# --- Background tasks ---------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed logins (per username and per client address): slower after a few, then locked out.
LOGIN_THROTTLE = {
    "FREE_FAILURES": env.int("LOGIN_FREE_FAILURES", default=3),
    "MAX_DELAY_SECONDS": 60,
    "LOCKOUT_FAILURES": env.int("LOGIN_LOCKOUT_FAILURES", default=10),
    "LOCKOUT_FAILURES_PER_ADDRESS": 30,
    "LOCKOUT_SECONDS": env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60),
}
# How many proxies in front of the web servers append to X-Forwarded-For (0: clients connect directly).
# Behind a proxy, leaving this 0 would make every client look like the proxy to the login throttle.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- HTTPS, cookies, headers (docs/security.md; `manage.py check --deploy` is silent in production) ----
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients' requests):
# on by default when TRUSTED_PROXY_COUNT says there is a proxy. Never trust the header otherwise:
# a client could claim https.
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=TRUSTED_PROXY_COUNT > 0)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production (DEBUG off) is HTTPS only; the embedded default serves http://127.0.0.1:8000.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[])  # regexes of paths, e.g. a health check
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: pages carry the token (hx-headers on <body>, the forms' hidden field).
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts and styles from our own origin only. No inline script
# and no eval anywhere (htmx runs with allowEval off and no hx-on attributes; templates/base.html);
# the one inline style allowed is the stylesheet inside a server-rendered pygal chart, by nonce
# (dashboards/templatetags/csp_tags.py). 'self' in connect-src covers the same-origin WebSocket.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- I18N -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "CN"
PHONENUMBER_DB_FORMAT = "E164"

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"
# Uploaded photos (products, pledge updates) are served by Django itself unless a proxy serves
# MEDIA_ROOT at MEDIA_URL (set SERVE_MEDIA=0 there): the embedded default has no proxy.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
# the hotline's number as printed on the public pages (blank: not shown)
HOTLINE_PUBLIC_PHONE = env("HOTLINE_PUBLIC_PHONE", default="")

# --- REST framework -------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an anonymous request is answered 401 with `WWW-Authenticate: Token`
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # every error in one JSON shape: {"error": {"code", "message", "fields"}} (api/errors.py)
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.AnonThrottle", "api.throttles.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/minute"),
        "user": env("API_THROTTLE_USER", default="1200/minute"),
    },
    # the client's address behind proxies, as the login throttle reads it
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
    # lists choose their own pagination (api/pagination.py): cursors for tickets and other growing lists
    "DEFAULT_PAGINATION_CLASS": None,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "办实事热线 API",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # input and output shapes are separate components (e.g. TicketRequest vs Ticket)
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["api.schema.only_the_rest_api"],
    # the description (auth, errors, pagination) comes from api/schema.py
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.describe"],
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "hotline.models.choices.Status",
        "TicketKindEnum": "hotline.models.choices.Kind",
        "ChannelEnum": "hotline.models.choices.Channel",
        "IntakeChannelEnum": "api.inputs.API_CHANNELS",
        "RequestStatusEnum": "hotline.models.choices.RequestStatus",
        "EmergencyServiceEnum": "hotline.models.choices.EmergencyService",
        "MessageStatusEnum": "hotline.models.messages.Message.Status",
        "UnitKindEnum": "hotline.models.org.Unit.Kind",
        "SlaMeasureEnum": "hotline.models.calendar.SlaPolicy.Measure",
    },
}

# --- Hotline ------------------------------------------------------------------
# outbound SMS gateway: console (development), locmem (tests), twilio (production)
SMS_BACKEND = env("SMS_BACKEND", default="console")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="AC00000000000000000000000000000000")
DEMO_TWILIO_AUTH_TOKEN = "demo-auth-token"
TWILIO_AUTH_TOKEN = secret("TWILIO_AUTH_TOKEN", DEMO_TWILIO_AUTH_TOKEN)
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="+15005550006")
TWILIO_PUBLIC_BASE_URL = env("TWILIO_PUBLIC_BASE_URL", default="")
# Webhooks signed with HMAC-SHA256 (X-Twilio-Webhooks-Signature-Settings) use this SharedKey secret.
TWILIO_WEBHOOK_SHARED_KEY = secret("TWILIO_WEBHOOK_SHARED_KEY", "")
# Behind a TLS-terminating proxy without TWILIO_PUBLIC_BASE_URL: take the scheme from X-Forwarded-Proto.
TWILIO_TRUST_FORWARDED_PROTO = env.bool("TWILIO_TRUST_FORWARDED_PROTO", default=False)
# Where the REST API lives (tests point the real twilio client at a fake server on loopback).
TWILIO_API_BASE_URL = env("TWILIO_API_BASE_URL", default="")
# Who takes calls: Twilio Client identities ("client:operator1") and/or phone numbers, comma-separated.
TWILIO_HTTP_TIMEOUT = env.float("TWILIO_HTTP_TIMEOUT", default=10.0)
TWILIO_OPERATOR_TARGETS = env.list("TWILIO_OPERATOR_TARGETS", default=["client:operators"])

HOTLINE = {
    # a lead unit may ask for at most this many extensions per ticket
    "MAX_EXTENSIONS": env.int("HOTLINE_MAX_EXTENSIONS", default=1),
    # replied tickets whose survey got no answer close after this many working days
    "SURVEY_CLOSE_WORKING_DAYS": env.int("HOTLINE_SURVEY_CLOSE_WORKING_DAYS", default=3),
    # SMS delivery: attempts before a message is marked failed, and lease length
    "SMS_MAX_ATTEMPTS": env.int("HOTLINE_SMS_MAX_ATTEMPTS", default=5),
    "SMS_LEASE_SECONDS": env.int("HOTLINE_SMS_LEASE_SECONDS", default=60),
    # outbound SMS per second from one sender number (Twilio long codes take about 1)
    "SMS_PER_SECOND_PER_SENDER": env.float("HOTLINE_SMS_PER_SECOND_PER_SENDER", default=1.0),
    # a send waits at most this long for its slot before going back to the queue
    "SMS_RATE_MAX_WAIT_SECONDS": env.float("HOTLINE_SMS_RATE_MAX_WAIT_SECONDS", default=10.0),
    # a further SMS from a resident within this many minutes joins their open ticket
    "SMS_APPEND_WINDOW_MINUTES": env.int("HOTLINE_SMS_APPEND_WINDOW_MINUTES", default=120),
    # a survey answer (1/2/3) counts against a survey sent within this many days
    "SURVEY_ANSWER_DAYS": env.int("HOTLINE_SURVEY_ANSWER_DAYS", default=7),
    # calls: seconds the operators' phones ring before the caller may leave a voicemail
    "VOICE_RING_SECONDS": env.int("HOTLINE_VOICE_RING_SECONDS", default=25),
    # staffed hours for calls on working days (the work calendar decides which days)
    "VOICE_STAFFED_FROM": env("HOTLINE_VOICE_STAFFED_FROM", default="08:00"),
    "VOICE_STAFFED_UNTIL": env("HOTLINE_VOICE_STAFFED_UNTIL", default="18:00"),
    "VOICE_MAX_RECORDING_SECONDS": env.int("HOTLINE_VOICE_MAX_RECORDING_SECONDS", default=120),
    # upstream 12345 platforms' state webhooks (hotline.upstream): HTTP timeout, the sending lease
    # (longer than the timeout), the first retry's wait (doubling up to the cap), and attempts
    # before a row is marked failed (0: retried until the platform accepts it)
    "WEBHOOK_TIMEOUT_SECONDS": env.float("HOTLINE_WEBHOOK_TIMEOUT_SECONDS", default=10.0),
    "WEBHOOK_LEASE_SECONDS": env.int("HOTLINE_WEBHOOK_LEASE_SECONDS", default=60),
    "WEBHOOK_BACKOFF_SECONDS": env.int("HOTLINE_WEBHOOK_BACKOFF_SECONDS", default=30),
    "WEBHOOK_MAX_BACKOFF_SECONDS": env.int("HOTLINE_WEBHOOK_MAX_BACKOFF_SECONDS", default=3600),
    "WEBHOOK_MAX_ATTEMPTS": env.int("HOTLINE_WEBHOOK_MAX_ATTEMPTS", default=0),
    # photos: largest accepted upload or MMS image, and the long side they are stored at (re-encoded
    # as JPEG without EXIF, so no GPS position leaks and pages stay light on a phone)
    "PHOTO_MAX_BYTES": env.int("HOTLINE_PHOTO_MAX_BYTES", default=8 * 1024 * 1024),
    "PHOTO_MAX_SIDE": env.int("HOTLINE_PHOTO_MAX_SIDE", default=1280),
    "PHOTOS_PER_ITEM": env.int("HOTLINE_PHOTOS_PER_ITEM", default=6),
    # SMS codes that confirm public web forms: minutes valid, wrong tries allowed, codes per
    # phone per hour and per client address per hour
    "CONFIRM_CODE_MINUTES": env.int("HOTLINE_CONFIRM_CODE_MINUTES", default=15),
    "CONFIRM_MAX_ATTEMPTS": env.int("HOTLINE_CONFIRM_MAX_ATTEMPTS", default=5),
    "CONFIRM_CODES_PER_PHONE_HOUR": env.int("HOTLINE_CONFIRM_CODES_PER_PHONE_HOUR", default=3),
    "CONFIRM_CODES_PER_ADDRESS_HOUR": env.int("HOTLINE_CONFIRM_CODES_PER_ADDRESS_HOUR", default=20),
    # every form a visitor posts without logging in (product application, pledge feedback and votes,
    # the SMS-code page): posts per client address per hour (hotline.ratelimits; a village behind one
    # carrier NAT shares an address, so not too low)
    "PUBLIC_POSTS_PER_ADDRESS_HOUR": env.int("HOTLINE_PUBLIC_POSTS_PER_ADDRESS_HOUR", default=60),
    # inbound SMS floods (hotline.intake.flood): within the window, a sender's SMS beyond SMS_FLOOD_TICKETS
    # new tickets (or promotion requests) join their latest ticket, and beyond SMS_FLOOD_MESSAGES messages
    # get one notice, then no reply until the window has passed (every inbound SMS is still stored)
    "SMS_FLOOD_WINDOW_MINUTES": env.int("HOTLINE_SMS_FLOOD_WINDOW_MINUTES", default=60),
    "SMS_FLOOD_TICKETS": env.int("HOTLINE_SMS_FLOOD_TICKETS", default=3),
    "SMS_FLOOD_MESSAGES": env.int("HOTLINE_SMS_FLOOD_MESSAGES", default=5),
    # service guides not checked for this many days are flagged to their unit
    "GUIDE_STALE_DAYS": env.int("HOTLINE_GUIDE_STALE_DAYS", default=365),
    # the ticket list's XLSX export stops after this many rows (and says so in the file)
    "EXPORT_MAX_ROWS": env.int("HOTLINE_EXPORT_MAX_ROWS", default=50_000),
    # a new ticket is compared with the open tickets received in this many days (hotline.routing.duplicates)
    "DUPLICATE_DAYS": env.int("HOTLINE_DUPLICATE_DAYS", default=30),
    # backups (manage.py backup_db, docs/backup.md): where they go, how many days they are kept (0: for
    # ever; erased residents' data stays in older backups until they age out), and where the pg_dump /
    # pg_restore of the server's version live when not in /usr/lib/postgresql/<major>/bin
    "BACKUP_DIR": env("HOTLINE_BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")),
    "BACKUP_KEEP_DAYS": env.int("HOTLINE_BACKUP_KEEP_DAYS", default=30),
    "BACKUP_PG_BIN_DIR": env("HOTLINE_BACKUP_PG_BIN_DIR", default=""),
    # personal data of tickets closed more than this many years ago is anonymised nightly
    # (hotline.privacy.anonymise_expired, docs/privacy.md); 0: kept for ever
    "RETENTION_YEARS": env.int("HOTLINE_RETENTION_YEARS", default=5),
}

# Open311 GeoReport v2 at /open311/v2/ (api/open311/): one jurisdiction, public tickets only
OPEN311 = {
    # jurisdiction_id clients may send (optional for a single jurisdiction); any other one is 404
    "JURISDICTION_ID": env("OPEN311_JURISDICTION_ID", default="hotline.example.cn"),
    # discovery: who to ask, and how a client gets an api_key (keys are made in the admin)
    "CONTACT": env("OPEN311_CONTACT", default=""),
    "KEY_SERVICE": env("OPEN311_KEY_SERVICE", default=""),
    # "production" or "test" in discovery
    "ENDPOINT_TYPE": env("OPEN311_ENDPOINT_TYPE", default="production"),
    # POST requests answers with the service_request_id ("realtime") or a token ("batch")
    "RESPONSE_TYPE": env("OPEN311_RESPONSE_TYPE", default="realtime"),
    "TOKEN_MAX_AGE_DAYS": env.int("OPEN311_TOKEN_MAX_AGE_DAYS", default=30),
    # throttles (per client address, and per api_key for POST): "N/sec|min|hour|day"
    "POST_RATE_PER_ADDRESS": env("OPEN311_POST_RATE_PER_ADDRESS", default="20/min"),
    "POST_RATE_PER_KEY": env("OPEN311_POST_RATE_PER_KEY", default="600/hour"),
    "GET_RATE_PER_ADDRESS": env("OPEN311_GET_RATE_PER_ADDRESS", default="300/min"),
}

# the console SMS gateway (development) prints the template, segments and masked number; the text
# itself only with SMS_CONSOLE_SHOW_BODY=true (docs/privacy.md: no SMS body in the logs)
SMS_CONSOLE_SHOW_BODY = env.bool("SMS_CONSOLE_SHOW_BODY", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # a safety net: phone numbers in any log line are masked (hotline/logging.py, docs/privacy.md)
    "filters": {"mask_phones": {"()": "hotline.logging.MaskPhonesFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_phones"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# DEBUG shows settings and code to whoever gets an error page: only on this machine or a local name.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]", "testserver"}


def _is_local(host):
    host = host.lower().lstrip(".")
    return host in LOCAL_HOSTS or host.endswith((".localhost", ".local"))


if DEBUG and not all(_is_local(host) for host in ALLOWED_HOSTS):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DEBUG is on with a public host in ALLOWED_HOSTS (%s): set DEBUG=false for a public server, or list "
        "only localhost, 127.0.0.1, ::1 or *.local names." % ", ".join(h for h in ALLOWED_HOSTS if not _is_local(h))
    )

# Production (DEBUG off) never runs on the published development secrets: anyone could sign
# Twilio webhooks with the demo token, or forge sessions with the demo key.
if not DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    if SECRET_KEY == DEFAULT_SECRET_KEY:
        raise ImproperlyConfigured("DEBUG is off: set SECRET_KEY or SECRET_KEY_FILE (the development key is public).")
    if TWILIO_AUTH_TOKEN in ("", DEMO_TWILIO_AUTH_TOKEN):
        raise ImproperlyConfigured(
            "DEBUG is off: set TWILIO_AUTH_TOKEN or TWILIO_AUTH_TOKEN_FILE (webhook signatures are checked with it)."
        )
