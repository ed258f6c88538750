"""Keeps the end callback's signature out of the web server's access logs.

BBB calls the end callback with a GET, so its signature travels in the query string, which access
logs record. When Django starts, seminars puts this filter on the access loggers of runserver
(``django.server``) and gunicorn (``gunicorn.access``); a host may add it to others in its LOGGING.
A proxy's own log is the host's to configure (docs/deploy.md shows nginx's).
"""

import logging
import re

ACCESS_LOGGERS = ("django.server", "gunicorn.access")
SIGNATURE = re.compile(r"(signature=)[^&\s\"]+")


class RedactSignatures(logging.Filter):
    """Writes ``signature=[redacted]`` in the line instead of the value; lets every line through."""

    def filter(self, record: logging.LogRecord) -> bool:
        line = record.getMessage()
        redacted = SIGNATURE.sub(r"\1[redacted]", line)
        if redacted != line:
            record.msg, record.args = redacted, None
        return True


REDACT_SIGNATURES = RedactSignatures()


def install() -> None:
    for name in ACCESS_LOGGERS:
        logging.getLogger(name).addFilter(REDACT_SIGNATURES)  # once: addFilter skips one already there
