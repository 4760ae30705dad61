"""Local stand-ins for third-party APIs (Telegram's Bot API), real HTTP servers on
127.0.0.1, used by the benchmarks and by the tests."""
