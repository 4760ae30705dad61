"""A local fake of the Zalo OA Open API (v3 messages, v4 token refresh), on loopback.

It keeps what it was sent, accepts only the access tokens it issued, answers error -216
(token expired) to any other, and issues a new pair on a valid refresh (after
``refresh_delay`` seconds: Zalo takes its time, and another replica may arrive meanwhile).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TOKEN_EXPIRED = -216


class FakeZalo:
    """The fake server and what it saw."""

    def __init__(
        self, access: str = "access-1", refresh: str = "refresh-1", refresh_delay: float = 0.0
    ) -> None:
        self.refresh_delay = refresh_delay
        self.valid_access = {access}
        self.valid_refresh = {refresh}
        self.sent: list[dict[str, Any]] = []
        self.refreshes: list[dict[str, Any]] = []
        self._lock = threading.Condition()
        self._counter = 1
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                return None

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/v3.0/oa/message/cs":
                    result = fake.message(self.headers.get("access_token", ""), json.loads(raw))
                elif self.path == "/v4/oa/access_token":
                    form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                    result = fake.refresh(form, self.headers.get("secret_key", ""))
                    time.sleep(fake.refresh_delay)
                else:
                    result = {"error": -1, "message": "unknown path"}
                body = json.dumps(result).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeZalo:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def expire(self) -> None:
        """Make every access token issued so far expired."""
        self.valid_access.clear()

    def message(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if token not in self.valid_access:
                return {"error": TOKEN_EXPIRED, "message": "Access token is invalid"}
            self.sent.append(body)
            self._lock.notify_all()
            return {"error": 0, "message": "Success", "data": {"message_id": str(len(self.sent))}}

    def refresh(self, form: dict[str, str], secret: str) -> dict[str, Any]:
        with self._lock:
            self.refreshes.append({**form, "secret_key": secret})
            if form.get("refresh_token") not in self.valid_refresh:
                return {"error": -14014, "message": "Invalid refresh token"}
            self.valid_refresh.discard(form["refresh_token"])
            self._counter += 1
            access, refresh = f"access-{self._counter}", f"refresh-{self._counter}"
            self.valid_access.add(access)
            self.valid_refresh.add(refresh)
            return {"access_token": access, "refresh_token": refresh, "expires_in": "90000"}

    def wait_for(self, user_id: str, count: int = 1, timeout: float = 30.0) -> list[str]:
        """Wait until ``count`` texts were sent to ``user_id``; return them."""
        with self._lock:
            self._lock.wait_for(lambda: len(self.texts_to(user_id)) >= count, timeout=timeout)
        return self.texts_to(user_id)

    def texts_to(self, user_id: str) -> list[str]:
        """The texts sent to ``user_id``, in order."""
        return [
            str(b["message"].get("text", ""))
            for b in self.sent
            if b["recipient"]["user_id"] == user_id
        ]
