"""Keeps the secrets that travel in addresses out of the web server's logs.

A link that works by a secret in its address (a personal calendar feed, an invitation, a password
reset, a mailed download, BBB's signed callback) is a bearer secret: whoever reads the access log
could use it. This filter writes such a secret as ``[redacted]`` in every line it lets through,
wherever an address appears in it (the request, the referrer, a ``next`` address in a query):

- a keyword argument of the site's URL patterns named in ``SECRET_NAMES`` (``token``, ``key``,
  ``signature``), found by resolving the address: an app keeps its secret out of the logs by naming
  its URL argument so (``sessions/calendar/<str:token>.ics``, allauth's ``confirm-email/<key>/``);
- a query parameter of one of those names (``?token=``, BBB's ``signature=``);
- an address given as a query parameter's value (``?next=/en/spaces/+invitation/…/``), the same way.

A host puts the one filter on its access loggers (``django.server`` for runserver,
``gunicorn.access`` for gunicorn, ``django.request`` for "Not Found: <path>") with
``install()``, or from its ``LOGGING`` through the ``redacting_filter`` factory, which adds it to
the named loggers without replacing their handlers (gunicorn's are gunicorn's own). A proxy's
log is the host's to configure (docs/deploy.md shows nginx's).
"""

import logging
import re
from urllib.parse import quote, unquote, unquote_plus, urlsplit, urlunsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation

ACCESS_LOGGERS = ("django.server", "gunicorn.access")
SECRET_NAMES = frozenset({"token", "key", "signature"})
REDACTED = "[redacted]"

# An address in a log line: absolute, or a path starting a word ("HTTP/1.1" and "[07/Dec/2026" are not).
ADDRESS = re.compile(r"(?<![\w/.\-])(?:https?://[^\s\"'/]+)?/[^\s\"']*")


def _languages(path: str) -> list[str]:
    """The languages to resolve ``path`` in: its prefix's first (i18n_patterns), then the site's own."""
    codes = [code for code, _name in settings.LANGUAGES]
    first = path.split("/")[1] if path.count("/") > 1 else ""
    return list(dict.fromkeys(([first] if first in codes else []) + [settings.LANGUAGE_CODE]))


def redact_path(path: str) -> str:
    """``path`` (as sent, percent-encoded) with the values of its pattern's secret arguments redacted."""
    decoded = unquote(path)
    for language in _languages(decoded):
        with translation.override(language):
            try:
                match = resolve(decoded)
            except Resolver404:
                continue
        values = [str(value) for name, value in match.kwargs.items() if name in SECRET_NAMES and str(value)]
        if not values:
            return path
        for value in values:
            decoded = decoded.replace(value, REDACTED)
        return quote(decoded, safe="/:@!$&'()*+,;=[]-._~")
    return path


def redact_query(query: str, depth: int) -> str:
    parts = []
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        if equals and unquote_plus(name) in SECRET_NAMES:
            value = REDACTED
        elif equals and depth and unquote_plus(value).startswith(("/", "http://", "https://")):
            inner = unquote_plus(value)
            redacted = redact_address(inner, depth - 1)
            if redacted != inner:
                value = quote(redacted, safe="/:[]")
        parts.append(name + equals + value)
    return "&".join(parts)


def redact_address(address: str, depth: int = 2) -> str:
    """An address (a path or an absolute URL, with its query) with every secret in it redacted."""
    scheme, netloc, path, query, fragment = urlsplit(address)
    if path.startswith("//"):  # not an address but a path of slashes: resolved as it is
        return address
    path = redact_path(path) if path else path
    query = redact_query(query, depth) if query else query
    return urlunsplit((scheme, netloc, path, query, fragment))


def redact(line: str) -> str:
    """The log line with every secret in every address in it redacted."""

    def one(found: re.Match) -> str:
        try:
            return redact_address(found.group(0))
        except Exception:  # never a secret in the log because of a bug: the whole address goes
            return REDACTED

    return ADDRESS.sub(one, line)


class RedactSecrets(logging.Filter):
    """Writes ``[redacted]`` in the line instead of each secret; lets every line through."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            line = record.getMessage()
        except Exception:  # a malformed record is for logging to report, not for us
            return True
        redacted = redact(line)
        if redacted != line:
            record.msg, record.args = redacted, None
        return True


REDACT_SECRETS = RedactSecrets()


def install(loggers=ACCESS_LOGGERS) -> RedactSecrets:
    """Put the filter on ``loggers`` (once: ``addFilter`` skips one already there)."""
    for name in loggers:
        logging.getLogger(name).addFilter(REDACT_SECRETS)
    return REDACT_SECRETS


def redacting_filter(loggers=ACCESS_LOGGERS) -> RedactSecrets:
    """For ``LOGGING["filters"]`` (``"()": "suite.access_logs.redacting_filter", "loggers": [...]``).

    Adds the filter to ``loggers`` itself: naming them under ``LOGGING["loggers"]`` would take
    away their handlers (runserver's formatter, gunicorn's access log file).
    """
    return install(loggers)
