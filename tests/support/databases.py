"""Test databases: fresh, migrated and seeded, on SQLite and on the machine's PostgreSQL."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import Engine, make_url
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


_TEMPLATES: dict[str, str] = {}


def _template(backend: str) -> str:
    """A migrated, seeded database made once per test session, copied for each test
    (seeding ~290 procedures for every test would dominate the suite's time)."""
    if backend not in _TEMPLATES:
        directory = Path(tempfile.mkdtemp(prefix="trolyao-template-"))
        url = new_database_url(backend, directory)
        migrate.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session, session.begin():
            seed_all(session)
        engine.dispose()
        _TEMPLATES[backend] = url
        atexit.register(drop_database, url)
    return _TEMPLATES[backend]


def migrated_seeded_engine(url: str) -> Engine:
    """A migrated database at ``url`` with the seed knowledge base (a copy of the
    session's template, made by the same migrations and seed)."""
    parsed = make_url(url)
    template = make_url(_template(parsed.get_backend_name()))
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database and template.database
        shutil.copyfile(template.database, parsed.database)
    else:
        with psycopg.connect(
            make_url(POSTGRES_ADMIN_URL)
            .set(drivername="postgresql")
            .render_as_string(hide_password=False),
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}"')
            conn.execute(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{template.database}"')
    return make_engine(url)
