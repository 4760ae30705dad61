"""Text for a messenger's message-size limit, shared by the channel adapters."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters, at line breaks if possible."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
            entity = text.rfind("&", 0, cut)
            if entity > 0 and ";" not in text[entity:cut]:
                cut = entity  # never split an HTML entity such as &amp;
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n ")
    if text:
        parts.append(text)
    return parts
