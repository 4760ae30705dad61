"""The web chat's transport: citizens' messages from the widget through the edge and back."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session

from api.clients import client_address
from edge.pipeline import Edge
from trolyao.handoffs import take_closed_notices
from trolyao.replies import edge_reply

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/chat", tags=["chat"])

SessionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]


class ChatMessageIn(BaseModel):
    """A citizen's message: an anonymous session id (8–64 of A–Z a–z 0–9 _ -), the text,
    and optionally the client's id of this message (1–64 of the same characters): sent
    again with the same id (a retry), it gets the first answer, never a second turn."""

    session_id: SessionId
    text: str = Field(max_length=20_000)
    message_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None


class NoticesIn(BaseModel):
    """A returning web chat: its anonymous session id."""

    session_id: SessionId


class Button(BaseModel):
    """A quick reply."""

    title: str
    payload: str


class BotMessage(BaseModel):
    """One message of the assistant."""

    text: str
    buttons: list[Button] = Field(default_factory=list)


class ChatMessagesOut(BaseModel):
    """The assistant's replies to one message; ``clear_history``: forget the conversation
    kept on the device (the citizen's data was just deleted)."""

    messages: list[BotMessage]
    clear_history: bool = False


# How each outcome of the edge is said in HTTP: status and machine code.
STATUS = {
    "answered": (200, "ok"),
    "empty": (422, "empty"),
    "too_long": (413, "too_long"),
    "rate_limited": (429, "rate_limited"),
    "unavailable": (503, "engine_unavailable"),
}


@router.post(
    "/messages",
    response_model=ChatMessagesOut,
    responses={413: {}, 422: {}, 429: {}, 503: {}},
)
async def post_message(message: ChatMessageIn, request: Request) -> Any:
    """The web chat's transport: the message through the edge, its replies as JSON."""
    edge: Edge = request.app.state.edge
    result = await edge.handle(
        channel="web",
        sender=f"web-{message.session_id}",
        text=message.text,
        client=client_address(request),
        message_id=message.message_id,
    )
    messages = [
        BotMessage(
            text=reply.text,
            buttons=[Button(title=b.title, payload=b.payload) for b in reply.buttons],
        )
        for reply in result.replies
    ]
    if result.answered:
        return ChatMessagesOut(messages=messages, clear_history=result.clear_history)
    status, code = STATUS[result.outcome]
    headers = {"Retry-After": str(int(result.retry_after or 0) + 1)} if result.retry_after else None
    body = {"messages": [m.model_dump() for m in messages], "code": code}
    return JSONResponse(body, status_code=status, headers=headers)


@router.post("/notices", response_model=ChatMessagesOut, responses={429: {}})
async def post_notices(body: NoticesIn, request: Request) -> Any:
    """What happened while the citizen was away, said once: a hand-off request of this
    web chat that an official has closed since. Telegram and Zalo are told at once.
    Limited per client address like the chat itself (a script cannot sweep session ids)."""
    edge: Edge = request.app.state.edge
    wait = await edge.per_client.hit(client_address(request))
    if wait:
        return JSONResponse(
            {"messages": [], "code": "rate_limited"},
            status_code=429,
            headers={"Retry-After": str(int(wait) + 1)},
        )
    return await asyncio.to_thread(_notices, request.app.state.engine, body.session_id)


def _notices(engine: Any, session_id: str) -> ChatMessagesOut:
    with Session(engine) as session:
        closed = take_closed_notices(session, f"web-{session_id}")
        session.commit()
    text = edge_reply("handoff_closed")
    return ChatMessagesOut(messages=[BotMessage(text=text)] if closed else [])
