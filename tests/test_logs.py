"""Access logs are redacted before they are written."""

from __future__ import annotations

import logging

from api.logs import RedactingFilter, install_log_redaction


def test_access_log_request_line_is_redacted() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        (
            "127.0.0.1:5000",
            "GET",
            "/api/procedures/search?q=sdt+0912345678+cccd+001203012345",
            "1.1",
            200,
        ),
        None,
    )
    assert RedactingFilter().filter(record)
    message = record.getMessage()
    assert "0912345678" not in message and "001203012345" not in message
    assert "[SĐT]" in message and "[CCCD]" in message


def test_plain_messages_are_redacted_too() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "mail a@b.vn", None, None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "mail [EMAIL]"


def test_installing_twice_adds_one_filter() -> None:
    install_log_redaction()
    install_log_redaction()
    filters = logging.getLogger("uvicorn.access").filters
    assert sum(isinstance(f, RedactingFilter) for f in filters) == 1
