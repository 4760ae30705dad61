"""Shared fixtures: fresh, migrated databases on SQLite and on the machine's PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.support_assistant import assistant  # noqa: F401  (the running assistant fixture)
from trolyao import dbadmin, migrate
from trolyao.db import make_engine
from trolyao.dbadmin import create_postgres_database
from trolyao.seed import seed_all

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]


def new_database_url(backend: str, tmp_path: Path) -> str:
    """Create an empty database on ``backend`` and return its URL."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / f'test-{uuid.uuid4().hex[:8]}.db'}"
    return create_postgres_database(POSTGRES_ADMIN_URL, "trolyao_test")


def drop_database(url: str) -> None:
    """Remove a database made by :func:`new_database_url`."""
    dbadmin.drop_database(url, POSTGRES_ADMIN_URL)


def _migrated_seeded_engine(url: str) -> Engine:
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        seed_all(session)
    return engine


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, seeded database shared by read-only tests, per backend."""
    url = new_database_url(request.param, tmp_path_factory.mktemp("db"))
    engine = _migrated_seeded_engine(url)
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
    engine = _migrated_seeded_engine(fresh_url)
    yield engine
    engine.dispose()
