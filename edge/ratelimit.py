"""A sliding-window rate limiter, per key (session id, IP address, Telegram user)."""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    """Allow at most ``limit`` events per ``window`` seconds for each key.

    In memory: one limiter per API process. Keys idle for a window are forgotten.
    """

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._last_sweep: float | None = None

    def hit(self, key: str, now: float | None = None) -> float:
        """Record an event for ``key``; return 0 if allowed, else seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self._last_sweep is None:
                self._last_sweep = now
            elif now - self._last_sweep > self.window:
                self._sweep(now)
            events = self._events.setdefault(key, deque())
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return max(self.window - (now - events[0]), 0.001)
            events.append(now)
            return 0.0

    def _sweep(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or now - v[-1] >= self.window]:
            del self._events[key]
        self._last_sweep = now
