"""Load benchmark of the REST channel: concurrent senders asking DB-backed questions."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml

from trolyao.runtime.engine import engine_env, engine_ready, engine_run_argv, train_argv
from trolyao.runtime.local import free_port, seeded_database, wait_until
from trolyao.runtime.supervisor import action_server_argv
from trolyao.settings import PROJECT_ROOT

# This run's shared secrets: our engine takes only the edge's calls, the action server
# only the engines' (stock Rasa gets the action token too, so both run the same actions).
EDGE_TOKEN = secrets.token_urlsafe(32)
ACTION_TOKEN = secrets.token_urlsafe(32)

QUESTIONS = [
    "lệ phí làm hộ chiếu bao nhiêu",
    "dang ky khai sinh can giay to gi",
    "đk tạm trú mất mấy ngày",
    "làm cccd ở đâu",
    "chứng thực bản sao mất bao nhiêu tiền",
    "đăng ký thường trú online được không",
    "các bước đăng ký kết hôn",
    "điều kiện đăng ký kết hôn là gì",
    "còn lệ phí thì sao",
    "thu tuc lam so do",
    "lltp bao lâu thì có",
    "tra cứu hồ sơ 000.00.12.H37-251124-0007",
]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class _Connection:
    """A minimal HTTP/1.1 keep-alive client, so the load generator spends little CPU."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post_json(
        self, path: str, body: dict[str, Any], headers: str = ""
    ) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        payload = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: keep-alive\r\n{headers}\r\n"
        ).encode()
        self.writer.write(head + payload)
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _sender(
    base: str,
    path: str,
    sender: str,
    count: int,
    latencies: list[float],
    errors: list[str],
    turns_per_citizen: int = 5,
    headers: str = "",
) -> None:
    """Send ``count`` messages as successive citizens of ``turns_per_citizen`` turns each."""
    parts = urlsplit(base)
    connection = _Connection(parts.hostname or "127.0.0.1", parts.port or 80)
    try:
        for i in range(count):
            citizen = f"{sender}-c{i // turns_per_citizen}"
            message = QUESTIONS[(i * 7 + len(sender)) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                status, body = await connection.post_json(
                    path, {"sender": citizen, "message": message}, headers
                )
                ok = status == 200 and body not in (b"", b"[]")
                if not ok:
                    errors.append(f"HTTP {status}")
            except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                errors.append(type(exc).__name__)
                connection.close()
                connection = _Connection(parts.hostname or "127.0.0.1", parts.port or 80)
            latencies.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()


async def drive(
    rasa_url: str,
    senders: int,
    messages_each: int,
    edge_token: str | None = None,
    run_id: str = "bench",
) -> dict[str, Any]:
    """Send ``messages_each`` messages from each of ``senders`` concurrent senders: through
    our edge channel with its token, or (no token: stock Rasa) Rasa's REST channel."""
    path = "/webhooks/edge/webhook" if edge_token else "/webhooks/rest/webhook"
    headers = f"Authorization: Bearer {edge_token}\r\n" if edge_token else ""
    latencies: list[float] = []
    errors: list[str] = []
    # warm-up: one message per sender, not measured
    await asyncio.gather(
        *(
            _sender(rasa_url, path, f"{run_id}-w{i}", 1, [], [], headers=headers)
            for i in range(senders)
        )
    )
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _sender(
                rasa_url, path, f"{run_id}-{i}", messages_each, latencies, errors, headers=headers
            )
            for i in range(senders)
        )
    )
    elapsed = time.perf_counter() - started
    return {
        "senders": senders,
        "messages": len(latencies),
        "errors": len(errors),
        "msg_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
    }


# --- the whole benchmark: ours against stock Rasa, same data, same run ---------------------


def fresh_workdir(path: Path) -> Path:
    """An empty folder for one benchmark run (the previous run's is removed)."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def wait_for(url: str, key: str | None, timeout: float) -> float:
    """Until ``url`` answers 200 (with a true ``key`` in its JSON, when given); the seconds."""

    def check() -> bool:
        response = httpx.get(url, timeout=2.0)
        return response.status_code == 200 and (key is None or bool(response.json().get(key)))

    return wait_until(check, timeout, url)


def train(config: Path, out: Path, name: str) -> float:
    """Train stock Rasa with ``config`` on the project's data; return the seconds it took."""
    started = time.monotonic()
    subprocess.run(
        train_argv(config, out, name, stock=True),
        cwd=PROJECT_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=engine_env(TF_CPP_MIN_LOG_LEVEL="3"),
    )
    return time.monotonic() - started


def measure_variant(
    model: Path,
    endpoints: dict[str, Any],
    workdir: Path,
    actions_url: str,
    senders: int,
    messages_each: int,
    label: str,
) -> dict[str, Any]:
    """Start Rasa on ``model``, time readiness, drive the load, stop it."""
    port = free_port()
    endpoints_file = workdir / f"endpoints-{label}.yml"
    endpoints_file.write_text(yaml.safe_dump(endpoints), "utf-8")
    log = (workdir / f"rasa-{label}.log").open("wb")
    # ours runs through our engine command (with its patches) and serves only the edge's
    # channel; stock is plain `rasa` with its open REST channel
    credentials = workdir / f"credentials-{label}.yml"
    credentials.write_text(
        (PROJECT_ROOT / "credentials.yml").read_text("utf-8") if label == "ours" else "rest:\n",
        "utf-8",
    )
    process = subprocess.Popen(
        engine_run_argv(
            port, endpoints_file, model=model, credentials=credentials, stock=label != "ours"
        ),
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=engine_env(TF_CPP_MIN_LOG_LEVEL="3", EDGE_ENGINE_TOKEN=EDGE_TOKEN),
    )
    try:
        # ours: the edge channel's readiness; stock: its root route (Rasa loads the model
        # before it listens), neither through Rasa's HTTP API
        base = f"http://127.0.0.1:{port}"
        ready_s = wait_until(
            (lambda: engine_ready(base, EDGE_TOKEN))
            if label == "ours"
            else (lambda: httpx.get(base, timeout=2.0).status_code == 200),
            240,
            f"the {label} engine",
        )
        result = asyncio.run(
            drive(
                f"http://127.0.0.1:{port}",
                senders,
                messages_each,
                edge_token=EDGE_TOKEN if label == "ours" else None,
                run_id=label,
            )
        )
        result["model_ready_s"] = round(ready_s, 1)
        return result
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def run_chat_benchmark(
    senders: int, messages_each: int, output: Path, include_stock: bool = True
) -> dict[str, Any]:
    """Our assistant and stock Rasa on the same data, with DB-backed custom actions."""
    from trolyao.runtime.engine import ensure_model
    from trolyao.runtime.rasa_config import endpoints as our_endpoints
    from trolyao.settings import Settings

    workdir = fresh_workdir(output.parent / "chat")
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "senders": senders,
        "messages_per_sender": messages_each,
        "turns_per_citizen": 5,
    }
    started = time.monotonic()
    model = ensure_model(force=True)
    results["train_ours_s"] = round(time.monotonic() - started, 1)
    database_url = seeded_database(workdir)
    actions_port = free_port()
    actions_url = f"http://127.0.0.1:{actions_port}"
    actions_log = (workdir / "actions.log").open("wb")
    actions = subprocess.Popen(
        action_server_argv(actions_port),
        cwd=PROJECT_ROOT,
        stdout=actions_log,
        stderr=subprocess.STDOUT,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "SANIC_HOST": "127.0.0.1",
            "ACTION_SERVER_TOKEN": ACTION_TOKEN,
        },
    )
    try:
        wait_for(f"{actions_url}/health", None, 60)
        settings = Settings(
            database_url=database_url,
            action_server_url=actions_url,
            action_server_token=ACTION_TOKEN,
            tracker_store_url=f"sqlite:///{workdir / 'tracker-ours.db'}",
            event_broker_url=f"sqlite:///{workdir / 'events-ours.db'}",
        )
        results["ours"] = measure_variant(
            model, our_endpoints(settings), workdir, actions_url, senders, messages_each, "ours"
        )
        print(f"ours:  {results['ours']}", flush=True)
        if include_stock:
            results["train_stock_s"] = round(
                train(PROJECT_ROOT / "bench" / "stock_config.yml", workdir, "stock"), 1
            )
            stock_endpoints = {
                "action_endpoint": {"url": f"{actions_url}/webhook", "token": ACTION_TOKEN},
                "tracker_store": {
                    "type": "SQL",
                    "dialect": "sqlite",
                    "db": str(workdir / "tracker-stock.db"),
                },
                "event_broker": {
                    "type": "SQL",
                    "dialect": "sqlite",
                    "db": str(workdir / "events-stock.db"),
                },
            }
            results["stock"] = measure_variant(
                workdir / "stock.tar.gz",
                stock_endpoints,
                workdir,
                actions_url,
                senders,
                messages_each,
                "stock",
            )
            print(f"stock: {results['stock']}", flush=True)
    finally:
        actions.terminate()
        actions.wait(timeout=30)
        actions_log.close()
    output.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return results
