"""Database engines and sessions; SQLite (embedded) or PostgreSQL from ``DATABASE_URL``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from trolyao.settings import get_settings

_engines: dict[str, Engine] = {}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten, not left in free pages (citizens' deletion requests).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def checkpoint(engine: Engine) -> None:
    """For SQLite, move the write-ahead log into the database and empty it, so that rows just
    deleted leave no copy in the ``-wal`` file. Nothing to do for other databases."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url``; for SQLite, create the folder and enable WAL and FKs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # hide_parameters: a database error never logs a statement's values (a contact, a note)
    return create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
    )


def get_engine(url: str | None = None) -> Engine:
    """Return the process's engine for ``url`` (default: the settings' URL), made once."""
    settings = get_settings()
    url = url or settings.database_url
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = make_engine(url, echo=settings.database_echo)
    return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests and shutdown)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine``."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One session per unit of work: commit on success, roll back on error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session, session.begin():
        yield session
