"""What a fresh ``wagtail start`` site has (plain ``auth.User``, no allauth, no nlu), for tests.

Each host module adds its app and that app's declared dependencies: ``PLUGINS`` lists the
packages of this repository the host may import, ``INSTALLED_APPS`` what Django installs.
"""

import os
from pathlib import Path

import dj_database_url

from .celery import app as celery_app  # noqa: F401 (the host's Celery app, made current)

HOST_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("NLU_VAR_DIR", Path.cwd() / "var"))

SECRET_KEY = "bare-host-test-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
SITE_URL = "http://testserver"
WAGTAIL_SITE_NAME = "A bare host"

WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]


def installed_apps(plugins: list[str], *, before: tuple[str, ...] = ()) -> list[str]:
    """``before`` (apps that must precede the plugins, such as modeltranslation), the plugins, Wagtail's."""
    return [*before, *plugins, *WAGTAIL_APPS]


MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "tests.hosts.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HOST_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    # A file, so that the threads of concurrency tests share it; one per process (xdist workers).
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "bare-host.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            "TEST": {"NAME": str(VAR_DIR / f"bare-host-test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("tr", "Türkçe")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
FORMAT_MODULE_PATH = ["suite.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "bare-host-static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "bare-host-media"

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_BASE_URL = SITE_URL
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The plain user model has no language or time zone: tests choose them through the hook.
SUITE_MEMBER_PREFERENCES = "tests.hosts.preferences.remembered"
