"""Telegram webhook benchmark: acknowledgement latency, and duplicates answered once."""

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
from bench.peers.telegram import TOKEN, FakeTelegram, message_update
from trolyao import migrate
from trolyao.runtime.local import free_port


def run_webhook_benchmark(updates: int, concurrency: int, output: Path) -> dict[str, Any]:
    """POST ``updates`` Telegram updates (each twice) to the API's webhook and time the acks."""

    output.parent.mkdir(parents=True, exist_ok=True)
    # a fresh database: the redelivery memory (channel_deliveries) of an earlier run would
    # take this run's update ids for redeliveries
    database = output.parent / "webhook.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    url_db = f"sqlite:///{database}"
    migrate.upgrade(url_db)
    fake = FakeTelegram().start()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url_db,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_SECRET": "bench-secret-of-the-telegram-webhook-0123456789",
        "TELEGRAM_BASE_URL": fake.base_url,
        "CHAT_RATE_PER_SESSION": "1000000",
        # the engine is not running: each update is answered "try again", fast
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
    }
    log = (output.parent / "webhook-api.log").open("wb")
    api = subprocess.Popen(
        [str(Path(sys.executable).parent / "trolyao"), "api", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/api/telegram/webhook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "bench-secret-of-the-telegram-webhook-0123456789"}
    latencies: list[float] = []
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", None, 60)

        async def post_all() -> None:
            queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            for i in range(updates):
                update = message_update(10_000 + i, 500_000 + i, "xin chào")
                queue.put_nowait(update)
                queue.put_nowait(update)  # a redelivery
            async with httpx.AsyncClient(timeout=10) as client:

                async def worker() -> None:
                    while not queue.empty():
                        update = queue.get_nowait()
                        started = time.perf_counter()
                        response = await client.post(url, json=update, headers=headers)
                        latencies.append((time.perf_counter() - started) * 1000)
                        assert response.status_code == 200

                await asyncio.gather(*(worker() for _ in range(concurrency)))

        asyncio.run(post_all())
        fake.wait_for(lambda: len(fake.sent()) >= updates, timeout=120)
        time.sleep(1.0)
        answers: dict[int, int] = {}
        for message in fake.sent():
            answers[int(message["chat_id"])] = answers.get(int(message["chat_id"]), 0) + 1
    finally:
        api.terminate()
        api.wait(timeout=20)
        log.close()
        fake.stop()
    result = {
        "updates": updates,
        "posts": len(latencies),
        "concurrency": concurrency,
        "ack_p50_ms": round(statistics.median(latencies), 2),
        "ack_p95_ms": round(percentile(latencies, 0.95), 2),
        "ack_p99_ms": round(percentile(latencies, 0.99), 2),
        "chats_answered": len(answers),
        "chats_answered_twice": sum(1 for n in answers.values() if n > 1),
    }
    output.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(f"webhook: {result}", flush=True)
    return result
