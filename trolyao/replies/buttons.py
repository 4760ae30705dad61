"""Buttons: the one builder of their payloads.

A button's payload is what Rasa reads as a message: ``/intent`` or
``/intent{"entity": "value", ...}`` (JSON, accents kept). Every button the assistant offers is
made here, by the actions and by the answers alike, so that the channels (which turn payloads
into their own button formats and back) meet one shape.
"""

from __future__ import annotations

import json

#: What a button's label holds on the narrowest channel (the widget at 390 px, Zalo).
BUTTON_CHARS = 64


def payload(intent: str, **entities: str) -> str:
    """The payload that asks ``intent`` with ``entities`` (none: the bare ``/intent``)."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


def button(title: str, intent: str, **entities: str) -> dict[str, str]:
    """A button labelled ``title`` (cut to :data:`BUTTON_CHARS`) that asks ``intent``."""
    return {"title": title[:BUTTON_CHARS], "payload": payload(intent, **entities)}
