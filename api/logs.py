"""Access logs without personal data and without forged lines: the request line is decoded
for redaction, then every control character is written escaped (``\\x0a``), so a crafted
URL can neither hide personal data in percent-encoding nor start a new log line."""

from __future__ import annotations

import logging
from urllib.parse import unquote_plus

from trolyao.redaction import redact

_LINE_BREAKERS = {0x2028, 0x2029, 0x85}


def printable(text: str) -> str:
    """``text`` with control characters and line separators escaped (one log line stays one)."""
    return "".join(
        f"\\x{ord(ch):02x}"
        if ord(ch) < 0x20 or ord(ch) == 0x7F or ord(ch) in _LINE_BREAKERS
        else ch
        for ch in text
    )


class RedactingFilter(logging.Filter):
    """Redact personal data from the request line of uvicorn's access log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = printable(redact(unquote_plus(str(args[2]))))
            record.args = tuple(args)
        elif isinstance(record.msg, str):
            record.msg = printable(redact(record.msg))
        return True


def install_log_redaction() -> None:
    """Attach the filter to uvicorn's access logger once."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
