"""Texts the edge says itself (engine down, too fast, too long), read from ``domain.yml``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from trolyao.settings import PROJECT_ROOT


@lru_cache(maxsize=1)
def _responses() -> dict[str, Any]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    return dict(domain.get("responses", {}))


def edge_reply(name: str, **values: Any) -> str:
    """The text of response ``utter_edge_<name>``, filled with ``values``."""
    text = str(_responses()[f"utter_edge_{name}"][0]["text"])
    return text.format(**values) if values else text
