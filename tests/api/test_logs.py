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


def test_a_crafted_path_cannot_forge_a_log_line() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/x%0D%0A127.0.0.1 - admin logged in%00%E2%80%A8", "1.1", 404),
        None,
    )
    assert RedactingFilter().filter(record)
    message = record.getMessage()
    assert "\n" not in message and "\r" not in message and "\x00" not in message
    assert "\u2028" not in message
    assert "\\x0d\\x0a127.0.0.1 - admin logged in\\x00\\x2028" in message
