"""Keeps the end callback's signature out of the web server's access logs.

BBB calls the end callback with a GET, so its signature travels in the query string, which access
logs record. When Django starts, seminars puts suite's redacting filter (``suite/access_logs.py``)
on the access loggers of runserver (``django.server``) and gunicorn (``gunicorn.access``): it writes
``signature=[redacted]``, and the personal calendar feed's token (the ``token`` of
``sessions/calendar/<token>.ics``) as ``[redacted]`` too. A host may add it to other loggers in its
LOGGING. A proxy's own log is the host's to configure (docs/deploy.md shows nginx's).
"""

from suite import access_logs
from suite.access_logs import ACCESS_LOGGERS, RedactSecrets

__all__ = ["ACCESS_LOGGERS", "REDACT_SIGNATURES", "RedactSignatures", "install"]

# The names hosts were given before the filter moved to suite (docs/plugins.md).
RedactSignatures = RedactSecrets
REDACT_SIGNATURES = access_logs.REDACT_SECRETS


def install() -> None:
    access_logs.install(ACCESS_LOGGERS)
