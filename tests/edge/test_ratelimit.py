"""The sliding-window rate limiter."""

from __future__ import annotations

from edge.ratelimit import RateLimiter


def test_allows_up_to_the_limit_then_says_how_long_to_wait() -> None:
    limiter = RateLimiter(limit=3, window=60.0)
    assert [limiter.hit("s", now=t) for t in (0.0, 1.0, 2.0)] == [0.0, 0.0, 0.0]
    assert limiter.hit("s", now=3.0) == 57.0
    assert limiter.hit("other", now=3.0) == 0.0


def test_the_window_slides() -> None:
    limiter = RateLimiter(limit=2, window=10.0)
    limiter.hit("s", now=0.0)
    limiter.hit("s", now=5.0)
    assert limiter.hit("s", now=9.0) > 0
    assert limiter.hit("s", now=10.5) == 0.0


def test_idle_keys_are_forgotten() -> None:
    limiter = RateLimiter(limit=1, window=1.0)
    for i in range(100):
        limiter.hit(f"k{i}", now=0.0)
    limiter.hit("late", now=5.0)
    assert list(limiter._events) == ["late"]
