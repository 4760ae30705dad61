"""Staff accounts for the API tests: one per role, signed in with a bearer token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
