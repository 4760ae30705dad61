"""Trackers as Rasa sends them to the action server, for the action tests."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def make_tracker(
    text: str,
    intent: str,
    *,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    sender_id: str = "test-sender",
    earlier: list[str] | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text`` classified as ``intent``, after the
    citizen's ``earlier`` messages."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
    }
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest,
        events=[
            *({"event": "user", "text": before} for before in earlier or []),
            {"event": "user", "text": text, "parse_data": latest},
        ],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
