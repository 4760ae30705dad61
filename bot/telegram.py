"""The Telegram channel (python-telegram-bot 22): polling, or a webhook in the API.

The transport only: text and button presses go through the edge (:mod:`edge.pipeline`,
the same limits and texts as every channel) with a stable, non-reversible sender id, and
the replies come back as HTML-escaped text split at Telegram's limit, with buttons as
inline keyboards. Button presses come back as callback queries and go on as payloads.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.text import split_text
from edge.pipeline import Edge, Reply
from edge.shared import Payloads
from trolyao.settings import Settings

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
CHANNEL = "telegram"
DELETE_COMMAND = "xoadulieu"
COMMAND_PAYLOADS = {"start": "/greet", "help": "/help", DELETE_COMMAND: "/request_data_deletion"}


def sender_id(user_id: int, secret: str) -> str:
    """A stable sender id for a Telegram user that does not reveal the user's id."""
    digest = hmac.new(secret.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"tg-{digest[:32]}"


class TelegramBridge:
    """The handlers of the Telegram channel and their state."""

    def __init__(self, settings: Settings, edge: Edge) -> None:
        secret = settings.telegram_id_secret or settings.telegram_bot_token or ""
        if not secret:
            raise ValueError("TELEGRAM_ID_SECRET or TELEGRAM_BOT_TOKEN is required")
        self.secret = secret
        self.edge = edge
        self.payloads = Payloads(edge.redis)

    def build(
        self, settings: Settings, *, webhook: bool
    ) -> Application[Any, Any, Any, Any, Any, Any]:
        """Build the PTB application (``updater(None)`` for a webhook in our own server)."""
        assert settings.telegram_bot_token
        builder = (
            Application.builder()
            .token(settings.telegram_bot_token)
            .base_url(settings.telegram_base_url)
            .rate_limiter(AIORateLimiter(max_retries=2))
        )
        if webhook:
            builder = builder.updater(None)
        application = builder.build()
        for command in COMMAND_PAYLOADS:
            application.add_handler(CommandHandler(command, self.on_command))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        application.add_handler(CallbackQueryHandler(self.on_button))
        return application

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, /help and the data-deletion command go to the assistant as payloads."""
        if update.effective_message is None or update.effective_user is None:
            return
        command = (update.effective_message.text or "").split()[0].lstrip("/").split("@")[0]
        await self.converse(update, context, COMMAND_PAYLOADS.get(command, "/help"))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A citizen's text message (the edge redacts it before anything else sees it)."""
        message = update.effective_message
        if message is None or not message.text:
            return
        await self.converse(update, context, message.text)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: acknowledge it, then send its payload to the assistant."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        payload = await self.payloads.payload_for(query.data or "")
        await self.converse(update, context, payload or "/help")

    async def converse(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        """Send ``text`` through the edge as this user and relay what comes back."""
        chat = update.effective_chat
        user = update.effective_user
        if chat is None or user is None:
            return
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        result = await self.edge.handle(
            channel=CHANNEL,
            sender=sender_id(user.id, self.secret),
            text=text,
            reply_to=str(chat.id),
        )
        for reply in result.replies:
            await self.send_reply(context, chat.id, reply)

    async def send_reply(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply
    ) -> None:
        """Send one assistant message: escaped, split, buttons on the last part."""
        buttons = [
            [
                InlineKeyboardButton(
                    b.title[:64], callback_data=await self.payloads.key_for(b.payload)
                )
            ]
            for b in reply.buttons
        ]
        parts = split_text(html.escape(reply.text), MessageLimit.MAX_TEXT_LENGTH) or (
            [" "] if buttons else []
        )
        for i, part in enumerate(parts):
            markup = InlineKeyboardMarkup(buttons) if buttons and i == len(parts) - 1 else None
            await context.bot.send_message(
                chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup
            )
