"""A signed Zalo event is taken only within 5 minutes of its timestamp (no replays)."""

from __future__ import annotations

import time

from api.routes.zalo import WINDOW_SECONDS, _recent


def test_only_events_signed_within_five_minutes_are_taken() -> None:
    now = time.time()
    assert _recent(str(int(now * 1000)), now)
    assert _recent(str(int((now - WINDOW_SECONDS + 5) * 1000)), now)
    assert not _recent(str(int((now - WINDOW_SECONDS - 5) * 1000)), now)  # a replay
    assert not _recent(str(int((now + WINDOW_SECONDS + 5) * 1000)), now)  # from the future
    assert not _recent("", now) and not _recent("yesterday", now)
