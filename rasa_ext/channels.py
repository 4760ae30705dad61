"""The engine's only way in: the edge's channel, with the edge's shared secret.

The engine runs without Rasa's HTTP API (no ``--enable-api``: no ``PUT /model``, no tracker
reads or writes, no ``trigger_intent``); its readiness is ``GET /webhooks/edge/ready``,
behind the same token.

Rasa's REST channel (``rest:``) takes any caller, so a client reaching the engine could
skip the edge: its redaction, limits and usage logging. ``EdgeInput`` is the REST channel
behind a bearer token (``EDGE_ENGINE_TOKEN``, at least 32 characters), compared in
constant time; without the token it answers 401 and never reaches the bot. ``make run``
generates the token when the settings have none (``var/secrets.env``).

Exactly once across replicas: the edge gives each message an id (``metadata.message_id``),
which becomes the id of its ``user`` event. When an engine replica dies mid-turn, the edge
sends the message again (``metadata.retry``) through the balancer, usually to the other
replica; that one first looks in the shared tracker store: if the turn was already applied
(the dead replica saved it and died before answering), it answers with that turn's bot
messages instead of applying it a second time.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

MIN_TOKEN = 32


class EdgeInput(RestInput):
    """``POST /webhooks/edge/webhook`` with ``Authorization: Bearer <EDGE_ENGINE_TOKEN>``."""

    def __init__(self, token: str) -> None:
        if not token or len(token) < MIN_TOKEN:
            raise ValueError(
                f"the edge channel needs EDGE_ENGINE_TOKEN of at least {MIN_TOKEN} characters"
            )
        self._expected = f"Bearer {token}".encode()

    @classmethod
    def name(cls) -> Text:
        return "edge"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> EdgeInput:
        return cls(str((credentials or {}).get("token") or ""))

    def authorized(self, request: Request) -> bool:
        """Whether ``request`` carries the edge's token."""
        given = request.headers.get("authorization", "").encode()
        return hmac.compare_digest(given, self._expected)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def with_edge_id(message: UserMessage) -> Any:
            given = (message.metadata or {}).get("message_id")
            if isinstance(given, str) and 0 < len(given) <= 100:
                message.message_id = given
            return await on_new_message(message)

        webhook = super().blueprint(with_edge_id)

        @webhook.route("/ready", methods=["GET"])  # type: ignore[misc]
        async def ready(request: Request) -> HTTPResponse:
            """Whether a model is loaded: the readiness check of the supervisor, the
            cluster and the API's /readyz, so that Rasa's HTTP API stays closed."""
            agent = getattr(request.app.ctx, "agent", None)
            model_id = getattr(agent, "model_id", None) if agent is not None else None
            if agent is None or not agent.is_ready() or not model_id:
                return response.json({"ready": False}, status=503)
            return response.json({"ready": True, "model_id": model_id})

        @webhook.middleware("request")  # type: ignore[misc]
        async def authenticate(request: Request) -> HTTPResponse | None:
            if not self.authorized(request):
                return response.json({"error": "unauthorized"}, status=401)
            if request.method == "POST" and request.path.endswith("/webhook"):
                answered = await already_answered(request)
                if answered is not None:
                    return response.json(answered)
            return None

        return webhook


async def already_answered(request: Request) -> list[dict[str, Any]] | None:
    """For a retried message (``metadata.retry``), the bot messages of its turn when the
    tracker already holds it; ``None`` when it must be handled (the usual case)."""
    try:
        body = request.json or {}
    except Exception:  # not JSON: Rasa's own handler answers it
        return None
    metadata = body.get("metadata") if isinstance(body, dict) else None
    if not isinstance(metadata, dict) or metadata.get("retry") is not True:
        return None
    message_id, sender = metadata.get("message_id"), body.get("sender")
    if not isinstance(message_id, str) or not isinstance(sender, str):
        return None
    tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
    if tracker is None:
        return None
    events = list(tracker.events)
    start = next(
        (
            i
            for i in range(len(events) - 1, -1, -1)
            if isinstance(events[i], UserUttered) and events[i].message_id == message_id
        ),
        None,
    )
    if start is None:
        return None
    out: list[dict[str, Any]] = []
    for event in events[start + 1 :]:
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            out.extend(_as_sent(sender, event))
    return out


def _as_sent(sender: str, event: BotUttered) -> list[dict[str, Any]]:
    """A bot event as Rasa's collecting channel sent it (text split on blank lines unless
    it has buttons; custom payloads on their own)."""
    data = event.data or {}
    out: list[dict[str, Any]] = []
    text = event.text or ""
    if data.get("buttons"):
        out.append({"recipient_id": sender, "text": text, "buttons": data["buttons"]})
    elif text:
        out += [{"recipient_id": sender, "text": part} for part in text.strip().split("\n\n")]
    if data.get("custom"):
        out.append({"recipient_id": sender, "custom": data["custom"]})
    return out
