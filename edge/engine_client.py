"""The edge's client of the Rasa engine's edge channel (a bearer token: EDGE_ENGINE_TOKEN)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from trolyao.errors import TroLyAoError
from trolyao.settings import get_settings

log = logging.getLogger(__name__)


class EngineUnavailable(TroLyAoError):
    """The Rasa engine (or the action server behind it) did not answer in time."""


RETRY_PAUSES = (0.0, 0.5)  # before the first and the second retry, in seconds


class _ReplicaLost(EngineUnavailable):
    """The replica went away before answering (connection broken, or the balancer said
    so): worth trying again, through the balancer, on another replica."""


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

    async def send(
        self,
        sender: str,
        text: str,
        channel: str,
        message_id: str | None = None,
        on_retry: Callable[[], object] | None = None,
        client_key: str | None = None,
    ) -> list[dict[str, Any]]:
        """Send ``text`` as ``sender``; return Rasa's messages. ``client_key`` (a keyed hash
        of the client's address, never the address) goes with it in the metadata, for the
        actions' per-address limits.

        With several engine replicas behind a balancer, a replica may die mid-turn: the
        balancer then answers 502/503/504 or the connection breaks. The message is sent
        again (at most twice more), marked as a retry with the same id, and the replica that
        takes it answers from the shared tracker if the turn was already applied (never twice).

        Raises:
            EngineUnavailable: no answer within the timeout, an error status, or the
                replica lost three times.
        """
        message_id = message_id or uuid.uuid4().hex
        try:
            return await self._post(sender, text, channel, message_id, client_key, retry=False)
        except _ReplicaLost as lost:
            log.warning("engine replica lost (%s); sending the message again", lost.message)
            if on_retry is not None:
                on_retry()
            last = lost
        # Right after a replica dies, the balancer may still pick it (until its health
        # check says so) or hand back a connection that dies with it: a second retry,
        # a moment later, finds the other replica. Safe, since retries never apply a turn
        # twice.
        for pause in RETRY_PAUSES:
            await asyncio.sleep(pause)
            try:
                return await self._post(sender, text, channel, message_id, client_key, retry=True)
            except _ReplicaLost as again:
                log.warning("engine replica lost again (%s)", again.message)
                last = again
        raise EngineUnavailable(last.message) from last

    async def _post(
        self,
        sender: str,
        text: str,
        channel: str,
        message_id: str,
        client_key: str | None,
        *,
        retry: bool,
    ) -> list[dict[str, Any]]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        metadata: dict[str, Any] = {"channel": channel, "message_id": message_id}
        if client_key:
            metadata["client_key"] = client_key
        if retry:
            metadata["retry"] = True
        body = {"sender": sender, "message": text, "metadata": metadata}
        try:
            response = await self._client.post(
                f"{self.base_url}/webhooks/edge/webhook", json=body, headers=headers
            )
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _ReplicaLost(f"engine unreachable: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:  # a timeout: the turn may still be running
            raise EngineUnavailable(f"engine unreachable: {type(exc).__name__}") from exc
        if response.status_code in (502, 503, 504):
            raise _ReplicaLost(f"engine answered HTTP {response.status_code}")
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
