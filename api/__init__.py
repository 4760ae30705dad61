"""The HTTP API (FastAPI): public procedure look-ups, health, and later chat and admin."""
