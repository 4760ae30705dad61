"""A local fake of the Telegram Bot API, on loopback, for python-telegram-bot to talk to.

PTB is pointed at it with ``base_url``, so the real library speaks real HTTP. It keeps
the calls it received and serves queued updates to ``getUpdates``.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TOKEN = "123456:TEST-token"  # noqa: S105 (the fake Bot API's own token)


class FakeTelegram:
    """The fake server and what it saw."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self._lock = threading.Condition()
        self._message_id = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                method = self.path.rsplit("/", 1)[-1]
                params = _decode(raw, self.headers.get("Content-Type", ""))
                result = fake.handle(method, params)
                body = json.dumps({"ok": True, "result": result}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on a long poll: nothing to answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def start(self) -> FakeTelegram:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        with self._lock:
            self.calls.append((method, params))
            self._lock.notify_all()
            if method == "getMe":
                return {"id": 1, "is_bot": True, "first_name": "Trợ lý", "username": "tro_ly_bot"}
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
                while True:
                    ready = [u for u in self.updates if u["update_id"] >= offset]
                    if ready or time.monotonic() >= deadline:
                        return ready
                    self._lock.wait(0.05)
            if method == "sendMessage":
                self._message_id += 1
                return {
                    "message_id": self._message_id,
                    "date": int(time.time()),
                    "chat": {"id": int(params["chat_id"]), "type": "private"},
                    "text": params.get("text", ""),
                }
            return True

    def push(self, update: dict[str, Any]) -> None:
        with self._lock:
            self.updates.append(update)
            self._lock.notify_all()

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                p
                for m, p in self.calls
                if m == "sendMessage" and (chat_id is None or int(p["chat_id"]) == chat_id)
            ]

    def wait_for(self, predicate: Any, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out; calls: {[m for m, _ in self.calls]}")
                self._lock.wait(min(remaining, 0.1))


def _decode(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        return dict(json.loads(raw or "{}"))
    params: dict[str, Any] = {}
    for key, values in parse_qs(raw).items():
        value = values[0]
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def message_update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    """A private text message update."""
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if text.startswith("/")
        else []
    )
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Dân"},
            "entities": entities,
        },
    }


def callback_update(update_id: int, user_id: int, data: str) -> dict[str, Any]:
    """A button press (callback query) update."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "data": data,
            "chat_instance": "1",
            "from": {"id": user_id, "is_bot": False, "first_name": "Dân"},
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "text": "x",
                "chat": {"id": user_id, "type": "private"},
            },
        },
    }
