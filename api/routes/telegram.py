"""Telegram's webhook, mounted in the API for production: secret token checked,
acknowledged at once, processed asynchronously, a redelivered ``update_id`` dropped
(:func:`trolyao.deliveries.first_delivery`, as Zalo's: remembered in the database, so
across restarts and API processes; the worker forgets them after a day)."""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from telegram import Update

from bot.telegram import CHANNEL
from trolyao.deliveries import first_delivery
from trolyao.settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/telegram", tags=["telegram"])


@router.post("/webhook", include_in_schema=False)
async def webhook(request: Request) -> JSONResponse:
    """Check the secret token, acknowledge at once, process the update asynchronously."""
    application: Any = getattr(request.app.state, "telegram", None)
    secret = get_settings().telegram_webhook_secret
    if application is None or not secret:
        return JSONResponse({"detail": "Telegram is not enabled."}, status_code=404)
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return JSONResponse({"detail": "Forbidden."}, status_code=403)
    try:
        data = await request.json()
        update_id = int(data["update_id"])
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"detail": "Not a Telegram update."}, status_code=400)
    if not await asyncio.to_thread(
        first_delivery, request.app.state.engine, CHANNEL, str(update_id)
    ):
        return JSONResponse({"ok": True, "duplicate": True})
    await application.update_queue.put(Update.de_json(data, application.bot))
    return JSONResponse({"ok": True})
