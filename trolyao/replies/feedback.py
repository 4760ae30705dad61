"""Whether a citizen's typed feedback on an answer is positive or negative, decided once.

The feedback buttons say ``up`` or ``down`` themselves; this reads what citizens type
instead ("chưa hữu ích", "chẳng giúp gì", "ko đúng", "sai rồi", "hữu ích lắm"). The action
that thanks or apologises and the analytics that count it use this same function.
"""

from __future__ import annotations

from typing import Literal

from vntext import normalize_tokens

Polarity = Literal["up", "down"]
# Folded words (abbreviations expanded) that turn "hữu ích" around.
NEGATIVE_WORDS = frozenset({"chua", "khong", "chang", "cha", "sai", "te", "kem"})


def feedback_polarity(text: str) -> Polarity:
    """``down`` when the text negates or criticises the answer, else ``up``."""
    return "down" if NEGATIVE_WORDS.intersection(normalize_tokens(text)) else "up"
