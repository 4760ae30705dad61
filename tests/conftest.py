"""Shared fixtures: fresh, migrated databases on SQLite and on the machine's PostgreSQL, a SQL
event broker with a scripted stream, and a headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine

from tests.support.assistant import assistant  # noqa: F401  (the running assistant fixture)
from tests.support.browser import chromium
from tests.support.databases import (
    BACKENDS,
    drop_database,
    migrated_seeded_engine,
    new_database_url,
)
from tests.support.events import sql_broker
from trolyao.db import make_engine


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, seeded database shared by read-only tests, per backend."""
    url = new_database_url(request.param, tmp_path_factory.mktemp("db"))
    engine = migrated_seeded_engine(url)
    engine.dispose()
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def seeded_engine(seeded_url: str) -> Iterator[Engine]:
    """An engine on the shared seeded database (do not write through it)."""
    engine = make_engine(seeded_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for one test, per backend."""
    url = new_database_url(request.param, tmp_path)
    yield url
    drop_database(url)


@pytest.fixture
def engine(fresh_url: str) -> Iterator[Engine]:
    """An engine on a migrated and seeded database of this test's own, per backend."""
    engine = migrated_seeded_engine(fresh_url)
    yield engine
    engine.dispose()


@pytest.fixture
def broker(tmp_path: Path) -> Engine:
    """A SQL event broker holding the scripted stream of ``tests.support.events``."""
    return sql_broker(tmp_path)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless Chromium, shared by a module's tests."""
    with chromium() as browser:
        yield browser
