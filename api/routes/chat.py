"""The web chat: citizens' messages, redacted, to the assistant and back."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints

from edge.engine_client import EngineUnavailable, RasaClient
from trolyao.redaction import redact
from trolyao.replies import edge_reply
from trolyao.settings import get_settings
from vntext import clean_text

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/chat", tags=["chat"])

SessionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]


class ChatMessageIn(BaseModel):
    """A citizen's message: an anonymous session id (8–64 of A–Z a–z 0–9 _ -) and text."""

    session_id: SessionId
    text: str = Field(max_length=20_000)


class Button(BaseModel):
    """A quick reply."""

    title: str
    payload: str


class BotMessage(BaseModel):
    """One message of the assistant."""

    text: str
    buttons: list[Button] = Field(default_factory=list)


class ChatMessagesOut(BaseModel):
    """The assistant's replies to one message."""

    messages: list[BotMessage]


def _reply(status: int, text: str, code: str, **headers: str) -> JSONResponse:
    body = {"messages": [{"text": text, "buttons": []}], "code": code}
    return JSONResponse(body, status_code=status, headers=headers or None)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _to_messages(replies: list[dict[str, Any]]) -> list[BotMessage]:
    out = []
    for reply in replies:
        buttons = [
            Button(title=str(b.get("title", ""))[:80], payload=str(b.get("payload", ""))[:500])
            for b in reply.get("buttons") or []
            if b.get("payload")
        ]
        if reply.get("text") or buttons:
            out.append(BotMessage(text=str(reply.get("text") or ""), buttons=buttons))
    return out


@router.post(
    "/messages",
    response_model=ChatMessagesOut,
    responses={413: {}, 422: {}, 429: {}, 503: {}},
)
async def post_message(message: ChatMessageIn, request: Request) -> Any:
    """Redact the message, ask the assistant, and return its replies with quick replies."""
    settings = get_settings()
    state = request.app.state
    wait = max(
        state.session_limiter.hit(message.session_id), state.ip_limiter.hit(_client_ip(request))
    )
    if wait:
        return _reply(
            429, edge_reply("rate_limited"), "rate_limited", **{"Retry-After": str(int(wait) + 1)}
        )
    text = clean_text(message.text)
    if not text:
        return _reply(422, edge_reply("empty"), "empty")
    if len(text) > settings.chat_max_chars:
        return _reply(413, edge_reply("too_long", max_chars=settings.chat_max_chars), "too_long")
    client: RasaClient = state.rasa_client
    try:
        replies = await client.send(f"web-{message.session_id}", redact(text), "web")
    except EngineUnavailable as exc:
        log.warning("engine unavailable for the web chat: %s", exc.message)
        return _reply(503, edge_reply("unavailable"), "engine_unavailable")
    messages = _to_messages(replies)
    if not messages:  # every turn answers; silence means the action server failed
        log.warning("the engine returned no reply (action server down?)")
        return _reply(503, edge_reply("unavailable"), "engine_unavailable")
    return ChatMessagesOut(messages=messages)
