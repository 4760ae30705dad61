"""Access logs without personal data: query strings are redacted before they are written."""

from __future__ import annotations

import logging
from urllib.parse import unquote_plus

from trolyao.redaction import redact


class RedactingFilter(logging.Filter):
    """Redact personal data from the request line of uvicorn's access log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = redact(unquote_plus(str(args[2])))
            record.args = tuple(args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_log_redaction() -> None:
    """Attach the filter to uvicorn's access logger once."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
