"""Creating and dropping whole databases, for tests and benchmarks."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _admin_dsn(admin_url: str) -> str:
    return make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_postgres_database(admin_url: str, prefix: str) -> str:
    """Create a new, uniquely named PostgreSQL database; return its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    if not _NAME_RE.match(name):
        raise ValueError(f"invalid database name {name!r}")
    with psycopg.connect(_admin_dsn(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, admin_url: str) -> None:
    """Drop the PostgreSQL database of ``url``, or delete the SQLite file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            for suffix in ("", "-wal", "-shm"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    name = parsed.database or ""
    if not _NAME_RE.match(name):
        raise ValueError(f"invalid database name {name!r}")
    with psycopg.connect(_admin_dsn(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
