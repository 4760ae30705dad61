"""The web chat when the engine answers nothing (its action server is down)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.main import create_app
from tests.support.engine import FakeEngine
from trolyao.settings import get_settings


@pytest.fixture
def silent() -> FakeEngine:
    """A stand-in for Rasa whose action server is down: it answers ``[]``."""
    return FakeEngine(mode="silent")


@pytest.fixture
def client(
    seeded_engine: Engine, silent: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    with silent.serve() as url:
        monkeypatch.setenv("RASA_URL", url)
        get_settings.cache_clear()
        try:
            with TestClient(create_app(seeded_engine)) as client:
                yield client
        finally:
            get_settings.cache_clear()


def test_no_reply_from_the_engine_gets_the_polite_message(
    client: TestClient, silent: FakeEngine
) -> None:
    response = client.post(
        "/api/chat/messages", json={"session_id": "edge-test-0001", "text": "gọi 0912345678"}
    )
    assert response.status_code == 503
    assert "thử lại" in response.json()["messages"][0]["text"]
    sent = silent.received[-1]
    assert sent["sender"] == "web-edge-test-0001"
    assert sent["message"] == "gọi [SĐT]"
    assert sent["metadata"]["channel"] == "web"
