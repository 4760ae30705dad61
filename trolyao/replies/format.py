"""How much of a record fits a chat bubble, and the small text helpers of the answers."""

from __future__ import annotations

from trolyao.replies.domain import Domain, fragment


def bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def short(text: str, limit: int) -> str:
    """``text`` cut at a word before ``limit`` characters (the full text is at the source)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + " …"


# How much of a record fits a chat bubble: the rest is a button away, and always at the
# source link.
MAX_DOCUMENTS = 8
MAX_STEPS = 8
DOCUMENT_CHARS = 220
STEP_CHARS = 220
NOTE_CHARS = 160
FULL_CHARS = 3500  # under Telegram's 4,096 per message, with the title and footer


def short_block(text: str, domain: Domain) -> str:
    if len(text) <= FULL_CHARS:
        return text
    cut = text.rfind("\n", 0, FULL_CHARS)
    return (
        text[: cut if cut > 0 else FULL_CHARS]
        + "\n"
        + fragment(domain, "utter_fragment_see_source")
    )
