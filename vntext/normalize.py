"""Normalisation of Vietnamese chat text: cleaning, diacritic folding, abbreviations."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from vntext.abbreviations import ABBREVIATIONS

_WORD_RE = re.compile(r"[^\W_]+")
_SPACE_RE = re.compile(r"\s+")
# Characters that are invisible yet break matching: zero-width spaces and joiners,
# the word joiner, the BOM, soft hyphens, bidi marks.
INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"),
    None,
)
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def has_control_chars(text: str) -> bool:
    """Tell whether ``text`` holds control characters other than tab and newlines."""
    return any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in text)


def clean_text(text: str) -> str:
    """Return ``text`` in NFC with invisible characters removed and spaces collapsed.

    Control characters become spaces. The letters themselves, diacritics included,
    are kept: this is the form shown back to citizens and given to entity extraction.
    """
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return _SPACE_RE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics (``Đường`` -> ``duong``).

    Both the old (``hoà``) and new (``hòa``) tone placements fold to the same string.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold_tokens(text: str) -> list[str]:
    """Split ``text`` into folded word tokens, dropping punctuation and emoji."""
    return _WORD_RE.findall(fold(clean_text(text)))


def expand_abbreviations(tokens: Iterable[str]) -> list[str]:
    """Replace abbreviations (``cccd``, ``gplx``, ``dk``, ``ko`` ...) by their words."""
    out: list[str] = []
    for token in tokens:
        expansion = ABBREVIATIONS.get(token)
        if expansion is None:
            out.append(token)
        else:
            out.extend(expansion.split())
    return out


def accent_signature(word: str) -> str | None:
    """Return the diacritics of ``word`` in a canonical order, or ``None`` when it has none.

    The order ignores which vowel carries the tone, so ``hoà`` and ``hòa`` agree while
    ``vàng`` and ``vắng`` (or ``cười`` and ``cưới``) differ.
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    marks = sorted(ch for ch in decomposed if unicodedata.combining(ch))
    if "đ" in word.lower():
        marks.append("đ")
    return "".join(marks) or None


def surface_tokens(text: str) -> list[tuple[str, str | None]]:
    """Return ``(folded, accents)`` pairs: the matching form and the accents typed.

    ``accents`` (see :func:`accent_signature`) is ``None`` for words typed without
    diacritics, which may stand for any accented word, and for abbreviations' expansions.
    """
    out: list[tuple[str, str | None]] = []
    for surface in _WORD_RE.findall(clean_text(text)):
        out.extend(_word_forms(surface))
    return out


@lru_cache(maxsize=65536)
def _word_forms(surface: str) -> tuple[tuple[str, str | None], ...]:
    folded = fold(surface)
    expansion = ABBREVIATIONS.get(folded)
    if expansion is not None:
        return tuple((word, None) for word in expansion.split())
    return ((folded, accent_signature(surface)),)


def normalize_tokens(text: str) -> list[str]:
    """Fold ``text`` into tokens and expand abbreviations: the matching form of a message."""
    return expand_abbreviations(fold_tokens(text))
