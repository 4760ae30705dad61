"""Shared fixtures: fresh, migrated databases on SQLite and on the machine's PostgreSQL, a SQL
event broker with a scripted stream, and a headless Chromium; and the suite's lanes.

Lanes. A test's lane markers come from what it uses, so that a new test lands in the right lane
without anyone remembering to mark it:

- ``engine``: it needs the running assistant (the ``assistant`` fixture, a trained model);
- ``browser``: it drives Chromium (the ``browser`` fixture);
- ``postgres``: it runs on the machine's PostgreSQL (the ``postgresql`` parameter of the
  database fixtures);
- ``services``: it needs Redis, RabbitMQ or their servers (marked by module);
- ``cluster``: it starts the HAProxy cluster (marked by module);
- ``slow``: it takes more than a few seconds on its own (marked by test).

``make check`` runs the tests with none of them, with PostgreSQL pointed at a closed port and
Python sockets to the service ports refused (``TROLYAO_TEST_LANE=check``), so that a test that
needs a service and lacks its marker fails there rather than passing by luck.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


#: The markers that keep a test out of ``make check`` (declared in pyproject.toml).
LANES = ("engine", "browser", "postgres", "services", "cluster", "slow")
#: Fixtures whose use puts a test in a lane.
_FIXTURE_LANES = {"assistant": "engine", "browser": "browser"}
#: The machine's service ports that the check lane refuses (PostgreSQL, Redis, RabbitMQ).
SERVICE_PORTS = frozenset({5432, 6379, 5672})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with the lanes its fixtures and parameters put it in."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        for fixture, lane in _FIXTURE_LANES.items():
            if fixture in names:
                item.add_marker(lane)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker("postgres")


@pytest.fixture(autouse=True)
def _no_services_in_the_check_lane(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In ``make check``, refuse Python connections to the service ports."""
    if os.environ.get("TROLYAO_TEST_LANE") != "check":
        return
    if any(request.node.get_closest_marker(lane) for lane in LANES):
        return
    connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and len(address) >= 2 and address[1] in SERVICE_PORTS:
            raise ConnectionRefusedError(
                f"{request.node.nodeid} reached port {address[1]} in the check lane: "
                "mark it with the lane of the service it needs (see tests/conftest.py)"
            )
        connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
