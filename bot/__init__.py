"""Channel adapters: Telegram (python-telegram-bot) and Zalo OA — transport, signatures,
button format, redelivery memory.

Each adapter hands citizens' text to the edge (:mod:`edge`) and sends its replies back; the
web chat's adapter is its HTTP route (``api.routes.chat``).

May import: ``edge``, ``trolyao`` (settings, replies, deliveries), ``vntext``. Never ``api``.
"""
