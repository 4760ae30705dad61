"""Vietnamese text normalisation for the assistant (standard library only).

May import: the standard library only. The Rasa components built on it live in
``rasa_ext.nlu`` (engine env).

The same functions serve the procedure search (app env) and the Rasa NLU
components (engine env), so citizens typing with or without diacritics, or
with the usual abbreviations, are understood the same way everywhere.
"""

from vntext.normalize import (
    accent_signature,
    clean_text,
    expand_abbreviations,
    fold,
    fold_tokens,
    has_control_chars,
    normalize_tokens,
    surface_tokens,
)

__all__ = [
    "accent_signature",
    "clean_text",
    "expand_abbreviations",
    "fold",
    "fold_tokens",
    "has_control_chars",
    "normalize_tokens",
    "surface_tokens",
]
