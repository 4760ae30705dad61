"""Benchmarks (``make bench``), outside the product: they drive the real API, engine and
databases with generated load (the web chat, Telegram and Zalo webhooks, search, import,
analytics) and write the figures of ``docs/benchmarks.md``. :mod:`bench.commands` adds them to
the ``trolyao`` command. Neither the wheel nor the images ship this package.

May import everything but ``cli``; ``bench.peers`` holds local stand-ins for the Telegram Bot
API and Zalo's OpenAPI.
"""
