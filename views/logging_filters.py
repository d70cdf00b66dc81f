"""Keep secrets out of the logs: a calendar feed's URL is its only key, and a password reset link
carries its token, so access logs show /calendar/[redacted].ics and /password/reset/[redacted]
instead (gunicorn's access log, the development server's request log)."""

import logging
import re

from gunicorn.glogging import Logger

CALENDAR_URL = re.compile(r"/calendar/[^/?#\s\"]+?\.ics")
REDACTED = "/calendar/[redacted].ics"
RESET_URL = re.compile(r"/password/reset/[^/?#\s\"]+")
RESET_REDACTED = "/password/reset/[redacted]"


def redact(text: str) -> str:
    """The text with every calendar feed URL and password reset link in it redacted."""
    return RESET_URL.sub(RESET_REDACTED, CALENDAR_URL.sub(REDACTED, text))


class RedactSecrets(logging.Filter):
    """A logging filter that rewrites each record's message with the secrets replaced."""

    def filter(self, record):
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def install():
    """Redact the development server's request log (werkzeug logs each request line)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
        logger.addFilter(RedactSecrets())


class GunicornLogger(Logger):
    """gunicorn's logger with every access-log field redacted (request line, path, headers, environ);
    deploy/gunicorn.conf.py names it as logger_class."""

    def atoms(self, resp, req, environ, request_time):
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in super().atoms(resp, req, environ, request_time).items()
        }
