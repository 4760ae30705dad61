"""Zalo's webhook, served by the API when the OA is configured (ZALO_APP_ID and
ZALO_OA_SECRET_KEY): signature checked, acknowledged at once, processed after the answer,
an event whose signed timestamp is more than 5 minutes off refused (a replay), a
redelivered ``msg_id`` dropped (:func:`trolyao.deliveries.first_delivery`, as Telegram's:
remembered in the database, so across restarts and API processes; the worker forgets them
after a day)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.zalo import CHANNEL, ZaloBridge, signature_ok
from trolyao.deliveries import first_delivery
from trolyao.settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/zalo", tags=["zalo"])


@router.post("/webhook", include_in_schema=False)
async def webhook(request: Request) -> JSONResponse:
    """Check the signature, acknowledge at once, answer the event in the background."""
    bridge: ZaloBridge | None = getattr(request.app.state, "zalo", None)
    settings = get_settings()
    if bridge is None or not settings.zalo_app_id or not settings.zalo_oa_secret_key:
        return JSONResponse({"detail": "Zalo is not enabled."}, status_code=404)
    body = await request.body()
    try:
        event: Any = json.loads(body)
        timestamp = str(event["timestamp"])
    except (ValueError, KeyError, TypeError):
        event, timestamp = None, ""
    signed = signature_ok(
        request.headers.get("X-ZEvent-Signature"),
        settings.zalo_app_id,
        body,
        timestamp,
        settings.zalo_oa_secret_key,
    )
    if not signed:
        return JSONResponse({"detail": "Invalid signature."}, status_code=401)
    if not isinstance(event, dict):
        return JSONResponse({"detail": "Not a Zalo event."}, status_code=400)
    if not _recent(timestamp):  # a signed event replayed later, or a clock far off
        return JSONResponse({"detail": "Event too old or from the future."}, status_code=400)
    message_id = (
        (event.get("message") or {}).get("msg_id")
        if isinstance(event.get("message"), dict)
        else None
    )
    if message_id and not await asyncio.to_thread(
        first_delivery, request.app.state.engine, CHANNEL, str(message_id)
    ):
        return JSONResponse({"ok": True, "duplicate": True})
    # Answered after the acknowledgement, apart from this request and its connection.
    tasks: set[asyncio.Task[None]] = request.app.state.zalo_tasks
    task = asyncio.create_task(bridge.handle_event(event))
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    return JSONResponse({"ok": True})


#: How far an event's signed timestamp may be from now (Zalo sends at once).
WINDOW_SECONDS = 300


def _recent(timestamp: str, now: float | None = None) -> bool:
    """Whether Zalo's millisecond ``timestamp`` is within :data:`WINDOW_SECONDS` of now."""
    try:
        sent = int(timestamp) / 1000
    except ValueError:
        return False
    return abs((time.time() if now is None else now) - sent) <= WINDOW_SECONDS
