"""Channels: the web chat and Telegram bridges, the Rasa client, redaction at the edge."""
