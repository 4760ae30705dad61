"""Local stand-ups of the assistant (the tests' and the benchmarks'): a free port, a seeded
database, and waiting for a part to be ready. ``make run`` and the cluster use their own
configured ports and databases."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seeded_database(folder: Path, name: str = "app.db") -> str:
    """A new SQLite app database in ``folder``, migrated and seeded; its URL."""
    from trolyao import migrate
    from trolyao.db import make_engine, session_scope
    from trolyao.kb.seed import seed_all

    database_url = f"sqlite:///{folder / name}"
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_all(session)
    engine.dispose()
    return database_url


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Call ``check`` until it is true (an exception counts as not yet); the seconds it took.
    Raise ``RuntimeError`` naming ``what`` after ``timeout`` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            ready = check()
        except Exception:  # not up yet: refused, reset, half-written JSON
            ready = False
        if ready:
            return time.monotonic() - started
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready after {timeout:.0f} s")
