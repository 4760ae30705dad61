"""Staff accounts for the API tests: one per role, signed in with a bearer token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.main import create_app
from trolyao.accounts.auth import create_user

PASSWORD = "mat-khau-du-dai-123"
STAFF = (("quantri", "admin"), ("bientap", "editor"), ("canbo", "official"))
"""Username and role of each test account."""


def create_staff(engine: Engine) -> None:
    """Create :data:`STAFF`, all with :data:`PASSWORD`."""
    with Session(engine) as session, session.begin():
        for name, role in STAFF:
            create_user(session, name, PASSWORD, role)


@contextmanager
def staff_client(engine: Engine) -> Iterator[TestClient]:
    """The API on ``engine``, with :data:`STAFF` created."""
    create_staff(engine)
    with TestClient(create_app(engine)) as client:
        yield client


def bearer(client: TestClient, username: str) -> dict[str, str]:
    """The ``Authorization`` header of ``username`` signed in."""
    token = client.post(
        "/api/auth/token", data={"username": username, "password": PASSWORD}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def staff_site(folder: Path, prepare: Callable[[Engine], None] | None = None) -> Iterator[str]:
    """The API over HTTP (``trolyao api``) on a migrated, seeded SQLite database in
    ``folder``, with :data:`STAFF` created and whatever ``prepare`` adds; its base URL."""
    from tests.support.assistant import serve_api
    from tests.support.databases import migrated_seeded_engine

    url = f"sqlite:///{folder / 'app.db'}"
    engine = migrated_seeded_engine(url)
    create_staff(engine)
    if prepare is not None:
        prepare(engine)
    engine.dispose()
    with serve_api(url, folder) as base:
        yield base
