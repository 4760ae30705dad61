"""State the edge keeps between messages, shared by every API replica when ``REDIS_URL``
is set, in this process's memory otherwise (one API process: ``make run``).

- rate limits (per sender, per client address, sign-in attempts): a sliding window;
- button payloads (Telegram's 64-byte callback data): a short key for each payload;
- answered message ids (the web chat's retries): the first answer, never a second turn.

Redis is an optimisation of correctness across replicas, never a reason to lose a
citizen's message: when Redis cannot be reached, limits let the message through, an id
counts as new, a payload key falls back to this process's memory, and each is logged.
redis-py reconnects by itself once Redis is back.

Not here: the messengers' redelivered webhooks (Telegram's ``update_id``, Zalo's
``msg_id``) are remembered in the database (:func:`trolyao.deliveries.first_delivery`),
which every deployment has, Redis or not.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections import OrderedDict
from typing import Any, Protocol

from edge.ratelimit import RateLimiter

log = logging.getLogger(__name__)

PREFIX = "trolyao:"
PAYLOAD_TTL = 30 * 86400  # a button may be pressed weeks after it was sent

# A sliding window in one round trip: drop the old hits, count, add this one if allowed.
_WINDOW = """
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]),
  tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tostring(math.max(window - (now - tonumber(oldest[2])), 0.001))
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, math.ceil(window * 1000))
return '0'
"""


class Limiter(Protocol):
    async def hit(self, key: str) -> float: ...


class MemoryLimiter:
    """:class:`RateLimiter` behind the async interface (one process)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limiter = RateLimiter(limit, window)

    async def hit(self, key: str) -> float:
        """Record a hit; return 0 if allowed, else the seconds to wait."""
        return self.limiter.hit(key)


class RedisLimiter:
    """The same sliding window, in Redis: every replica counts the same hits."""

    def __init__(
        self, client: Any, name: str, limit: int, window: float, *, fail_closed: bool = False
    ) -> None:
        self.client = client
        self.name = name
        self.limit = limit
        self.window = window
        self.fail_closed = fail_closed
        self._script = client.register_script(_WINDOW)

    async def hit(self, key: str) -> float:
        """Record a hit; return 0 if allowed, else the seconds to wait. When Redis is
        unreachable: 0 for a citizen's message (a limit is never a reason to lose one), the
        whole window for a ``fail_closed`` limiter (sign-in: guesses never go unlimited)."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        try:
            wait = await self._script(
                keys=[f"{PREFIX}limit:{self.name}:{digest}"],
                args=[time.time(), self.window, self.limit, uuid.uuid4().hex],
            )
        except Exception as exc:  # redis.exceptions.*, OSError: Redis is down
            if self.fail_closed:
                log.warning("rate limit %s refuses, Redis unreachable: %s", self.name, exc)
                return self.window
            log.warning("rate limit %s not applied, Redis unreachable: %s", self.name, exc)
            return 0.0
        return float(wait)


class Payloads:
    """Button payloads by a short key (Telegram's callback data holds 64 bytes)."""

    def __init__(self, client: Any | None, size: int = 50_000) -> None:
        self.client = client
        self.size = size
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def _local(self, key: str, payload: str) -> None:
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self.size:
            self._payloads.popitem(last=False)

    async def key_for(self, payload: str) -> str:
        """The key of ``payload`` (the same payload, the same key, on every replica)."""
        key = "p:" + hashlib.sha256(payload.encode()).hexdigest()[:20]
        self._local(key, payload)
        if self.client is not None:
            try:
                await self.client.set(f"{PREFIX}payload:{key}", payload, ex=PAYLOAD_TTL)
            except Exception as exc:
                log.warning("button payload kept in memory only, Redis unreachable: %s", exc)
        return key

    async def payload_for(self, key: str) -> str | None:
        """The payload of ``key``, from any replica (``None``: unknown or expired)."""
        if self.client is not None:
            try:
                found = await self.client.get(f"{PREFIX}payload:{key}")
                if found is not None:
                    return found.decode() if isinstance(found, bytes) else str(found)
            except Exception as exc:
                log.warning("button payload looked up in memory, Redis unreachable: %s", exc)
        return self._payloads.get(key)


class Answers:
    """The engine's answer to a message id, for its retries (ten minutes): a retry that
    reaches another replica gets the first answer instead of a second turn."""

    def __init__(self, client: Any | None, ttl: float, size: int = 10_000) -> None:
        self.client = client
        self.ttl = ttl
        self.size = size
        self._answers: OrderedDict[str, tuple[float, list[dict[str, Any]]]] = OrderedDict()

    @staticmethod
    def _key(sender: str, message_id: str) -> str:
        return hashlib.sha256(f"{sender}\x00{message_id}".encode()).hexdigest()[:40]

    async def get(self, sender: str, message_id: str) -> list[dict[str, Any]] | None:
        key = self._key(sender, message_id)
        now = time.monotonic()
        while self._answers and next(iter(self._answers.values()))[0] < now:
            self._answers.popitem(last=False)
        found = self._answers.get(key)
        if found is not None:
            return found[1]
        if self.client is not None:
            try:
                raw = await self.client.get(f"{PREFIX}answer:{key}")
            except Exception as exc:
                log.warning("answered ids looked up in memory, Redis unreachable: %s", exc)
                return None
            if raw is not None:
                value = json.loads(raw)
                return value if isinstance(value, list) else None
        return None

    async def put(self, sender: str, message_id: str, messages: list[dict[str, Any]]) -> None:
        key = self._key(sender, message_id)
        self._answers[key] = (time.monotonic() + self.ttl, messages)
        while len(self._answers) > self.size:
            self._answers.popitem(last=False)
        if self.client is not None:
            try:
                await self.client.set(
                    f"{PREFIX}answer:{key}",
                    json.dumps(messages, ensure_ascii=False),
                    ex=int(self.ttl),
                )
            except Exception as exc:
                log.warning("answer kept in memory only, Redis unreachable: %s", exc)


def redis_client(url: str | None) -> Any | None:
    """An asyncio Redis client for ``url`` (``None`` without one). Short timeouts: a
    Redis that does not answer costs a citizen milliseconds, not their message."""
    if not url:
        return None
    import redis.asyncio as aioredis

    return aioredis.Redis.from_url(
        url,
        socket_connect_timeout=0.5,
        socket_timeout=0.5,
        health_check_interval=10,
        retry_on_timeout=False,
    )


def limiter(
    client: Any | None, name: str, limit: int, window: float, *, fail_closed: bool = False
) -> Limiter:
    """A limiter shared by the replicas (Redis), or of this process."""
    if client is None:
        return MemoryLimiter(limit, window)
    return RedisLimiter(client, name, limit, window, fail_closed=fail_closed)
