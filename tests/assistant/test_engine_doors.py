"""Secure by default: the engine answers only the edge, the action server only the engine.

A client that reaches the engine's or the action server's port directly cannot skip the
edge (its redaction, limits and usage log) or run actions by hand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from actions.server import authorized
from tests.support.assistant import ACTION_TOKEN, EDGE_TOKEN, Assistant, free_port
from trolyao.runtime.rasa_config import endpoints
from trolyao.runtime.secrets import NAMES, ensure_secrets
from trolyao.settings import Settings

ACTION_CALL = {
    "next_action": "action_answer_procedure",
    "sender_id": "outsider",
    "tracker": {"sender_id": "outsider", "slots": {}, "latest_message": {}, "events": []},
    "domain": {},
    "version": "3.6.21",
}


def test_the_engine_refuses_a_caller_without_the_edges_token(assistant: Assistant) -> None:
    body = {"sender": "outsider", "message": "xin chào"}
    url = f"{assistant.rasa_url}/webhooks/edge/webhook"
    assert httpx.post(url, json=body, timeout=30).status_code == 401
    wrong = {"Authorization": "Bearer " + "x" * 48}
    assert httpx.post(url, json=body, headers=wrong, timeout=30).status_code == 401
    # Rasa's open REST channel is not served at all
    rest = httpx.post(f"{assistant.rasa_url}/webhooks/rest/webhook", json=body, timeout=30)
    assert rest.status_code == 404
    answered = httpx.post(url, json=body, headers=assistant.edge_headers, timeout=30)
    assert answered.status_code == 200 and answered.json()


def test_rasas_http_api_is_closed_and_readiness_needs_the_edges_token(
    assistant: Assistant,
) -> None:
    base = assistant.rasa_url
    # no model loading (code execution), no training, no tracker read/write, no intent trigger
    assert httpx.get(f"{base}/status", timeout=30).status_code == 404
    assert httpx.put(f"{base}/model", json={"model_file": "/tmp/x"}, timeout=30).status_code in (
        404,
        405,
    )
    assert httpx.post(f"{base}/model/train", json={}, timeout=30).status_code in (404, 405)
    assert httpx.get(f"{base}/conversations/web-x/tracker", timeout=30).status_code == 404
    trigger = f"{base}/conversations/web-x/trigger_intent"
    assert httpx.post(trigger, json={"name": "greet"}, timeout=30).status_code in (404, 405)
    ready = f"{base}/webhooks/edge/ready"
    assert httpx.get(ready, timeout=30).status_code == 401
    answered = httpx.get(ready, headers=assistant.edge_headers, timeout=30)
    assert answered.status_code == 200 and answered.json()["model_id"]


def test_no_engine_process_has_a_secret_on_its_command_line(assistant: Assistant) -> None:
    seen = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if "rasa_ext.engine" in cmdline or "actions.server" in cmdline:
            seen += 1
            assert EDGE_TOKEN not in cmdline and ACTION_TOKEN not in cmdline
            assert "--auth-token" not in cmdline and "--enable-api" not in cmdline
    assert seen >= 2


def test_the_action_server_refuses_a_caller_without_the_engines_token(
    assistant: Assistant,
) -> None:
    url = f"{assistant.actions_url}/webhook"
    assert httpx.post(url, json=ACTION_CALL, timeout=30).status_code == 401
    bad = httpx.post(url, params={"token": "y" * 48}, json=ACTION_CALL, timeout=30)
    assert bad.status_code == 401
    assert httpx.get(f"{assistant.actions_url}/actions", timeout=30).status_code == 401
    assert httpx.get(f"{assistant.actions_url}/health", timeout=30).status_code == 200
    good = httpx.get(f"{assistant.actions_url}/actions", params={"token": ACTION_TOKEN})
    assert good.status_code == 200
    assert any(a["name"] == "action_answer_procedure" for a in good.json())


def test_the_action_server_will_not_start_without_a_token() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ACTION_SERVER_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "actions.server", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "ACTION_SERVER_TOKEN" in done.stderr


def test_token_comparison_accepts_only_the_exact_token() -> None:
    token = "t" * 40
    assert authorized(token, token, None) and authorized(token, None, f"Bearer {token}")
    assert not authorized(token, None, None)
    assert not authorized(token, token[:-1], f"Bearer {token}x")


def test_rasa_sends_the_action_token() -> None:
    settings = Settings(action_server_token="a" * 40)
    assert endpoints(settings)["action_endpoint"]["token"] == "a" * 40


def test_make_run_generates_the_secrets_once_and_keeps_them_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in NAMES:  # recorded, so that the test leaves the environment as it was
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    path = tmp_path / "secrets.env"
    assert ensure_secrets(path) == list(NAMES)
    first = {name: os.environ[name] for name in NAMES}
    assert all(len(v) >= 32 for v in first.values())
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    assert ensure_secrets(path) == []  # the next run keeps them
    assert {name: os.environ[name] for name in NAMES} == first
    monkeypatch.setenv("EDGE_ENGINE_TOKEN", "z" * 40)  # the environment wins
    ensure_secrets(path)
    assert os.environ["EDGE_ENGINE_TOKEN"] == "z" * 40
    lines = path.read_text("utf-8").splitlines()
    assert sorted(line.split("=", 1)[0] for line in lines if "=" in line) == sorted(NAMES)


def test_the_supervisor_starts_nothing_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trolyao.runtime.supervisor import build_processes

    for name in ("EDGE_ENGINE_TOKEN", "ACTION_SERVER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="EDGE_ENGINE_TOKEN, ACTION_SERVER_TOKEN"):
        build_processes(Settings(_env_file=None), tmp_path / "endpoints.yml")  # type: ignore[call-arg]
    processes = build_processes(
        Settings(_env_file=None, edge_engine_token="e" * 40, action_server_token="a" * 40),  # type: ignore[call-arg]
        tmp_path / "endpoints.yml",
    )
    actions, rasa = processes[0], processes[1]
    assert actions.argv[-3:] == ["actions.server", "--port", "5055"]
    # the project's credentials.yml: the edge's channel only
    assert Path(rasa.argv[rasa.argv.index("--credentials") + 1]).name == "credentials.yml"
    assert "--enable-api" not in rasa.argv and "--auth-token" not in rasa.argv
    assert rasa.argv[rasa.argv.index("--interface") + 1] == "127.0.0.1"
