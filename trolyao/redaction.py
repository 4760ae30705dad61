"""Personal data redaction at the edge: the same function for every channel.

Before a message reaches Rasa, a log line or a table, ID numbers, phone numbers, e-mail
addresses and bank account numbers become typed placeholders::

    [CCCD]   12-digit citizen ID (căn cước công dân)
    [CMND]   9-digit identity card (chứng minh nhân dân)
    [SĐT]    mobile or landline phone number, 0…, +84…, 84…
    [EMAIL]  e-mail address
    [STK]    bank account number after "stk" / "số tài khoản"

What citizens need answered is left alone: procedure codes (1.001193), dossier receipt
codes (000.00.12.H37-251120-0001), money (200.000 đồng, 50k), dates, years, licence
plates (12A-345.67), house numbers and other short numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from vntext.normalize import INVISIBLE

# Spans that must survive untouched, found first.
_PROTECTED = re.compile(
    r"""
      \b\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}-\d{6}-\d{4}\b      # receipt code
    | (?<![\d.])[1-9]\.\d{6}(?:\.000\.00\.00\.H\d{2})?(?![\d.])  # procedure code
    | \b\d{2}[A-Za-z]{1,2}\d?-?\s?\d{3}[.\s]?\d{1,2}\b       # licence plate 12A-345.67
    | (?<![\d./-])\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?![\d./-])   # date 20/11/2025
    | (?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])                      # ISO date
    | (?<![\d.,])[1-9]\d{0,2}(?:[.,]\d{3})+(?![\d.,])
      (?:\s?(?:đồng|đ|vnd|vnđ|k|tr|triệu|nghìn|ngàn)\b)?        # money 200.000 đồng
    """,
    re.IGNORECASE | re.VERBOSE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_ACCOUNT = re.compile(
    r"""
    (?P<label>\b(?:stk|số\s*tài\s*khoản|so\s*tai\s*khoan|số\s*tk|so\s*tk|tài\s*khoản\s*số
             |tai\s*khoan\s*so|tk\s*ngân\s*hàng|tk\s*ngan\s*hang|account(?:\s*number)?)
    \s*(?:là|la|:|số|so|-)?\s*(?:[a-z]{2,12}\s*[:\-]?\s*)?)   # optional bank name
    (?P<number>\d(?:[\d\s.\-]{4,24}\d))
    """,
    re.IGNORECASE | re.VERBOSE,
)
# A phone number: 0 / 84 / +84 / (+84) then digit groups with single separators.
_PHONE = re.compile(
    r"""
    (?<![\w+])
    (?:\(\+?84\)|\+84|84|0)
    [\s.\-]?
    \d(?:[\s.\-]?\d){7,9}
    (?!\w)
    """,
    re.VERBOSE,
)
_DIGIT_GROUPS = re.compile(r"(?<![\w.])\d(?:[\s.\-]?\d){8,13}(?![\w])")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_kind(match: str) -> bool:
    """Whether ``match`` is a Vietnamese phone number by its digits."""
    digits = _digits(match)
    if match.lstrip("(").startswith("+") or (digits.startswith("84") and not match.startswith("0")):
        national = digits[2:]
        return (len(national) == 9 and national[0] in "35789") or (
            len(national) == 10 and national[0] == "2"
        )
    if digits.startswith("0"):
        return (len(digits) == 10 and digits[1] in "35789") or (
            len(digits) == 11 and digits[1] == "2"
        )
    return False


def _id_kind(match: str) -> str | None:
    digits = _digits(match)
    grouped = len(digits) != len(match)
    if len(digits) == 12 and (digits.startswith("0") or not grouped):
        return "[CCCD]"
    if len(digits) == 9 and not grouped:
        return "[CMND]"
    return None


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def redact(text: str) -> str:
    """Return ``text`` with personal data replaced by typed placeholders.

    The text is first normalised (NFKC, invisible characters removed), so that full-width
    digits or zero-width spaces cannot smuggle a number past the patterns.
    """
    text = unicodedata.normalize("NFKC", text).translate(INVISIBLE)
    replacements: list[tuple[int, int, str]] = []
    protected = [m.span() for m in _PROTECTED.finditer(text)]

    def add(start: int, end: int, placeholder: str) -> None:
        if not _overlaps(start, end, [(s, e) for s, e, _ in replacements]):
            replacements.append((start, end, placeholder))

    for match in _EMAIL.finditer(text):
        add(*match.span(), "[EMAIL]")
    for match in _ACCOUNT.finditer(text):
        add(*match.span("number"), "[STK]")
    for match in _PHONE.finditer(text):
        start, end = match.span()
        value = match.group(0).rstrip(" .-")
        end = start + len(value)
        if _phone_kind(value) and not _overlaps(start, end, protected):
            add(start, end, "[SĐT]")
    for match in _DIGIT_GROUPS.finditer(text):
        start, end = match.span()
        value = match.group(0).rstrip(" .-")
        end = start + len(value)
        kind = _id_kind(value)
        if kind and not _overlaps(start, end, protected):
            add(start, end, kind)
    for start, end, placeholder in sorted(replacements, reverse=True):
        text = text[:start] + placeholder + text[end:]
    return text
