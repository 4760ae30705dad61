"""The one pipeline between a citizen's message, on any channel, and the engine.

Every channel adapter (the web chat, Telegram) hands the text it received to
:meth:`Edge.handle` and sends back what it returns; an adapter adds only its transport. In
order: clean the text, refuse an empty or too long one, apply the rate limits (per sender,
and per client address where the channel has one), redact personal data, send it to the
engine, map the replies and their buttons, and answer politely when the engine cannot.
Every limit and every text the edge says itself is the same for every channel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from edge.engine_client import EngineUnavailable, RasaClient
from edge.ratelimit import RateLimiter
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


class Edge:
    """The pipeline, with its limits and the engine client; one per process."""

    def __init__(self, settings: Settings, client: RasaClient) -> None:
        self.max_chars = settings.chat_max_chars
        self.client = client
        self.per_sender = RateLimiter(settings.chat_rate_per_session, 60.0)
        self.per_client = RateLimiter(settings.chat_rate_per_ip, 60.0)

    def _refuse(
        self, outcome: Outcome, retry_after: float | None = None, **values: Any
    ) -> EdgeResult:
        return EdgeResult(outcome, [Reply(edge_reply(outcome, **values))], retry_after)

    async def handle(
        self, *, channel: str, sender: str, text: str, client: str | None = None
    ) -> EdgeResult:
        """Take one citizen message through the edge and return what to send back.

        Args:
            channel: ``web``, ``telegram`` …, recorded with the message for analytics.
            sender: the channel's pseudonymous sender id (never a phone number or user id).
            text: the message as received (a button press is its payload).
            client: the client's address, for the per-address limit, where there is one.
        """
        cleaned = clean_text(text)
        if not cleaned:
            return self._refuse("empty")
        if len(cleaned) > self.max_chars:
            return self._refuse("too_long", max_chars=self.max_chars)
        wait = self.per_sender.hit(sender)
        if client is not None:
            wait = max(wait, self.per_client.hit(client))
        if wait:
            return self._refuse("rate_limited", retry_after=wait)
        try:
            messages = await self.client.send(sender, redact(cleaned), channel)
        except EngineUnavailable as exc:
            log.warning("engine unavailable for %s: %s", channel, exc.message)
            return self._refuse("unavailable")
        replies = replies_of(messages)
        if not replies:  # every turn answers; silence means the action server failed
            log.warning("the engine returned no reply for %s (action server down?)", channel)
            return self._refuse("unavailable")
        return EdgeResult("answered", replies)

    async def aclose(self) -> None:
        """Close the engine client."""
        await self.client.aclose()
