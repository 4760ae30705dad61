"""Channel adapters: Telegram (python-telegram-bot) and Zalo OA — transport, signatures,
button format. Their webhooks (``api.routes.telegram``, ``api.routes.zalo``) drop a
redelivered update through one redelivery memory for every channel, in the database
(:func:`trolyao.deliveries.first_delivery`).

Each adapter hands citizens' text to the edge (:mod:`edge`) and sends its replies back; the
web chat's adapter is its HTTP route (``api.routes.chat``).

May import: ``edge``, ``trolyao`` (settings, replies, deliveries), ``vntext``. Never ``api``.
"""
