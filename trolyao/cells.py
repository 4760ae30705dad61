"""Spreadsheet cells that an official's Excel or LibreOffice will never run as a formula.

A text starting with ``= + - @``, a tab or a carriage return (after any quotes) gets one more
leading ``'`` on export (CSV), and loses exactly that one on import, so an import of an
export gives the same texts. Used by every export: the knowledge base and the communes'
offices.
"""

from __future__ import annotations

import re
from typing import Any

_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def guard_cell(value: Any) -> Any:
    """``value`` safe to put in a CSV cell (see the module's docstring)."""
    return "'" + value if isinstance(value, str) and _FORMULA.match(value) else value


def unguard_cell(value: str) -> str:
    """Undo :func:`guard_cell` exactly."""
    return value[1:] if value.startswith("'") and _FORMULA.match(value[1:]) else value
