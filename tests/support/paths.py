"""Where things are, for test modules at any depth of ``tests/``."""

from __future__ import annotations

from pathlib import Path

#: The project's root folder.
ROOT = Path(__file__).resolve().parents[2]
#: The evaluation and fixture data of the tests (``tests/data``).
DATA = ROOT / "tests" / "data"
