"""Settings for the OGP action plan portal.

One file, read from environment variables through the small helpers below.
Defaults are safe for a laptop (SQLite, local-memory cache, console email);
production is switched on by the environment. `.env.example` lists every variable.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_env(url: str) -> dict:
    """DATABASES['default'] from DATABASE_URL; an empty URL means the embedded SQLite file."""
    if not url:
        (BASE_DIR / "var").mkdir(exist_ok=True)
        return sqlite_database(BASE_DIR / "var" / "db.sqlite3")
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL we can use: {error}"
        ) from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return sqlite_database(config["NAME"])
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must start with postgres:// or sqlite:///.")
    config["CONN_HEALTH_CHECKS"] = True
    return config


def sqlite_database(path) -> dict:
    """SQLite tuned for a small multi-user site: WAL, IMMEDIATE writes, a busy timeout.

    Connections are kept like PostgreSQL's (DB_CONN_MAX_AGE): opening the file and running
    the PRAGMAs below took 1.3 ms, four fifths of a /healthz request (bench/README.md)."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


def cache_from_env(url: str) -> dict:
    if not url:
        # Per process. Room for every public page in both languages with their pages and
        # filters, and the fragments kept with them (Django's default, 300 entries, culls a
        # third of them at random each time it fills).
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
    # Django's Redis backend, logging and falling back to a per-process cache when Redis is
    # down (core/cache.py); short timeouts so a lost Redis never stalls a page.
    return {
        "BACKEND": "core.cache.TolerantRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

# Empty with DEBUG on means localhost only (Django's own rule).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A failed form check is explained in the visitor's language (core.errors).
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
# How many reverse proxies (load balancer, nginx) stand before Django; they append the
# visitor's address to X-Forwarded-For. 0: the visitor connects directly.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# Behind a TLS reverse proxy: the header it sets to "https" on a secure request (usually
# X-Forwarded-Proto), so that absolute links and redirects are https://. Empty: none.
# Set it only when the proxy overwrites that header; otherwise a visitor could forge it.
PROXY_SSL_HEADER = env_str("SECURE_PROXY_SSL_HEADER").strip()
if PROXY_SSL_HEADER:
    if not PROXY_SSL_HEADER.replace("-", "").replace("_", "").isalnum():
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto, "
            f"not {PROXY_SSL_HEADER!r}."
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + PROXY_SSL_HEADER.upper().replace("-", "_"),
        "https",
    )
# Plain-http requests are redirected to https (the load balancer's /healthz probe excepted).
# Off unless set: the TLS proxy may redirect itself, and tests and `make serve` speak plain
# http on loopback. .env.example (production) sets it on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS: browsers that saw the site over https never use plain http for it again. Sent only
# on https responses. Preload matters only if the domain is submitted to the browsers' list.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    # Sign-in throttling; its AccessAttempt/AccessLog tables are the sign-in audit trail.
    "axes",
    # TOTP second factor for staff (core.two_factor): devices and their checks.
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The shared core: imports no app (bilingual fields, formats, cache, spreadsheets, PDFs,
    # access checks). Then the domain apps, each knowing only those listed before it; then
    # the site-level apps that combine them. `make lint` holds the order (.importlinter).
    "core",
    "plans",
    "commitments",
    "meetings",
    "consultations",
    "audit",
    "imports",
    "public",
    "workspace",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.content_security_policy",
    # Before anything that checks the Host header: a load balancer probes by IP address.
    "core.middleware.healthz_by_address",
    # Static files (compressed, hashed names cached for a year); after the CSP, so they get it.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A stored public page for a visitor without a session, answered before the rest.
    "core.page_cache.stored_pages",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the staff member's TOTP code?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A bare 405 or 429 answer becomes a page in the visitor's language (core.errors).
    "core.errors.error_pages",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it turns a locked-out sign-in into the lock page (see AXES_* below).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ogp_portal.urls"

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
                "core.context_processors.language_links",
            ],
        },
    },
]

WSGI_APPLICATION = "ogp_portal.wsgi.application"

DATABASES = {"default": database_from_env(env_str("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": cache_from_env(env_str("REDIS_URL"))}

# Background work (emails, PDFs) through the Django tasks API (django-tasks). "immediate"
# runs a task in the request that enqueues it (development and tests); "database" queues
# it for the worker started by `manage.py db_worker` (production). Services enqueue only
# after their transaction commits (`transaction.on_commit`).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be immediate or database, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Every account is staff: passwords of at least 12 characters.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Arabic first (right to left), English second.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Jordanian number and date formats for Arabic (see ogp_portal/formats/ar/formats.py).
FORMAT_MODULE_PATH = ["core.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Amman"
# The OGP member whose plans the public site shows (ISO 3166 alpha-2, as on
# ActionPlan.country_code): a database may hold other members' plans for comparison.
OGP_COUNTRY_CODE = env_str("OGP_COUNTRY_CODE", "JO").upper()
if len(OGP_COUNTRY_CODE) != 2 or not OGP_COUNTRY_CODE.isascii() or not OGP_COUNTRY_CODE.isalpha():
    raise ImproperlyConfigured("OGP_COUNTRY_CODE must be a two-letter country code, e.g. JO.")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# WhiteNoise serves STATIC_ROOT (filled by collectstatic); with DEBUG on it serves the
# source folders below instead. The folder exists even before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Third-party front-end files come from npm (package.json + lock file), served from node_modules.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/fonts/noto-naskh-arabic", NODE_MODULES / "@fontsource" / "noto-naskh-arabic"),
    ("vendor/fonts/noto-sans", NODE_MODULES / "@fontsource" / "noto-sans"),
    # The Arabic face of printed documents: its glyphs are whole letters, so text copied or
    # extracted from a PDF comes back as the letters typed (Noto's dots are separate glyphs).
    ("vendor/fonts/amiri", NODE_MODULES / "@fontsource" / "amiri"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# Sign-in throttling (django-axes). The throttle backend goes first: it refuses a locked
# sign-in before the password is even checked, so guessing cannot go on in the background.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures count per account name *and* address together, and per address. A stranger
# typing the coordinator's name from elsewhere locks only their own address, never the
# coordinator's sign-in from theirs. Axes compares every count with one limit; our handler
# (core.login_throttle.ThrottleHandler) gives each count its own, so that a whole
# ministry behind one NAT address is not locked by one person's typos: 5 failures for one
# account from one address, 20 from one address whatever the names.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "core.login_throttle.ThrottleHandler"
AXES_FAILURE_LIMIT = 20  # the per-address limit; see login_throttle.FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
# The lock lasts 15 minutes from the failure that set it, as the lock page says; trying
# again meanwhile does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in clears that account's failures from that address.
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "core.login_throttle.attempted_username"
AXES_CLIENT_IP_CALLABLE = "core.login_throttle.client_address"
AXES_LOCKOUT_CALLABLE = "core.login_throttle.lockout_response"
# The audit trail: every sign-in (AccessLog) and every failure (AccessFailureLog, kept after
# a lock expires; at most 1,000 per name) stay in the database; superusers read them in
# the admin.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- TOTP second factor (core.two_factor) ---------------------------------------------
# A staff member who has set up an authenticator app is asked for its code after the
# password, before any workspace page. With STAFF_TOTP_REQUIRED every staff member must set
# one up at their next visit.
STAFF_TOTP_REQUIRED = env_bool("STAFF_TOTP_REQUIRED", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "OGP Jordan")

LOGIN_URL = "manage:login"
LOGIN_REDIRECT_URL = "manage:dashboard"
LOGOUT_REDIRECT_URL = "manage:login"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ogp-unit@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Our scripts never read the CSRF cookie (forms carry the token), so scripts may not either.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Request size limits (bytes). Forms without files: 2.5 MB. Uploads up to this size stay in
# memory, larger ones stream to a temporary file; each upload's own limit is in
# core/uploads.py (10 MB). The reverse proxy should cap bodies too (see README).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# URL fields without a scheme mean https (Django 6.0's default; silences its warning).
FORMS_URLFIELD_ASSUME_HTTPS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# django-import-export: only users with these permissions see import/export in the admin.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Formula injection: every resource prefixes a cell starting with = + - @ (or tab/CR) with
# an apostrophe (core.spreadsheets.neutralise_formula). The library's own escaping stays off:
# in 4.4 it strips a single leading "=" only ("==1+1" stays a live formula, "+", "-", "@"
# pass through) and turns every XLSX cell into text (empty dates become the word "None").
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Control characters in a citizen's comment would make an XLSX export fail; replace them.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# Citizen comments (consultations). "pre": a moderator publishes each comment before the
# public sees it; "post": published at once, moderators may hide it afterwards.
COMMENT_MODERATION = env_str("COMMENT_MODERATION", "pre")
if COMMENT_MODERATION not in {"pre", "post"}:
    raise ImproperlyConfigured(
        f"COMMENT_MODERATION must be pre or post, not {COMMENT_MODERATION!r}."
    )
# Comments accepted from one address (django-ratelimit syntax: "10/h", "30/d"); counted in
# the shared cache, so set REDIS_URL when several worker processes serve the site.
COMMENT_RATE_LIMIT = env_str("COMMENT_RATE_LIMIT", "10/h")
# Seconds between showing the form and a person sending it (faster: a bot).
COMMENT_MIN_FILL_SECONDS = env_int("COMMENT_MIN_FILL_SECONDS", 3)
# Links allowed in one comment.
COMMENT_MAX_LINKS = env_int("COMMENT_MAX_LINKS", 2)
# The governorates the comment form offers, in this order: codes of
# consultations.models.Region (amman, irbid, zarqa, balqa, madaba, karak, tafilah, maan,
# aqaba, mafraq, jerash, ajloun, abroad). Empty: all of them.
COMMENT_REGIONS = env_list("COMMENT_REGIONS", [])
# The public address of the site (https://ogp.example.gov.jo, no trailing slash), for links
# in emails and share cards; empty: taken from the request where there is one.
SITE_URL = env_str("SITE_URL").rstrip("/")

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Chatter that says nothing to whoever reads the console: WeasyPrint's steps ("Step 2 -
    # Fetching and parsing CSS") for every PDF, axes's start-up banner ("AXES: BEGIN").
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # A line per background task run (immediate in development): the work is visible.
        "django_tasks": {"level": "WARNING"},
    },
}
