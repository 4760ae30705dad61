"""The edge's client of the Rasa engine's edge channel (a bearer token: EDGE_ENGINE_TOKEN)."""

from __future__ import annotations

from typing import Any

import httpx

from trolyao.errors import TroLyAoError
from trolyao.settings import get_settings


class EngineUnavailable(TroLyAoError):
    """The Rasa engine (or the action server behind it) did not answer in time."""


class RasaClient:
    """Sends citizens' (already redacted) messages to Rasa and returns its replies.

    ``timeout`` bounds each read of one request; the citizen's wait is bounded by the
    edge's deadline (``ENGINE_TIMEOUT_SECONDS``) over the whole reply."""

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        settings = get_settings()
        self.base_url = (base_url or settings.rasa_url).rstrip("/")
        self.token = token if token is not None else settings.edge_engine_token
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=1.0), transport=transport
        )

    async def send(self, sender: str, text: str, channel: str) -> list[dict[str, Any]]:
        """Send ``text`` as ``sender``; return Rasa's messages.

        Raises:
            EngineUnavailable: no answer within the timeout, or an error status.
        """
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        body = {"sender": sender, "message": text, "metadata": {"channel": channel}}
        try:
            response = await self._client.post(
                f"{self.base_url}/webhooks/edge/webhook", json=body, headers=headers
            )
        except httpx.HTTPError as exc:
            raise EngineUnavailable(f"engine unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise EngineUnavailable(f"engine answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:  # not JSON: the engine (or something in its place) is broken
            raise EngineUnavailable("engine answered something that is not JSON") from exc
        return [m for m in data if isinstance(m, dict)] if isinstance(data, list) else []

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
