"""Helpers shared by the actions: reply fragments from the domain, contact details."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk.types import DomainDict

from trolyao.settings import get_settings

log = logging.getLogger(__name__)


def fragment(domain: DomainDict, name: str, /, **values: Any) -> str:
    """Return the text of response ``name`` from the domain, filled with ``values``.

    Citizen-facing words live in ``domain.yml``; actions only assemble them with data.
    """
    variants = domain.get("responses", {}).get(name) or []
    if not variants:
        log.error("response %s is missing from the domain", name)
        return ""
    text = str(variants[0].get("text", ""))
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        log.exception("response %s could not be filled", name)
        return text


def contact_values(domain: DomainDict) -> dict[str, str]:
    """The help-desk contact details from settings; unset ones point to the portal."""
    settings = get_settings()
    fallback = fragment(domain, "utter_fragment_see_portal", url=settings.provincial_portal_url)
    return {
        "contact_phone": settings.contact_phone or fallback,
        "contact_email": settings.contact_email or fallback,
        "contact_address": settings.contact_address or fallback,
        "contact_hours": settings.contact_hours or fallback,
        "portal_url": settings.portal_url,
    }


def latest_text(tracker: Any) -> str:
    """The text of the latest user message, empty for button payloads (``/intent{...}``)."""
    text = str(tracker.latest_message.get("text") or "")
    return "" if text.startswith("/") else text


def latest_intent(tracker: Any) -> str:
    """The intent of the latest user message ("" when there is none)."""
    intent = tracker.latest_message.get("intent") or {}
    return str(intent.get("name") or "")


def entity(tracker: Any, name: str) -> str | None:
    """The first value of entity ``name`` in the latest message, if any."""
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None
