"""Test databases: fresh, migrated and seeded, on SQLite and on the machine's PostgreSQL."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from trolyao import dbadmin, migrate
from trolyao.db import make_engine
from trolyao.dbadmin import create_postgres_database
from trolyao.kb.seed import seed_all

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


def migrated_seeded_engine(url: str) -> Engine:
    """A migrated database at ``url`` with the seed knowledge base."""
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        seed_all(session)
    return engine
