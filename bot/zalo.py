"""The Zalo Official Account channel (Zalo OA Open API v3): the transport only.

A citizen's text goes through the edge (:mod:`edge.pipeline`, the same limits and texts as
every channel) with a stable, non-reversible sender id, and the replies go back through
``POST /v3.0/oa/message/cs``: text split at Zalo's 2,000 characters, quick replies as a
template message with at most 5 ``oa.query.hide`` buttons, whose payloads come back as the
citizen's next text. An expired access token (error -216) is refreshed once, the new pair
kept (the refresh token rotates), and the message sent again. Tokens are never logged, and
are kept encrypted (:mod:`trolyao.deliveries`). With several API replicas, one refreshes
under a lease on the tokens' row and the others take up the pair it stored
(:class:`StoredTokens`): Zalo's single-use refresh token is never spent twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from bot.text import split_text
from edge.pipeline import Edge, Reply
from trolyao.replies import edge_reply
from trolyao.settings import Settings

log = logging.getLogger(__name__)

CHANNEL = "zalo"
MAX_TEXT = 2000
MAX_BUTTONS = 5
MAX_BUTTON_TITLE = 100
TOKEN_EXPIRED = -216
# Events answered with a short text: the citizen sent something the assistant cannot read.
UNREADABLE = frozenset(
    {
        "user_send_image",
        "user_send_sticker",
        "user_send_gif",
        "user_send_location",
        "user_send_file",
        "user_send_audio",
        "user_send_video",
        "user_send_link",
    }
)


def signature(app_id: str, body: bytes, timestamp: str, secret: str) -> str:
    """Zalo's event signature: sha256(app id + raw body + timestamp + OA secret key), hex."""
    material = app_id.encode() + body + timestamp.encode() + secret.encode()
    return hashlib.sha256(material).hexdigest()


def signature_ok(header: str | None, app_id: str, body: bytes, timestamp: str, secret: str) -> bool:
    """Whether ``X-ZEvent-Signature: mac=<hex>`` is this body's signature."""
    if not header or not header.strip().startswith("mac="):
        return False
    given = header.strip()[4:].strip().lower()
    expected = signature(app_id, body, timestamp, secret)
    return hmac.compare_digest(given.encode(), expected.encode())


def sender_id(user_id: str, secret: str) -> str:
    """A stable sender id for a Zalo user that does not reveal the user's id."""
    digest = hmac.new(secret.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"zalo-{digest[:32]}"


class ZaloError(Exception):
    """Zalo refused a call; ``code`` is its error number."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code


@dataclass
class Tokens:
    """The OA's current access and refresh tokens."""

    access: str
    refresh: str | None


class TokenStore(Protocol):
    """Where the pair is kept, and the one place a refresh happens."""

    async def refresh(
        self, current: Tokens, renew: Callable[[Tokens], Awaitable[Tokens]]
    ) -> Tokens: ...


class StoredTokens:
    """The pair in the database, encrypted; refreshed by one replica at a time."""

    WAIT = 15.0  # seconds a replica waits for another's refresh

    def __init__(self, engine: Any, cipher: Any) -> None:
        self.engine = engine
        self.cipher = cipher

    def _call(self, work: Callable[[Any], Any]) -> Any:
        from sqlalchemy.orm import Session

        with Session(self.engine) as session:
            return work(session)

    def load(self) -> Tokens | None:
        """The stored pair, if any."""
        from trolyao.deliveries import load_tokens

        found = self._call(lambda s: load_tokens(s, CHANNEL, self.cipher))
        return Tokens(found[0], found[1]) if found else None

    def save(self, tokens: Tokens) -> None:
        """Keep ``tokens`` (and end any lease)."""
        from trolyao.deliveries import save_tokens

        self._call(lambda s: save_tokens(s, CHANNEL, tokens.access, tokens.refresh, self.cipher))

    async def refresh(
        self, current: Tokens, renew: Callable[[Tokens], Awaitable[Tokens]]
    ) -> Tokens:
        """A fresh pair: ``renew``'s, under the lease, or the one another replica stored."""
        from trolyao.deliveries import release_refresh_lease, take_refresh_lease

        deadline = time.monotonic() + self.WAIT
        while True:
            if await asyncio.to_thread(self._call, lambda s: take_refresh_lease(s, CHANNEL)):
                try:
                    stored = await asyncio.to_thread(self.load)
                    if stored is not None and stored.access != current.access:
                        await asyncio.to_thread(
                            self._call, lambda s: release_refresh_lease(s, CHANNEL)
                        )
                        return stored  # refreshed by another replica meanwhile
                    new = await renew(stored or current)
                except BaseException:
                    await asyncio.to_thread(self._call, lambda s: release_refresh_lease(s, CHANNEL))
                    raise
                await asyncio.to_thread(self.save, new)
                return new
            stored = await asyncio.to_thread(self.load)
            if stored is not None and stored.access != current.access:
                return stored
            if time.monotonic() > deadline:
                raise ZaloError(TOKEN_EXPIRED, "another replica's token refresh did not finish")
            await asyncio.sleep(0.2)


class ZaloApi:
    """Sends OA messages; refreshes the access token once when Zalo says it expired."""

    def __init__(
        self,
        settings: Settings,
        tokens: Tokens,
        store: TokenStore,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.api = settings.zalo_api_base_url.rstrip("/")
        self.oauth = settings.zalo_oauth_base_url.rstrip("/")
        self.app_id = settings.zalo_app_id or ""
        self.app_secret = settings.zalo_app_secret or ""
        self.tokens = tokens
        self.store = store
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0), transport=transport)

    async def _post_message(self, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post(
            f"{self.api}/v3.0/oa/message/cs",
            json=body,
            headers={"access_token": self.tokens.access},
        )
        data = response.json() if response.content else {}
        error = int(data.get("error", 0) or 0) if isinstance(data, dict) else -1
        if error:
            raise ZaloError(error, str(data.get("message", "")))
        return data

    async def _renew(self, tokens: Tokens) -> Tokens:
        """Exchange ``tokens``' refresh token for a new pair (Zalo's OAuth)."""
        if not tokens.refresh:
            raise ZaloError(TOKEN_EXPIRED, "no refresh token to renew the access token with")
        response = await self.http.post(
            f"{self.oauth}/v4/oa/access_token",
            data={
                "refresh_token": tokens.refresh,
                "app_id": self.app_id,
                "grant_type": "refresh_token",
            },
            headers={"secret_key": self.app_secret},
        )
        data = response.json() if response.content else {}
        access = data.get("access_token") if isinstance(data, dict) else None
        if not access:
            raise ZaloError(int(data.get("error", -1) or -1), "the token refresh was refused")
        log.info("zalo: access token refreshed")
        return Tokens(str(access), str(data.get("refresh_token") or tokens.refresh))

    async def refresh(self) -> None:
        """A fresh pair, through the store (one replica refreshes, the others reload)."""
        self.tokens = await self.store.refresh(self.tokens, self._renew)

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        """Send one message; on an expired token, refresh once and send it again."""
        try:
            return await self._post_message(body)
        except ZaloError as exc:
            if exc.code != TOKEN_EXPIRED:
                raise
        await self.refresh()
        return await self._post_message(body)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()


def messages_for(user_id: str, reply: Reply) -> list[dict[str, Any]]:
    """The OA message bodies of one reply: split text, buttons on the last part."""
    parts = split_text(reply.text, MAX_TEXT) or ([" "] if reply.buttons else [])
    bodies: list[dict[str, Any]] = [
        {"recipient": {"user_id": user_id}, "message": {"text": part}} for part in parts
    ]
    if reply.buttons and bodies:
        bodies[-1]["message"]["attachment"] = {
            "type": "template",
            "payload": {
                "buttons": [
                    {
                        "title": button.title[:MAX_BUTTON_TITLE],
                        "type": "oa.query.hide",
                        "payload": button.payload,
                    }
                    for button in reply.buttons[:MAX_BUTTONS]
                ]
            },
        }
    return bodies


class ZaloBridge:
    """Turns Zalo webhook events into edge turns and sends the replies back."""

    def __init__(self, settings: Settings, edge: Edge, api: ZaloApi) -> None:
        secret = settings.zalo_id_secret or settings.zalo_oa_secret_key or ""
        if not secret:
            raise ValueError("ZALO_ID_SECRET or ZALO_OA_SECRET_KEY is required")
        self.secret = secret
        self.edge = edge
        self.api = api

    async def handle_event(self, event: dict[str, Any]) -> None:
        """Answer one event (after the webhook has acknowledged it)."""
        name = str(event.get("event_name") or "")
        user_id = str((event.get("sender") or {}).get("id") or "")
        if not user_id:
            return
        if name == "user_send_text":
            text = str((event.get("message") or {}).get("text") or "")
        elif name == "follow":
            text = "/greet"
        elif name in UNREADABLE:
            await self._send(user_id, [Reply(edge_reply("unsupported"))])
            return
        else:  # unfollow, seen, reactions, OA events: nothing to say
            return
        result = await self.edge.handle(
            channel=CHANNEL, sender=sender_id(user_id, self.secret), text=text, reply_to=user_id
        )
        await self._send(user_id, result.replies)

    async def tell(self, user_id: str, text: str) -> None:
        """Send the citizen one message of ours (a closed hand-off, for instance)."""
        await self._send(user_id, [Reply(text)])

    async def _send(self, user_id: str, replies: list[Reply]) -> None:
        for reply in replies:
            for body in messages_for(user_id, reply):
                try:
                    await self.api.send(body)
                except (ZaloError, httpx.HTTPError, ValueError) as exc:
                    log.warning("zalo: a reply could not be sent: %s", type(exc).__name__)
                    return


def build_bridge(
    settings: Settings, edge: Edge, engine: Any, transport: httpx.AsyncBaseTransport | None = None
) -> ZaloBridge:
    """The bridge of a configured OA, its tokens read from the database when a refresh has
    stored newer ones than the settings'."""
    from trolyao.deliveries import TokenCipher

    store = StoredTokens(
        engine, TokenCipher(settings.channel_token_key, settings.channel_token_old_keys)
    )
    tokens = store.load()
    if tokens is None:  # the first start: the settings' pair, stored (encrypted) at once
        tokens = Tokens(settings.zalo_access_token or "", settings.zalo_refresh_token)
        store.save(tokens)
    return ZaloBridge(settings, edge, ZaloApi(settings, tokens, store, transport))
