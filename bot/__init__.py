"""Channel adapters: Telegram (python-telegram-bot) — transport, signatures, button format.

Each adapter hands citizens' text to the edge (:mod:`edge`) and sends its replies back; the
web chat's adapter is its HTTP route (``api.routes.chat``).

May import: ``edge``, ``trolyao`` (settings, replies), ``vntext``. Never ``api``.
"""
