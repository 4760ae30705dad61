"""The HTTP API (FastAPI): the web chat and the Telegram and Zalo webhooks (through the edge),
public procedure look-ups, health, and the staff's routes (dashboard, admin, hand-offs) with
their pages (``static/staff``)."""
