"""The one pipeline between a citizen's message, on any channel, and the engine.

Every channel adapter (the web chat, Telegram) hands the text it received to
:meth:`Edge.handle` and sends back what it returns; an adapter adds only its transport. In
order: clean the text, refuse an empty or too long one, apply the rate limits (per sender,
and per client address where the channel has one), redact personal data, send it to the
engine, map the replies and their buttons, and answer politely when the engine cannot.
Every limit and every text the edge says itself is the same for every channel.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from edge.engine_client import EngineUnavailable, RasaClient
from edge.handoffs import CONTACT_GIVEN, HandoffDesk
from edge.shared import Answers, limiter, redis_client
from trolyao.kb.repository import RECEIPT_CODE_RE
from trolyao.redaction import redact
from trolyao.replies import edge_reply
from trolyao.settings import Settings
from vntext import clean_text

log = logging.getLogger(__name__)

Outcome = Literal["answered", "empty", "too_long", "rate_limited", "unavailable"]
MAX_BUTTON_TITLE = 80
MAX_PAYLOAD = 500


@dataclass(frozen=True)
class Button:
    """A quick reply: what the citizen sees, and what pressing it sends back."""

    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """One message for the citizen."""

    text: str
    buttons: list[Button] = field(default_factory=list)


@dataclass(frozen=True)
class EdgeResult:
    """What the edge did with a message, and what to send back."""

    outcome: Outcome
    replies: list[Reply]
    retry_after: float | None = None
    # The engine asked the channel to forget the conversation on the citizen's device
    # (after a data deletion): the web widget clears its stored history.
    clear_history: bool = False

    @property
    def answered(self) -> bool:
        """Whether the engine answered (else ``replies`` holds the edge's own sentence)."""
        return self.outcome == "answered"


def replies_of(engine_messages: list[dict[str, Any]]) -> list[Reply]:
    """The engine's messages as replies: text and buttons, empty ones dropped."""
    out = []
    for message in engine_messages:
        buttons = [
            Button(str(b.get("title", ""))[:MAX_BUTTON_TITLE], str(b["payload"])[:MAX_PAYLOAD])
            for b in message.get("buttons") or []
            if isinstance(b, dict) and b.get("payload")
        ]
        text = str(message.get("text") or "")
        if text or buttons:
            out.append(Reply(text, buttons))
    return out


# A message id seen again within this time returns the first answer (idempotent retries).
RETRY_WINDOW = 600.0
#: Messages with a receipt code one client address may send in 10 minutes (web chat).
LOOKUPS_PER_10_MINUTES = 10
MAX_REMEMBERED = 10_000

Key = tuple[str, str]


class Edge:
    """The pipeline, with its limits and the engine client; one per process.

    Deadlines: a citizen waits at most ``engine_timeout_seconds`` for the whole reply
    (the engine's own action timeout is shorter, so that it stops a turn the edge gave up
    on). Retries: a message that carries an id (the web chat's ``message_id``) is sent to
    the engine once; the same id again, while the first is still in the engine or within
    ten minutes after, gets that first turn's answer instead of a second turn. The answers,
    like the rate limits, are shared by every API replica through Redis when ``REDIS_URL``
    is set (see :mod:`edge.shared`), and kept in this process otherwise.
    """

    def __init__(
        self,
        settings: Settings,
        client: RasaClient,
        handoffs: HandoffDesk | None = None,
        redis: Any | None = None,
    ) -> None:
        self.max_chars = settings.chat_max_chars
        self._key_secret = (settings.edge_engine_token or "trolyao-client-key").encode()
        self.client = client
        self.handoffs = handoffs
        self.deadline = settings.engine_timeout_seconds
        self.redis = redis if redis is not None else redis_client(settings.redis_url)
        self.per_sender = limiter(self.redis, "sender", settings.chat_rate_per_session, 60.0)
        self.per_client = limiter(self.redis, "client", settings.chat_rate_per_ip, 60.0)
        # receipt codes tried per address: a dossier's status is not for guessing codes
        self.lookups = limiter(self.redis, "lookup", LOOKUPS_PER_10_MINUTES, 600.0)
        self.answers = Answers(self.redis, RETRY_WINDOW, MAX_REMEMBERED)
        self._inflight: dict[Key, asyncio.Task[list[dict[str, Any]]]] = {}
        self._pending: set[asyncio.Task[None]] = set()

    def _settle(self, key: Key, task: asyncio.Task[list[dict[str, Any]]]) -> None:
        self._inflight.pop(key, None)
        if task.cancelled() or task.exception() is not None:
            return  # a failed turn may be tried again
        saving = asyncio.ensure_future(self.answers.put(key[0], key[1], task.result()))
        self._pending.add(saving)
        saving.add_done_callback(self._pending.discard)

    def _refuse(
        self, outcome: Outcome, retry_after: float | None = None, **values: Any
    ) -> EdgeResult:
        return EdgeResult(outcome, [Reply(edge_reply(outcome, **values))], retry_after)

    async def handle(
        self,
        *,
        channel: str,
        sender: str,
        text: str,
        client: str | None = None,
        message_id: str | None = None,
        reply_to: str | None = None,
    ) -> EdgeResult:
        """Take one citizen message through the edge and return what to send back.

        Args:
            channel: ``web``, ``telegram`` …, recorded with the message for analytics.
            sender: the channel's pseudonymous sender id (never a phone number or user id).
            text: the message as received (a button press is its payload).
            client: the client's address, for the per-address limit, where there is one.
            message_id: the client's id of this message: a retry with the same id never
                makes a second turn.
            reply_to: where the channel can reach the citizen later (a Telegram chat),
                kept with a hand-off's contact to tell them when the case is closed.
        """
        cleaned = clean_text(text)
        if not cleaned:
            return self._refuse("empty")
        if len(cleaned) > self.max_chars:
            return self._refuse("too_long", max_chars=self.max_chars)
        key = (sender, message_id) if message_id else None
        failover = asyncio.Event()  # set when the engine replica was lost under this message
        task = self._inflight.get(key) if key else None
        remembered = await self.answers.get(*key) if key and task is None else None
        if remembered is not None:
            messages: list[dict[str, Any]] | None = remembered
        else:
            messages = None
            if task is None:
                wait = await self.per_sender.hit(sender)
                if client is not None:
                    wait = max(wait, await self.per_client.hit(client))
                    if RECEIPT_CODE_RE.search(cleaned):
                        wait = max(wait, await self.lookups.hit(client))
                if wait:
                    return self._refuse("rate_limited", retry_after=wait)
                outgoing = redact(cleaned)
                # a contact for a waiting hand-off stays here; the engine hears that it was
                # given, never what it is
                if (
                    self.handoffs is not None
                    and outgoing != cleaned
                    and await asyncio.to_thread(self.handoffs.capture, sender, cleaned, reply_to)
                ):
                    outgoing = CONTACT_GIVEN
                task = asyncio.ensure_future(
                    self.client.send(
                        sender,
                        outgoing,
                        channel,
                        message_id,
                        on_retry=failover.set,
                        client_key=self.client_key(client),
                    )
                )
                if key:
                    self._inflight[key] = task
                    task.add_done_callback(functools.partial(self._settle, key))
            try:
                messages = await self._wait(task, failover, keep=bool(key))
            except asyncio.TimeoutError:
                log.warning("engine too slow for %s (over %.1f s)", channel, self.deadline)
                return self._refuse("unavailable")
            except EngineUnavailable as exc:
                log.warning("engine unavailable for %s: %s", channel, exc.message)
                return self._refuse("unavailable")
        replies = replies_of(messages or [])
        clear = any(
            isinstance(m.get("custom"), dict) and m["custom"].get("clear_history") is True
            for m in messages or []
        )
        if not replies:  # every turn answers; silence means the action server failed
            log.warning("the engine returned no reply for %s (action server down?)", channel)
            return self._refuse("unavailable")
        return EdgeResult("answered", replies, clear_history=clear)

    async def _wait(
        self, task: asyncio.Future[list[dict[str, Any]]], failover: asyncio.Event, *, keep: bool
    ) -> list[dict[str, Any]]:
        """The engine's answer within the deadline; when the replica died under this message
        and it was sent again, the citizen waits one more deadline for the other replica
        rather than being told to try again. A turn with an id goes on after the deadline,
        for its retry to collect; one without is cancelled."""
        try:
            return await asyncio.wait_for(asyncio.shield(task), timeout=self.deadline)
        except asyncio.TimeoutError:
            if failover.is_set():
                try:
                    return await asyncio.wait_for(asyncio.shield(task), timeout=self.deadline)
                except asyncio.TimeoutError:
                    pass
            if not keep:
                task.cancel()
            raise

    def client_key(self, client: str | None) -> str | None:
        """A keyed hash of the client's address (the same on every replica, not reversible
        without the edge's secret): what the actions count hand-offs per address by."""
        if not client:
            return None
        return hmac.new(self._key_secret, client.encode(), hashlib.sha256).hexdigest()[:24]

    async def aclose(self) -> None:
        """Close the engine client (and the Redis connection)."""
        await self.client.aclose()
        if self.redis is not None:
            await self.redis.aclose()
