"""Benchmarks (``make bench``), outside the product: they drive the real API, engine and
databases with generated load and write the figures of ``docs/benchmarks.md``.

May import everything, and ``bench.peers`` (local stand-ins for the Telegram Bot API).
"""
