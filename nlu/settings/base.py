"""Settings shared by every environment, read from the process environment (DESIGN §5).

Nothing here needs a server: SQLite, a local-memory cache and a file-system Celery broker
under ``var/`` are the defaults, so ``make run`` works on a fresh machine.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("NLU_VAR_DIR", BASE_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_SITE_NAME = "Networked Labour University"

INSTALLED_APPS = [
    # wagtail_modeltranslation's own migrate/makemigrations must come before Django's.
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "modeltranslation",
    "nlu",
    "suite",
    "courses",
    "seminars",
    "timebank",
    "wiki",
    "spaces",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzip-compressed for a phone on a slow connection (a fifth of the bytes; Django's gzip
    # pads against BREACH); static files come compressed from WhiteNoise above, never through here,
    # and streamed downloads keep their size.
    "nlu.middleware.PageGZipMiddleware",
    # An ETag on every page (from its content) and a 304 when the browser already has it.
    "django.middleware.http.ConditionalGetMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Any sign-out (the site's, Wagtail admin's) tells the browser to forget its saved pages.
    "nlu.offline.ClearSiteDataOnSignOut",
    # After authentication: a member's own language and time zone win over the browser's.
    "nlu.middleware.MemberLocaleMiddleware",
    "nlu.middleware.MemberTimezoneMiddleware",
    # Once language and zone are known, before any view work: anonymous pages from the cache.
    "nlu.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "nlu.urls"
WSGI_APPLICATION = "nlu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "nlu.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite in WAL mode with IMMEDIATE transactions: writers queue on the lock at BEGIN instead
# of failing half-way with "database is locked" when two requests write at once.
# secure_delete: a closed account's erased name and e-mail are overwritten in the file, not left in freed space.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
    ),
}


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Without Redis, files under var/: shared by the web server's processes and the Celery worker,
# so that a write in one empties the anonymous page cache of all (nlu/page_cache.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "nlu.file_cache.FileCache",
            "LOCATION": VAR_DIR / "cache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Sessions are read from the cache and written to the database as well: a signed-in request
# needs no session query, and a cache emptied or lost signs no one out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Anonymous pages are served from the cache until any content changes, and at most this long
# for what changes with the clock alone (0: no page cache).
NLU_PAGE_CACHE_SECONDS = int(os.environ.get("NLU_PAGE_CACHE_SECONDS", "60"))

# --- Celery (namespace CELERY_, read by nlu/celery.py) ---------------------------------------
# Without a broker server, kombu's file-system transport under var/ lets a worker and beat run
# on one machine; producer and worker must share the same folder for it to work.
CELERY_FILESYSTEM_BROKER_DIR = VAR_DIR / "celery" / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://localhost/"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_BROKER_DIR),
        "data_folder_out": str(CELERY_FILESYSTEM_BROKER_DIR),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Outbox sweeps: send what a broker outage kept from being enqueued.
    "send-pending-emails": {"task": "nlu.tasks.send_pending_emails", "schedule": 300},
    "send-pending-enrolment-mails": {"task": "courses.tasks.send_pending_enrolment_mails", "schedule": 300},
    "seminars-poll-bbb": {"task": "seminars.tasks.poll_bbb", "schedule": 60},
    "seminars-reminders": {"task": "seminars.tasks.send_due_reminders", "schedule": 300},
    "seminars-settlement-sweep": {"task": "seminars.tasks.settle_pending_webinars", "schedule": 300},
    "timebank-exchange-mails": {"task": "timebank.tasks.send_pending_exchange_mails", "schedule": 300},
    "timebank-expire-requests": {"task": "timebank.tasks.expire_exchange_requests", "schedule": 3600},
    "spaces-notices": {"task": "spaces.tasks.send_pending_notices", "schedule": 300},
    # Hourly, not weekly: a digest goes once a week to each member (the DigestSent row), whenever beat runs.
    "spaces-weekly-digests": {"task": "spaces.tasks.send_weekly_digests", "schedule": 3600},
    # Daily: what is kept past its time goes (nlu/retention.py; the NLU_RETAIN_* settings below).
    "nlu-apply-retention": {"task": "nlu.tasks.apply_retention", "schedule": 24 * 3600},
}

# --- The apps' settings ----------------------------------------------------------------------
# Each app reads its own with their defaults (docs/plugins.md); this host sets only its choices.
# BigBlueButton (seminars): from the environment, the stand-in of `make run` (bbb_devserver) without.
BBB_URL = os.environ.get("BBB_URL", "http://127.0.0.1:8090/bigbluebutton/api/")
BBB_SECRET = os.environ.get("BBB_SECRET", "nlu-dev-bbb-secret-for-the-stand-in-only")
BBB_CHECKSUM = os.environ.get("BBB_CHECKSUM", "sha256")
# Seminars never imports timebank: it calls what this names when a session has ended.
SEMINARS_SETTLEMENT_HOOKS = ["timebank.services.tutoring_award", "spaces.hooks.meeting_held"]
# Spaces plugs into the wiki and seminars through their hooks (docs/plugins.md).
SEMINARS_AUDIENCES = "spaces.hooks.meeting_audiences"
SEMINARS_RECORDING_HOOKS = ["spaces.hooks.recording_added"]
WIKI_SCOPES = "spaces.hooks.wiki_scopes"
WIKI_REVISION_HOOKS = ["spaces.hooks.page_edited"]
# MediaWiki sync (docs/mediawiki.md): how often beat runs a pass, and the bot password pushes use.
WIKI_MEDIAWIKI_SYNC_MINUTES = int(os.environ.get("WIKI_MEDIAWIKI_SYNC_MINUTES", "60"))
WIKI_MEDIAWIKI_USER = os.environ.get("WIKI_MEDIAWIKI_USER", "")
WIKI_MEDIAWIKI_PASSWORD = os.environ.get("WIKI_MEDIAWIKI_PASSWORD", "")
WIKI_MEDIAWIKI_ALLOW_PRIVATE_ADDRESSES = os.environ.get("WIKI_MEDIAWIKI_ALLOW_PRIVATE_ADDRESSES", "") == "1"
CELERY_BEAT_SCHEDULE["wiki-mediawiki-sync"] = {
    "task": "wiki.tasks.sync_mediawiki_pages",
    "schedule": 60.0 * WIKI_MEDIAWIKI_SYNC_MINUTES,
}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "nlu.User"
AUTHENTICATION_BACKENDS = [
    "nlu.backends.KeptPermissionsBackend",  # permissions only, kept in the cache
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "nlu.adapters.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "profile"

# --- Retention (nlu/retention.py, run daily by beat; docs/privacy.md) ---------------------------
# How many days what is kept about members stays; 0 keeps it for ever.
# Attendance details (when each one came and went, the name given to BBB for a guest): the minutes stay.
NLU_RETAIN_ATTENDANCE_DAYS = int(os.environ.get("NLU_RETAIN_ATTENDANCE_DAYS", "365"))
# Sent e-mails in the outbox (nlu.OutgoingEmail: the addresses, subjects and bodies).
NLU_RETAIN_EMAIL_DAYS = int(os.environ.get("NLU_RETAIN_EMAIL_DAYS", "90"))
# Sign-ups whose address was never confirmed and who never signed in, deleted with their rows.
NLU_RETAIN_UNVERIFIED_DAYS = int(os.environ.get("NLU_RETAIN_UNVERIFIED_DAYS", "14"))

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    globals().update(dj_email_url.parse(EMAIL_URL))  # EMAIL_BACKEND, EMAIL_HOST, ...
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A hanging mail server must not block a worker for ever (EMAIL_URL may set ?timeout=).
EMAIL_TIMEOUT = globals().get("EMAIL_TIMEOUT") or 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "NLU <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages ------------------------------------------------------------------------------
# English is the source language: translated content falls back to it.
LANGUAGE_CODE = "en"


def languages_from_env() -> list[tuple[str, str]]:
    codes = env_list("LANGUAGES", "en,tr")
    if LANGUAGE_CODE not in codes:
        codes.insert(0, LANGUAGE_CODE)
    unknown = [code for code in codes if code not in LANG_INFO]
    if unknown:
        raise ImproperlyConfigured(f"LANGUAGES names unknown language codes: {', '.join(unknown)}")
    return [(code, LANG_INFO[code]["name_local"]) for code in codes]


LANGUAGES = languages_from_env()
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = (LANGUAGE_CODE,)
WAGTAILMODELTRANSLATION_LOCALE_PICKER = False

# --- Time -----------------------------------------------------------------------------------
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
FORMAT_MODULE_PATH = ["suite.formats"]  # weekday and month names, a 24-hour clock (suite/formats/)

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# collectstatic names each file by a hash of its content and writes .br and .gz copies beside it
# (brotli from the Brotli package). WhiteNoise serves hashed names with a ten-year immutable
# Cache-Control, so a repeat visit asks for none of them; a file asked for by its plain name is
# kept 60 seconds (WhiteNoise's default). With DEBUG on, {% static %} gives the plain names and
# files come straight from the apps: no collectstatic during development.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


# --- Security -------------------------------------------------------------------------------
def origins_from_env(name: str) -> list[str]:
    """Comma-separated origins (scheme://host[:port]) from the environment; anything else stops start-up."""
    origins = [origin.strip().rstrip("/") for origin in os.environ.get(name, "").split(",") if origin.strip()]
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
            raise ImproperlyConfigured(f"{name}: {origin!r} is not an origin such as https://bbb1.example.org")
    return origins


def join_form_action(bbb_url: str, join_origins: list[str]) -> list[str]:
    """Where a form may lead: the site, BBB_URL's origin, and the BBB servers Scalelite redirects joins to."""
    return ["'self'", "{0.scheme}://{0.netloc}".format(urlsplit(bbb_url)), *join_origins]


# Behind Scalelite (BBB_URL), the origins of the BBB servers its join redirects to.
SEMINARS_BBB_JOIN_ORIGINS = origins_from_env("SEMINARS_BBB_JOIN_ORIGINS")

# Our own pages need no inline script or style; Wagtail's admin does, so it is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Joining a live session is a form whose answer redirects to BBB: browsers check every
        # hop of the redirect against form-action, Scalelite's on to its BBB servers too.
        "form-action": join_form_action(BBB_URL, SEMINARS_BBB_JOIN_ORIGINS),
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview sets SAMEORIGIN on its own views.

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {
        # Secrets travelling in addresses (feed and invitation tokens, reset and confirmation keys,
        # download links, BBB's signature) written [redacted]: suite/access_logs.py adds the filter
        # to these loggers itself, keeping their handlers (gunicorn's are gunicorn's own).
        "redact_url_secrets": {
            "()": "suite.access_logs.redacting_filter",
            "loggers": ["django.server", "gunicorn.access", "django.request"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"nlu": {"level": "INFO"}},
}

broker_folders = [Path(p) for key, p in CELERY_BROKER_TRANSPORT_OPTIONS.items() if "folder" in key]
for folder in [VAR_DIR, STATIC_ROOT, Path(CELERY_BEAT_SCHEDULE_FILENAME).parent, *broker_folders]:
    folder.mkdir(parents=True, exist_ok=True)
