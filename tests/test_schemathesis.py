"""Schemathesis against the OpenAPI schema of the admin and analytics APIs: generated
requests (valid and invalid) never get a server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from api.main import create_app
from tests.support.databases import migrated_seeded_engine
from trolyao.accounts.auth import create_user

PASSWORD = "mat-khau-du-dai-123"


@pytest.fixture(scope="module")
def app_and_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    engine = migrated_seeded_engine(f"sqlite:///{tmp_path_factory.mktemp('st') / 'app.db'}")
    with Session(engine) as session, session.begin():
        create_user(session, "quantri", PASSWORD, "admin")
    app = create_app(engine)
    with TestClient(app) as client:  # runs the lifespan: the app is ready for ASGI calls
        token = client.post(
            "/api/auth/token", data={"username": "quantri", "password": PASSWORD}
        ).json()["access_token"]
        yield app, token
    engine.dispose()


def test_no_server_errors(app_and_token: tuple[Any, str]) -> None:
    app, token = app_and_token
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(
        path_regex=r"^/api/(admin|analytics)"
    )
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    statuses: dict[int, int] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.text[:300]}")

        run()
    assert operations >= 20  # every admin and analytics operation was exercised
    assert failures == []
    assert sum(n for code, n in statuses.items() if code < 300) > 50  # not all refused
