"""Variants of one procedure told apart by the citizen's words.

Many national procedures differ from a sibling only by a qualifier in the name: "… lưu
động", "… tại khu vực biên giới", "… hợp tác xã", "… doanh nghiệp" beside "… hộ kinh
doanh", "… chi nhánh, văn phòng đại diện". A qualified variant is for a particular case,
so it fits a question only when the question says that case ("bà liệt giường", "bên kia
biên giới", "công ty"); otherwise its plainer sibling is likelier. Each variant below names
the folded marker of its names, the phrases that ask for it, and those that rule it out
("công ty" is not "hộ kinh doanh").

Phrases are folded words (no accents, abbreviations expanded), matched as whole words.
The table grows with the catalogue's naming patterns, not with single procedures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vntext import expand_abbreviations, fold

MISFIT = 0.8  # a qualified variant whose case the question does not tell

BUSINESS = ("cong ty", "doanh nghiep", "cty", "tnhh", "co phan", "giam doc")
HOUSEHOLD = (
    "ho kinh doanh", "ho ca the", "kinh doanh ca the", "cua hang", "tap hoa", "shop",
    "sap hang", "buon ban", "ban hang", "quan an", "quan nuoc", "quan cafe", "quan ca phe",
    "quan pho", "quan com", "quan bun", "mo quan", "kinh doanh",
)  # fmt: skip
# "kinh doanh" alone (the last) asks for the household procedure, the usual one for a
# family's trade, without ruling out a company's.


@dataclass(frozen=True)
class Variant:
    """Names holding ``marker`` are for the case that ``asks`` says, never for ``rules_out``."""

    marker: str
    asks: tuple[str, ...]
    rules_out: tuple[str, ...] = ()


LIE_ABED = (
    "luu dong", "liet", "om nang", "nam mot cho", "khong di duoc", "khong the di",
    "den tan nha", "xuong tan nha", "benh nang", "gia yeu", "bai liet",
)  # fmt: skip

VARIANTS: tuple[Variant, ...] = (
    Variant("luu dong", LIE_ABED),
    Variant("khu vuc bien gioi", ("bien gioi", "cua khau", "giap bien", "ben kia")),
    Variant("hop tac xa", ("hop tac xa", "htx")),
    Variant("doanh nghiep", BUSINESS, HOUSEHOLD[:-1]),
    Variant("chi nhanh", ("chi nhanh", "van phong dai dien", "dia diem kinh doanh", *BUSINESS)),
    Variant("ho kinh doanh", HOUSEHOLD, BUSINESS),
)

_WORD_RE = re.compile(r"\w+")


def folded_words(text: str) -> str:
    """``text`` as folded words with abbreviations expanded, padded with spaces."""
    return " " + " ".join(expand_abbreviations(_WORD_RE.findall(fold(text)))) + " "


def variants_of(name: str) -> tuple[int, ...]:
    """The indexes in :data:`VARIANTS` of the qualifiers ``name`` holds."""
    folded = folded_words(name)
    return tuple(i for i, v in enumerate(VARIANTS) if f" {v.marker} " in folded)


def misfits(text: str) -> tuple[int, ...]:
    """The indexes of the variants that the question ``text`` does not fit."""
    folded = folded_words(text)
    out = []
    for i, variant in enumerate(VARIANTS):
        asked = any(f" {p} " in folded for p in variant.asks)
        ruled_out = any(f" {p} " in folded for p in variant.rules_out)
        if ruled_out or not asked:
            out.append(i)
    return tuple(out)
