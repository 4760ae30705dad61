"""The engine's only way in: the edge's channel, with the edge's shared secret.

Rasa's REST channel (``rest:``) takes any caller, so a client reaching the engine could
skip the edge: its redaction, limits and usage logging. ``EdgeInput`` is the REST channel
behind a bearer token (``EDGE_ENGINE_TOKEN``, at least 32 characters), compared in
constant time; without the token it answers 401 and never reaches the bot. ``make run``
generates the token when the settings have none (``var/secrets.env``).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
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
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")  # type: ignore[misc]
        async def authenticate(request: Request) -> HTTPResponse | None:
            if not self.authorized(request):
                return response.json({"error": "unauthorized"}, status=401)
            return None

        return webhook
