"""Helpers shared by the actions: what the latest message said (text, intent, entities)."""

from __future__ import annotations

from typing import Any


def latest_text(tracker: Any) -> str:
    """The text of the latest user message, empty for button payloads (``/intent{...}``)."""
    text = str(tracker.latest_message.get("text") or "")
    return "" if text.startswith("/") else text


def earlier_text(tracker: Any) -> str:
    """The latest message the citizen typed (not a button payload), the current one
    included: what a button pressed afterwards was about."""
    for event in reversed(list(tracker.events or [])):
        if event.get("event") == "user":
            text = str(event.get("text") or "")
            if text and not text.startswith("/"):
                return text
    return ""


def latest_intent(tracker: Any) -> str:
    """The intent of the latest user message ("" when there is none)."""
    intent = tracker.latest_message.get("intent") or {}
    return str(intent.get("name") or "")


def entity(tracker: Any, name: str) -> str | None:
    """The first value of entity ``name`` in the latest message, if any."""
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None
