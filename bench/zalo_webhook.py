"""Zalo webhook benchmark: acknowledgement latency at several concurrencies, and
redeliveries answered once (the API process, a fresh database, the fake Zalo API)."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.chat import percentile, wait_for
from bench.peers.zalo import FakeZalo
from bot.zalo import signature
from trolyao import migrate
from trolyao.runtime.local import free_port

APP_ID = "bench-app"
SECRET = "bench-oa-secret"  # noqa: S105 (the benchmark's own key)


def _event(user: int, msg_id: int) -> bytes:
    body = {
        "app_id": APP_ID,
        "event_name": "user_send_text",
        "timestamp": str(int(time.time() * 1000)),
        "sender": {"id": f"u{user}"},
        "recipient": {"id": "oa"},
        "message": {"text": "xin chào", "msg_id": f"m{msg_id}"},
    }
    return json.dumps(body).encode()


async def _post_all(
    url: str, events: int, concurrency: int, base: int, latencies: list[float]
) -> int:
    """Post every event twice from ``concurrency`` workers; return the duplicates seen."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for i in range(events):
        raw = _event(base + i, base + i)
        queue.put_nowait(raw)
        queue.put_nowait(raw)  # a redelivery
    duplicates = 0
    async with httpx.AsyncClient(timeout=10) as client:

        async def worker() -> None:
            nonlocal duplicates
            while not queue.empty():
                raw = queue.get_nowait()
                mac = signature(APP_ID, raw, json.loads(raw)["timestamp"], SECRET)
                started = time.perf_counter()
                response = await client.post(
                    url, content=raw, headers={"X-ZEvent-Signature": f"mac={mac}"}
                )
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
                duplicates += bool(response.json().get("duplicate"))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return duplicates


def run_zalo_benchmark(events: int, concurrencies: list[int], output: Path) -> dict[str, Any]:
    """POST ``events`` signed events (each twice) at each concurrency; time the acks."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fake = FakeZalo(access="bench-access").start()
    results: dict[str, Any] = {"events_per_run": events, "runs": []}
    try:
        for concurrency in concurrencies:
            database = output.parent / f"zalo-{concurrency}.db"
            database.unlink(missing_ok=True)
            url_db = f"sqlite:///{database}"
            migrate.upgrade(url_db)
            port = free_port()
            env = {
                **os.environ,
                "DATABASE_URL": url_db,
                "ZALO_APP_ID": APP_ID,
                "ZALO_OA_SECRET_KEY": SECRET,
                "ZALO_ACCESS_TOKEN": "bench-access",
                "CHANNEL_TOKEN_KEY": "bench-" + "k" * 40,
                "ZALO_API_BASE_URL": fake.base_url,
                "CHAT_RATE_PER_SESSION": "1000000",
                # the engine is not running: each event is answered "try again", fast
                "RASA_URL": f"http://127.0.0.1:{free_port()}",
            }
            log = (output.parent / f"zalo-api-{concurrency}.log").open("wb")
            api = subprocess.Popen(
                [str(Path(sys.executable).parent / "trolyao"), "api", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            latencies: list[float] = []
            duplicates = 0
            before = len(fake.sent)
            try:
                wait_for(f"http://127.0.0.1:{port}/healthz", None, 60)
                url = f"http://127.0.0.1:{port}/api/zalo/webhook"

                duplicates = asyncio.run(
                    _post_all(url, events, concurrency, concurrency * 1_000_000, latencies)
                )
                deadline = time.monotonic() + 120
                while len(fake.sent) - before < events and time.monotonic() < deadline:
                    time.sleep(0.2)
                time.sleep(1.0)
            finally:
                api.terminate()
                api.wait(timeout=20)
                log.close()
            answered: dict[str, int] = {}
            for body in fake.sent[before:]:
                user = body["recipient"]["user_id"]
                answered[user] = answered.get(user, 0) + 1
            run = {
                "concurrency": concurrency,
                "posts": len(latencies),
                "ack_p50_ms": round(statistics.median(latencies), 2),
                "ack_p95_ms": round(percentile(latencies, 0.95), 2),
                "ack_p99_ms": round(percentile(latencies, 0.99), 2),
                "redeliveries_dropped": duplicates,
                "users_answered": len(answered),
                "users_answered_twice": sum(1 for n in answered.values() if n > 1),
            }
            results["runs"].append(run)
            print(f"zalo webhook: {run}", flush=True)
    finally:
        fake.stop()
    output.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return results
