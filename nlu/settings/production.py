"""Production: refuses to start without a secret key and allowed hosts; HTTPS only."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment: production will not start without it.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in the environment (comma-separated host names).")

if not os.environ.get("SITE_URL"):
    raise ImproperlyConfigured(
        "Set SITE_URL to the public address, e.g. https://nlu.example.org: e-mails, calendars and "
        "BigBlueButton's callbacks link to it."
    )
if "BBB_URL" not in os.environ or "BBB_SECRET" not in os.environ:
    raise ImproperlyConfigured("Set BBB_URL and BBB_SECRET: production does not use the BBB stand-in.")

DEBUG = False
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe gunicorn over plain HTTP
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
