"""A Redis lock store that keeps one conversation in order across engine replicas, and
does not stall a conversation for a minute when a replica dies.

Rasa's ``RedisLockStore`` keeps each conversation's ticket queue as one JSON value that
every replica reads, changes and writes back: two replicas taking a ticket at the same
moment can overwrite each other, and a dead replica's ticket blocks the conversation until
its lifetime (60 s) runs out. Here every step is atomic (Lua scripts), and a ticket lives
only while its replica says so:

- ``next:<id>`` numbers the tickets (INCR); ``queue:<id>`` is the sorted set of tickets;
- ``ticket:<id>:<n>`` exists while ticket *n*'s replica is alive: it expires after
  ``ticket_lifetime`` seconds (5) unless the replica renews it (every third of that);
- a message is handled when its ticket is the first live one; dead tickets are dropped.

So messages of one conversation are handled one at a time, in the order their tickets were
taken, whichever replica takes them; a replica killed mid-turn frees the conversation within
``ticket_lifetime``. When Redis cannot be reached, a replica orders the conversation's
messages itself (an in-process lock) rather than refuse them, and says so in the log.

Configured in ``endpoints.yml``::

    lock_store:
      type: rasa_ext.locks.RedisTicketLockStore
      url: 127.0.0.1
      port: 6379
      db: 0
      key_prefix: trolyao
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any, Dict, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore

log = logging.getLogger(__name__)

_TAKE = """
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], 86400000)
redis.call('ZADD', KEYS[2], n, n)
redis.call('PEXPIRE', KEYS[2], 86400000)
redis.call('SET', ARGV[1] .. n, 1, 'PX', tonumber(ARGV[2]))
return n
"""
_FIRST_LIVE = """
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, m in ipairs(members) do
  if redis.call('EXISTS', ARGV[1] .. m) == 1 then return tonumber(m) end
  redis.call('ZREM', KEYS[1], m)
end
return 0
"""
_RELEASE = """
redis.call('DEL', ARGV[1] .. ARGV[2])
redis.call('ZREM', KEYS[1], ARGV[2])
return 1
"""


class RedisTicketLockStore(LockStore):
    """Atomic ticket locks in Redis, with tickets kept alive by their replica."""

    def __init__(
        self,
        endpoint_config: Any = None,
        host: Text = "127.0.0.1",
        port: int = 6379,
        db: int = 0,
        password: Optional[Text] = None,
        key_prefix: Text = "trolyao",
        ticket_lifetime: float = 5.0,
        max_wait: float = 60.0,
    ) -> None:
        options: Dict[str, Any] = dict(getattr(endpoint_config, "kwargs", None) or {})
        host = (getattr(endpoint_config, "url", None) or host) if endpoint_config else host
        import redis.asyncio as aioredis

        self.red = aioredis.Redis(
            host=host,
            port=int(options.get("port", port)),
            db=int(options.get("db", db)),
            password=options.get("password", password),
            socket_timeout=2.0,
            socket_connect_timeout=1.0,
        )
        self.prefix = f"{options.get('key_prefix', key_prefix)}:lock:"
        self.lifetime = float(options.get("ticket_lifetime", ticket_lifetime))
        self.max_wait = float(options.get("max_wait", max_wait))
        self._take = self.red.register_script(_TAKE)
        self._first = self.red.register_script(_FIRST_LIVE)
        self._release = self.red.register_script(_RELEASE)
        self._local: Dict[Text, asyncio.Lock] = {}
        super().__init__()

    def _keys(self, conversation_id: Text) -> tuple[str, str, str]:
        base = f"{self.prefix}{conversation_id}"
        return f"{base}:next", f"{base}:queue", f"{base}:ticket:"

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = 0.0,
        wait_time_in_seconds: float = 0.02,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock while the block runs (see the module)."""
        next_key, queue, tickets = self._keys(conversation_id)
        ms = int(self.lifetime * 1000)
        try:
            ticket = int(await self._take(keys=[next_key, queue], args=[tickets, ms]))
        except Exception as exc:  # redis.exceptions.*, OSError: Redis is unreachable
            log.warning(
                "lock store unreachable (%s); ordering %s in this replica", exc, conversation_id
            )
            async with self._local.setdefault(conversation_id, asyncio.Lock()):
                yield TicketLock(conversation_id)
            return
        beat = asyncio.ensure_future(self._renew(tickets + str(ticket), ms))
        try:
            await self._wait_turn(queue, tickets, ticket, wait_time_in_seconds)
            yield TicketLock(conversation_id)
        finally:
            beat.cancel()
            try:
                await self._release(keys=[queue], args=[tickets, ticket])
            except Exception as exc:  # expires by itself within the lifetime
                log.warning("could not release the lock of %s: %s", conversation_id, exc)

    async def _wait_turn(self, queue: str, tickets: str, ticket: int, wait: float) -> None:
        deadline = time.monotonic() + self.max_wait
        pause = max(wait, 0.005)
        while True:
            first = int(await self._first(keys=[queue], args=[tickets]))
            if first == ticket:
                return
            if first == 0 or first > ticket or time.monotonic() > deadline:
                raise LockError(f"lost the turn of ticket {ticket} ({queue})")
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.1)

    async def _renew(self, key: str, ms: int) -> None:
        while True:
            await asyncio.sleep(self.lifetime / 3)
            try:
                await self.red.pexpire(key, ms)
            except Exception as exc:  # the next renewal tries again
                log.warning("could not renew lock ticket %s: %s", key, exc)

    # Rasa's API for other callers (its HTTP API takes locks through ``lock`` too).
    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: Text) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None
