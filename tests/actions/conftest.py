"""Fixtures for action tests: the action layer on a test database, trackers, the domain."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from trolyao import db
from trolyao.kb.search import service as search_service
from trolyao.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]


def _point_actions_at(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CONTACT_PHONE", "0205 3 999 999")
    get_settings.cache_clear()
    db.dispose_engines()
    search_service._services.clear()


@pytest.fixture
def actions_db(engine: Engine, fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The actions' database: migrated, seeded, this test's own (per backend)."""
    _point_actions_at(fresh_url, monkeypatch)
    yield engine
    db.dispose_engines()
    get_settings.cache_clear()
    search_service._services.clear()


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The assistant's domain, as Rasa sends it to the action server."""
    return dict(yaml.safe_load((ROOT / "domain.yml").read_text("utf-8")))


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """A fresh dispatcher per test."""
    return CollectingDispatcher()
