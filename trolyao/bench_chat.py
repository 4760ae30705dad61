"""Load benchmark of the REST channel: concurrent senders asking DB-backed questions."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any

from urllib.parse import urlsplit

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

    async def post_json(self, path: str, body: dict[str, Any]) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        payload = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: keep-alive\r\n\r\n"
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
    base: str, path: str, sender: str, count: int, latencies: list[float], errors: list[str],
    turns_per_citizen: int = 5,
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
                    path, {"sender": citizen, "message": message}
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


async def drive(rasa_url: str, senders: int, messages_each: int, token: str | None = None,
                run_id: str = "bench") -> dict[str, Any]:
    """Send ``messages_each`` messages from each of ``senders`` concurrent senders."""
    path = "/webhooks/rest/webhook" + (f"?token={token}" if token else "")
    latencies: list[float] = []
    errors: list[str] = []
    # warm-up: one message per sender, not measured
    await asyncio.gather(*(_sender(rasa_url, path, f"{run_id}-w{i}", 1, [], [])
                           for i in range(senders)))
    started = time.perf_counter()
    await asyncio.gather(*(_sender(rasa_url, path, f"{run_id}-{i}", messages_each, latencies,
                                   errors) for i in range(senders)))
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
