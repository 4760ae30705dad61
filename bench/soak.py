"""A soak of the citizen path: a steady rate of web-chat messages (open loop: one is sent
every 1/rate seconds whatever the answers' speed) for several minutes, with each minute's
p95 and every process's RSS, so that a leak or a slow drift shows.

    trolyao bench soak --url http://127.0.0.1:8000 --rate 30 --minutes 10
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.chat import QUESTIONS, percentile

PROCESSES = {
    "engine": "rasa_ext.engine",
    "actions": "actions.server",
    "api": "trolyao api",
    "worker": "trolyao worker",
}


def rss_mb() -> dict[str, float]:
    """Resident memory of each part of the assistant on this machine (MB, summed)."""
    out = dict.fromkeys(PROCESSES, 0.0)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (proc / "status").read_text()
        except OSError:
            continue
        for name, needle in PROCESSES.items():
            if needle in command:
                line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "")
                out[name] += int(line.split()[1]) / 1024 if line else 0.0
    return out


@dataclass
class Minute:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


async def soak(url: str, rate: float, minutes: int) -> list[dict[str, object]]:
    """Send ``rate`` messages a second for ``minutes``; one row per minute."""
    rows: list[dict[str, object]] = []
    sessions = itertools.cycle(range(4000))
    minute = Minute()
    pending: set[asyncio.Task[None]] = set()
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=url, timeout=15.0, limits=limits) as client:

        async def one(i: int, bucket: Minute) -> None:
            started = time.perf_counter()
            try:
                session = f"soak{next(sessions):06d}"
                text = QUESTIONS[i % len(QUESTIONS)]
                response = await client.post(
                    "/api/chat/messages", json={"session_id": session, "text": text}
                )
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            bucket.latencies.append(time.perf_counter() - started)
            bucket.errors += 0 if ok else 1

        start = time.perf_counter()
        sent = 0
        next_report = start + 60
        while time.perf_counter() - start < minutes * 60:
            due = start + sent / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            task = asyncio.ensure_future(one(sent, minute))
            pending.add(task)
            task.add_done_callback(pending.discard)
            sent += 1
            if time.perf_counter() >= next_report:
                rows.append(_row(len(rows) + 1, minute))
                print(rows[-1], flush=True)
                minute = Minute()
                next_report += 60
        await asyncio.gather(*pending)
        if minute.latencies:
            rows.append(_row(len(rows) + 1, minute))
    return rows


def _row(number: int, minute: Minute) -> dict[str, object]:
    ms = sorted(x * 1000 for x in minute.latencies)
    return {
        "minute": number,
        "messages": len(ms),
        "errors": minute.errors,
        "p50_ms": round(percentile(ms, 0.50), 1) if ms else None,
        "p95_ms": round(percentile(ms, 0.95), 1) if ms else None,
        "rss_mb": {k: round(v) for k, v in rss_mb().items()},
    }


def run_soak(url: str, rate: float, minutes: int) -> list[dict[str, object]]:
    return asyncio.run(soak(url, rate, minutes))
