"""The domain's exceptions, mapped to HTTP errors by the API and to polite replies by actions.

::

    TroLyAoError
    ├── InvalidQuery          a search text that cannot be searched (empty, too long, controls)
    ├── NotFound
    │   └── ProcedureNotFound no procedure has that code or key
    └── InvalidRecord         a procedure record that does not fit the record shape
"""

from __future__ import annotations


class TroLyAoError(Exception):
    """Base class of the domain's errors; ``message`` is safe to show to a citizen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidQuery(TroLyAoError):
    """The search text cannot be searched; ``reason`` is a short machine-readable code."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class NotFound(TroLyAoError):
    """A requested object does not exist."""


class ProcedureNotFound(NotFound):
    """No procedure has the requested code or key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"Không tìm thấy thủ tục có mã '{key}'.")
        self.key = key


class InvalidRecord(TroLyAoError):
    """A procedure record does not fit the record shape; ``errors`` name the fields."""

    def __init__(self, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []
