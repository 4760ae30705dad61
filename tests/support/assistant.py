"""The running assistant for end-to-end tests: a trained model, the action server, a DB."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from trolyao.runtime.engine import engine_env, engine_ready, engine_run_argv, model_path
from trolyao.runtime.local import free_port, seeded_database, wait_until
from trolyao.runtime.rasa_config import write_endpoints
from trolyao.runtime.supervisor import action_server_argv
from trolyao.settings import PROJECT_ROOT, Settings, get_settings

APP_PYTHON = sys.executable
__all__ = ["Assistant", "assistant", "free_port", "serve_api", "wait_until"]


# The shared secrets of a test run (make run generates its own in var/secrets.env).
EDGE_TOKEN = "edge-" + secrets.token_urlsafe(32)
ACTION_TOKEN = "actions-" + secrets.token_urlsafe(32)


@dataclass
class Assistant:
    rasa_url: str
    actions_url: str
    database_url: str
    tracker_db: Path

    @property
    def edge_headers(self) -> dict[str, str]:
        """What the edge sends the engine: its bearer token."""
        return {"Authorization": f"Bearer {EDGE_TOKEN}"}

    def say(self, sender: str, text: str) -> list[dict[str, object]]:
        response = httpx.post(
            f"{self.rasa_url}/webhooks/edge/webhook",
            json={"sender": sender, "message": text},
            headers=self.edge_headers,
            timeout=30,
        )
        assert response.status_code == 200
        return list(response.json())

    def text(self, sender: str, message: str) -> str:
        return "\n".join(str(m.get("text", "")) for m in self.say(sender, message))

    def events(self, sender: str) -> list[dict[str, Any]]:
        """``sender``'s conversation as the tracker store holds it (Rasa's HTTP API is
        closed, so the tests read the store, as the worker does)."""
        with sqlite3.connect(self.tracker_db) as conn:
            rows = conn.execute(
                "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            ).fetchall()
        return [json.loads(data) for (data,) in rows]

    def slots(self, sender: str) -> dict[str, Any]:
        """``sender``'s slots now: the last value each slot event set."""
        return {
            str(e["name"]): e.get("value") for e in self.events(sender) if e.get("event") == "slot"
        }


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    assert model_path().exists(), "train first: `make test` runs `trolyao train`"
    tmp = tmp_path_factory.mktemp("e2e")
    database_url = seeded_database(tmp)
    rasa_port, actions_port = free_port(), free_port()
    settings = Settings(
        database_url=database_url,
        action_server_url=f"http://127.0.0.1:{actions_port}",
        action_server_token=ACTION_TOKEN,
        tracker_store_url=f"sqlite:///{tmp / 'tracker.db'}",
        event_broker_url=f"sqlite:///{tmp / 'events.db'}",
    )
    endpoints = write_endpoints(settings, tmp / "endpoints.yml")
    env = engine_env(
        DATABASE_URL=database_url,
        SANIC_HOST="127.0.0.1",
        TF_CPP_MIN_LOG_LEVEL="3",
        CONTACT_PHONE="0205 3 999 999",
        EDGE_ENGINE_TOKEN=EDGE_TOKEN,
        ACTION_SERVER_TOKEN=ACTION_TOKEN,
    )
    # The edge in this process (the API, the Telegram bridge) calls the engine with it.
    previous = os.environ.get("EDGE_ENGINE_TOKEN")
    os.environ["EDGE_ENGINE_TOKEN"] = EDGE_TOKEN
    get_settings.cache_clear()
    logs = [open(tmp / f"{n}.log", "wb") for n in ("actions", "rasa")]  # noqa: SIM115
    processes = [
        subprocess.Popen(
            action_server_argv(actions_port),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=logs[0],
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            engine_run_argv(rasa_port, endpoints),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=logs[1],
            stderr=subprocess.STDOUT,
        ),
    ]
    found = Assistant(
        f"http://127.0.0.1:{rasa_port}",
        settings.action_server_url,
        database_url,
        tmp / "tracker.db",
    )
    try:
        wait_until(
            lambda: httpx.get(f"{found.actions_url}/health").status_code == 200,
            60,
            "the action server",
        )
        wait_until(lambda: engine_ready(found.rasa_url, EDGE_TOKEN), 180, "the Rasa engine")
        yield found
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
        if previous is None:
            os.environ.pop("EDGE_ENGINE_TOKEN", None)
        else:
            os.environ["EDGE_ENGINE_TOKEN"] = previous
        get_settings.cache_clear()


@contextmanager
def serve_api(
    database_url: str, folder: Path, *, port: int | None = None, **env: str
) -> Iterator[str]:
    """Run ``trolyao api`` (on ``port``, or a free one) against ``database_url``; yield its
    base URL."""
    port = port or free_port()
    log = (folder / "api.log").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "trolyao"), "api", "--port", str(port)],
        env={**os.environ, "DATABASE_URL": database_url, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{base}/healthz").status_code == 200, 30, "the API")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
