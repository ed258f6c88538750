"""``check --deploy``: links that leave the site must not point at a placeholder address."""

from urllib.parse import urlsplit

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .links import site_url

# What `wagtail start` and Django's docs put where a real address belongs.
PLACEHOLDER_HOSTS = {"example.com", "www.example.com", "localhost", "127.0.0.1"}


@checks.register(checks.Tags.urls, deploy=True)
def site_url_is_real(app_configs, **kwargs):
    try:
        host = urlsplit(site_url()).hostname
    except ImproperlyConfigured:
        return []  # already refused at start
    if host in PLACEHOLDER_HOSTS:
        return [
            checks.Warning(
                f"The site's address is {site_url()}: e-mails, calendars and BigBlueButton would link there.",
                hint="Set SITE_URL (or WAGTAILADMIN_BASE_URL) to the address members reach the site at.",
                id="suite.W001",
            )
        ]
    return []
