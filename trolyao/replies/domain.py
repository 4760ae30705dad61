"""The one loader of ``domain.yml`` and the filling of its responses with values."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from trolyao.settings import PROJECT_ROOT

log = logging.getLogger(__name__)
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"

Domain = dict[str, Any]
"""Rasa's domain as a mapping (what the action server passes to actions)."""


@lru_cache(maxsize=4)
def load_domain(path: Path = DOMAIN_FILE) -> Domain:
    """The responses of ``domain.yml``, read once per process."""
    domain = yaml.safe_load(path.read_text("utf-8"))
    return {"responses": dict(domain.get("responses", {}))}


def response_text(name: str, domain: Domain | None = None) -> str:
    """The text of response ``name`` (its first variant); "" when it is missing."""
    variants = (domain or load_domain()).get("responses", {}).get(name) or []
    if not variants:
        log.error("response %s is missing from the domain", name)
        return ""
    return str(variants[0].get("text", ""))


def fragment(domain: Domain | None, name: str, /, **values: Any) -> str:
    """The text of response ``name``, filled with ``values``.

    Citizen-facing words live in ``domain.yml``; code only assembles them with data.
    """
    text = response_text(name, domain)
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        log.exception("response %s could not be filled", name)
        return text


def edge_reply(name: str, **values: Any) -> str:
    """What the edge says itself (engine down, too fast, too long): ``utter_edge_<name>``."""
    return fragment(None, f"utter_edge_{name}", **values)
