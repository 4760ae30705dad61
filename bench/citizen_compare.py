"""The citizen path, ours against stock Rasa, in one run behind the same API.

Each variant is a whole ``make run`` stack started in a fresh folder: the action server, the
engine, the API (``POST /api/chat/messages``, as the widget sends it) and the worker
ingesting usage, on the same seeded knowledge base. Only the engine differs:

- **ours**: ``python -m rasa_ext.engine`` (our patches), our model, our tuned stores;
- **stock**: plain ``rasa run``, a model trained from Rasa 3.6's default config
  (``bench/stock_config.yml``) on the same data, Rasa's own SQL tracker store and event
  broker. It serves the edge's channel (``rasa_ext.channels.EdgeInput``, a REST channel
  behind the token), because the API speaks only that.

The load is ``wrk`` (:mod:`bench.citizen`), the same for both, one stack at a time.

    trolyao bench citizen-compare --connections 20 --seconds 30
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.chat import fresh_workdir, train
from bench.citizen import require_wrk, run_citizen_benchmark
from trolyao.runtime.engine import (
    engine_env,
    engine_ready,
    engine_run_argv,
    ensure_model,
    training_fingerprint,
)
from trolyao.runtime.local import free_port, seeded_database, wait_until
from trolyao.runtime.rasa_config import endpoints as our_endpoints
from trolyao.runtime.supervisor import APP_BIN, action_server_argv
from trolyao.settings import PROJECT_ROOT, Settings

VARIANTS = ("ours", "stock")


def _wait(
    ready: Callable[[], bool], timeout: float, process: subprocess.Popen[bytes], log: Path
) -> None:
    """Until ``ready()`` says so, or ``process`` stops."""

    def check() -> bool:
        if process.poll() is not None:
            raise SystemExit(f"it stopped; see {log}")
        return ready()

    try:
        wait_until(check, timeout, f"{log.stem} (see {log})")
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from exc


def _http_ok(url: str) -> Callable[[], bool]:
    return lambda: httpx.get(url, timeout=2).status_code == 200


class Stack:
    """One variant's processes, started in order, their output in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str],
        ready: Callable[[], bool] | None,
    ) -> None:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        self.processes.append((name, process))
        if ready:
            _wait(ready, 300, process, log)

    def rss_mb(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, process in self.processes:
            try:
                pages = int(Path(f"/proc/{process.pid}/statm").read_text().split()[1])
            except (OSError, IndexError, ValueError):
                continue
            out[name] = round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20)
        return out

    def stop(self) -> None:
        for _, process in reversed(self.processes):
            process.terminate()
        for _, process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def _engine(variant: str, folder: Path, settings: Settings) -> list[str]:
    """The engine's command for ``variant`` (its endpoints file written in ``folder``): ours,
    or stock Rasa; both serve only the edge's channel (credentials.yml), as make run does."""
    if variant == "ours":
        model, config = ensure_model(), our_endpoints(settings)
    else:
        model = folder.parent.parent / "stock-model" / "stock.tar.gz"
        config = {
            "action_endpoint": {
                "url": f"{settings.action_server_url}/webhook",
                "token": settings.action_server_token,
            },
            "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(folder / "t.db")},
            "event_broker": {"type": "SQL", "dialect": "sqlite", "db": str(folder / "e.db")},
        }
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump(config), "utf-8")
    port = int(settings.rasa_url.rsplit(":", 1)[1])
    return engine_run_argv(port, endpoints, model=model, stock=variant == "stock")


def measure(variant: str, workdir: Path, connections: int, seconds: int) -> dict[str, Any]:
    """Bring up ``variant``'s stack, drive it with ``wrk``, stop it."""
    folder = workdir / variant
    folder.mkdir(parents=True)
    database_url = seeded_database(folder)
    broker = f"sqlite:///{folder / ('e.db' if variant == 'stock' else 'events.db')}"
    settings = Settings(
        database_url=database_url,
        tracker_store_url=f"sqlite:///{folder / ('t.db' if variant == 'stock' else 'tracker.db')}",
        event_broker_url=broker,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        action_server_url=f"http://127.0.0.1:{free_port()}",
        action_server_token=secrets.token_urlsafe(32),
        edge_engine_token=secrets.token_urlsafe(32),
    )
    api_port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "TRACKER_STORE_URL": settings.tracker_store_url,
        "EVENT_BROKER_URL": settings.event_broker_url,
        "RASA_URL": settings.rasa_url,
        "ACTION_SERVER_URL": settings.action_server_url,
        "ACTION_SERVER_TOKEN": settings.action_server_token or "",
        "EDGE_ENGINE_TOKEN": settings.edge_engine_token or "",
        "CHAT_RATE_PER_IP": "1000000",
        "CHAT_RATE_PER_SESSION": "1000000",
        "SANIC_HOST": "127.0.0.1",
    }
    stack = Stack(folder)
    try:
        actions_port = int(settings.action_server_url.rsplit(":", 1)[1])
        stack.start(
            "actions",
            action_server_argv(actions_port),
            env,
            _http_ok(f"{settings.action_server_url}/health"),
        )
        argv = _engine(variant, folder, settings)
        timeout = str(max(1.0, settings.engine_timeout_seconds - 0.5))
        engine_environment = {**env, **engine_env(ACTION_TIMEOUT_SECONDS=timeout)}
        engine_environment.update({k: env[k] for k in ("EDGE_ENGINE_TOKEN", "DATABASE_URL")})
        stack.start(
            "engine",
            argv,
            engine_environment,
            lambda: engine_ready(settings.rasa_url, settings.edge_engine_token),
        )
        api = [str(APP_BIN / "trolyao"), "api", "--host", "127.0.0.1", "--port", str(api_port)]
        stack.start("api", api, env, _http_ok(f"http://127.0.0.1:{api_port}/readyz"))
        stack.start("worker", [str(APP_BIN / "trolyao"), "worker"], env, None)
        url = f"http://127.0.0.1:{api_port}"
        run_citizen_benchmark(url, connections, 5)  # warm-up: caches, pools, first sessions
        result: dict[str, Any] = dict(run_citizen_benchmark(url, connections, seconds))
        result["rss_mb"] = stack.rss_mb()
        return result
    finally:
        stack.stop()


def stock_model(folder: Path) -> float | None:
    """Train stock Rasa's model into ``folder`` unless the one there was trained on the
    same data and configuration (training takes minutes); the seconds, or None if kept."""
    fingerprint = (
        training_fingerprint()
        + ":"
        + (PROJECT_ROOT / "bench" / "stock_config.yml").read_text("utf-8")
    )
    stamp = folder / "fingerprint"
    if (folder / "stock.tar.gz").exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    seconds = train(PROJECT_ROOT / "bench" / "stock_config.yml", folder, "stock")
    stamp.write_text(fingerprint)
    return round(seconds, 1)


def run_citizen_comparison(connections: int, seconds: int, output: Path) -> dict[str, Any]:
    """Both variants, one after the other, in one run; the figures also go to ``output``.

    The prerequisites are checked first (the load generator), so that a missing one stops
    the run before the stock model's minutes of training."""
    require_wrk()
    workdir = fresh_workdir(output.parent / "citizen-compare")
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "connections": connections,
        "seconds": seconds,
    }
    started = time.monotonic()
    results["train_stock_s"] = stock_model(output.parent / "stock-model")
    for variant in VARIANTS:
        results[variant] = measure(variant, workdir, connections, seconds)
        print(f"{variant}: {json.dumps(results[variant])}", flush=True)
    results["wall_s"] = round(time.monotonic() - started, 1)
    stock_rate = results["stock"].get("msg_per_s") or 0
    if stock_rate:
        results["ratio"] = round(results["ours"].get("msg_per_s", 0) / stock_rate, 2)
        print(f"ratio (ours / stock msg/s): {results['ratio']}", flush=True)
    output.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return results
