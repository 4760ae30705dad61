"""The edge: the one pipeline every channel uses between a citizen and the engine.

Clean the text, check its length, apply the rate limits, redact personal data, send it to
the Rasa engine, and answer politely when the engine cannot. The web chat, Telegram and
Zalo adapters (``api.routes.chat``, ``bot``) add only their transport.

May import: ``trolyao`` (settings, errors, redaction, replies, handoffs), ``vntext``. Never
``api`` or ``bot``.
"""
