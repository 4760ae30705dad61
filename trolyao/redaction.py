"""Personal data redaction at the edge: the same function for every channel.

Before a message reaches Rasa, a log line or a table, ID numbers, phone numbers, e-mail
addresses and bank account numbers become typed placeholders::

    [CCCD]   12-digit citizen ID (căn cước công dân), plain or in groups
    [CMND]   9-digit identity card (chứng minh nhân dân), plain, grouped or dotted
    [SĐT]    mobile or landline number: 0…, +84…, 84…, (0205) 3 812 456, glued to a label
    [EMAIL]  e-mail address, any case
    [STK]    bank account number after "stk" / "số tài khoản" / "tk" / a bank's name

Numbers are read as runs of digit groups (spaces, dots, dashes between them); from each
group the longest run that makes a personal number by its digits and its label is taken,
so "0912 345 678 5 giờ" loses the phone and keeps "5 giờ".

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
# A run of digit groups, with an optional country or area code in front: "+84 936 112 887",
# "(0205) 3 812 456", "082.445.667", "8300 2051 23456", "sdt0978123456" (a label glued on).
_RUN = re.compile(
    r"(?<![\d+])(?P<prefix>\(\+?84\)[\s.\-]?|\+84[\s.\-]?|\(0\d{2,3}\)[\s.\-]?)?"
    r"(?P<body>\d+(?:[\s.\-]\d+)*)"
)
_GROUP = re.compile(r"\d+")
MAX_DIGITS = 19
# Labels read in the text just before a number (folded), and how far back they count.
_BANK_LABEL = re.compile(
    r"\b(?:stk|so tk|tk|tai khoan|account|ngan hang|agribank|vietcombank|vcb|bidv|"
    r"techcombank|tcb|vietinbank|mbbank|mb bank|\bmb\b|acb|vpbank|tpbank|sacombank|shb|"
    r"hdbank|ocb|vib|seabank|msb|lpbank|eximbank|kienlongbank|bac a bank|abbank|scb|"
    r"pvcombank|baovietbank|namabank|ncb|vietbank|oceanbank|gpbank|momo|zalopay)\b"
)
_PHONE_LABEL = re.compile(
    r"(?:sdt|dt|so dien thoai|dien thoai|phone|tel|zalo|hotline|goi)\s*:?\s*$"
)
_ID_LABEL = re.compile(r"\b(?:cmnd|cmt|cmtnd|chung minh|cccd|can cuoc|cc)\b")
CONTEXT_CHARS = 40


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _classify(digits: str, *, grouped: bool, international: bool, context: str) -> str | None:
    """The placeholder for a number with these digits, or None when it is no personal data.

    ``context`` is the folded text just before the number (its label, if any).
    """
    n = len(digits)
    phone_label = bool(_PHONE_LABEL.search(context[-14:]))
    bank = bool(_BANK_LABEL.search(context)) and not phone_label
    if international or (digits.startswith("84") and n in (11, 12)):
        national = digits[2:]
        if (len(national) == 9 and national[0] in "35789") or (
            len(national) == 10 and national[0] == "2"
        ):
            return "[SĐT]"
        if international:
            return None
    if bank and 6 <= n <= MAX_DIGITS:
        return "[STK]"
    if n == 10 and digits[0] == "0" and digits[1] in "35789":
        return "[SĐT]"
    if n == 11 and digits.startswith("02"):
        return "[SĐT]"
    id_label = bool(_ID_LABEL.search(context[-20:]))
    if n == 12 and (digits[0] == "0" or not grouped or id_label):
        return "[CCCD]"
    if n == 9 and (not grouped or digits[0] == "0" or id_label):
        return "[CMND]"
    return None


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def _numbers(text: str, protected: list[tuple[int, int]]) -> Iterable[tuple[int, int, str]]:
    """``(start, end, placeholder)`` of every personal number in ``text``.

    A run of digit groups may hold more than one number ("0912 345 678 5 giờ"): from each
    group, the longest run of groups that makes a personal number is taken.
    """
    for match in _RUN.finditer(text):
        prefix = match.group("prefix") or ""
        body_start = match.start("body")
        groups = [
            (body_start + g.start(), body_start + g.end(), g.group())
            for g in _GROUP.finditer(match.group("body"))
        ]
        i = 0
        while i < len(groups):
            lead = prefix if i == 0 else ""
            lead_digits = re.sub(r"\D", "", lead)
            start = match.start() if lead else groups[i][0]
            context = _fold(text[max(0, start - CONTEXT_CHARS) : start])
            best: tuple[int, str] | None = None
            digits = lead_digits
            for j in range(i, len(groups)):
                digits += groups[j][2]
                if len(digits) > MAX_DIGITS:
                    break
                kind = _classify(
                    digits,
                    grouped=j > i or bool(lead),
                    international=lead_digits == "84",
                    context=context,
                )
                if kind is not None:
                    best = (j, kind)
            if best is None:
                i += 1
                continue
            end = groups[best[0]][1]
            if not _overlaps(start, end, protected):
                yield start, end, best[1]
            i = best[0] + 1


def personal_data(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """``text`` normalised (NFKC, invisible characters removed) and the spans of personal
    data in it, each with its placeholder (``[SĐT]``, ``[EMAIL]``, ``[CCCD]`` …)."""
    text = unicodedata.normalize("NFKC", text).translate(INVISIBLE)
    replacements: list[tuple[int, int, str]] = []
    protected = [m.span() for m in _PROTECTED.finditer(text)]

    def add(start: int, end: int, placeholder: str) -> None:
        if not _overlaps(start, end, [(s, e) for s, e, _ in replacements]):
            replacements.append((start, end, placeholder))

    for match in _EMAIL.finditer(text):
        add(*match.span(), "[EMAIL]")
    for start, end, placeholder in _numbers(text, protected):
        add(start, end, placeholder)
    return text, sorted(replacements)


def redact(text: str) -> str:
    """Return ``text`` with personal data replaced by typed placeholders.

    The text is first normalised (NFKC, invisible characters removed), so that full-width
    digits or zero-width spaces cannot smuggle a number past the patterns.
    """
    text, spans = personal_data(text)
    for start, end, placeholder in reversed(spans):
        text = text[:start] + placeholder + text[end:]
    return text


def contacts(text: str) -> list[str]:
    """The phone numbers and e-mail addresses in ``text``, as written (a citizen leaving a
    way to be reached); never logged or stored anywhere but the hand-off table."""
    normalised, spans = personal_data(text)
    return [normalised[s:e].strip() for s, e, kind in spans if kind in ("[SĐT]", "[EMAIL]")]
