"""The distinctions citizens care about, read from how they tell their situation.

A citizen rarely names the procedure; they say what happened. Two distinctions decide
between procedures whose names otherwise look alike:

- **re-issue** ("cấp lại", "đăng ký lại") rather than a first issue: the paper was lost,
  dropped, burnt, torn, stolen, or is to be made again ("đánh rơi", "thất lạc", "bị cháy",
  "rách nát", "làm lại", "mất căn cước"). "Mất" alone also means "died" ("bố tôi mất"), so
  it counts only when a paper follows it or "bị" / "làm" / "đánh" comes before it (the
  phrases are those of :mod:`trolyao.kb.search.paper_actions`, read once for both);
- **a foreign element** ("có yếu tố nước ngoài"): a foreign country or nationality is
  named ("người Hàn", "chồng Đài Loan", "Việt kiều"). Short country names that are also
  Vietnamese words ("Hàn" / "hạn", "Lào" / "lao động", "Nhật" / "nhất") count only after a
  person or a move ("người", "chồng", "vợ", "sang", "qua") or when typed with their accents.

Each cue adds the terms that such procedures' names hold (``cap_lai``, ``nuoc_ngoai``), so
the ranking, not a rule, decides; a knowledge base without such names is unaffected.
"""

from __future__ import annotations

import itertools

from trolyao.kb.search.paper_actions import REISSUE, wanted_actions
from vntext import accent_signature, fold, surface_tokens

REISSUE_TERMS = ("lai", "cap_lai")
FOREIGN_TERMS = ("nuoc", "ngoai", "nuoc_ngoai")

_COUNTRIES = {
    ("han", "quoc"),
    ("trung", "quoc"),
    ("dai", "loan"),
    ("nhat", "ban"),
    ("thai", "lan"),
    ("an", "do"),
    ("nuoc", "ngoai"),
    ("ngoai", "quoc"),
    ("viet", "kieu"),
    ("quoc", "tich"),
    ("hoa", "ky"),
    ("nam", "phi"),
}
_COUNTRY_WORDS = frozenset(
    "campuchia singapore malaysia indonesia philippines canada australia".split()
)
# Single syllables that name a country only in context: folded -> the accents of the name.
_SHORT_COUNTRIES = {
    fold(name): accent_signature(name)
    for name in ("Hàn", "Nhật", "Mỹ", "Lào", "Đức", "Úc", "Pháp", "Nga", "Tây")
}
_BEFORE_COUNTRY = frozenset("nguoi ng chong vo ck vk sang qua di dan quoc".split())
# Everyday compounds holding such a syllable with the same accents: "hợp pháp", "tư pháp"
# (lý lịch tư pháp), "chủ nhật", "cập nhật", "phía tây", "đạo đức", "thẩm mỹ".
_NOT_COUNTRY: frozenset[tuple[str, ...]] = frozenset(
    tuple(phrase.split())
    for phrase in """
    hop phap; tu phap; phap luat; luat phap; phuong phap; bien phap; hien phap; phap ly;
    phap nhan; thu phap; chu nhat; cap nhat; sinh nhat; nhat ky; phia tay; mien tay;
    tay bac; tay nguyen; huong tay; dao duc; duc tin; tham my; my pham; my thuat; my nghe
    """.split(";")
    if phrase.strip()
)


def _accents_match(accents: str | None, wanted: str | None) -> bool:
    return accents is not None and wanted is not None and accents == wanted


def cue_terms(text: str) -> tuple[str, ...]:
    """The extra terms the message's cues call for (re-issue, foreign element)."""
    tokens = surface_tokens(text)
    folded = [t[0] for t in tokens]
    found: list[str] = []
    pairs = set(itertools.pairwise(folded))
    if REISSUE in wanted_actions(text):  # lost, dropped, burnt, torn … (search/paper_actions.py)
        found.extend(REISSUE_TERMS)
    foreign = bool(pairs & _COUNTRIES) or bool(_COUNTRY_WORDS.intersection(folded))
    if not foreign:
        for i, (word, accents) in enumerate(tokens):
            if word not in _SHORT_COUNTRIES:
                continue
            wanted = _SHORT_COUNTRIES[word]
            before = folded[i - 1] if i else ""
            after = folded[i + 1] if i + 1 < len(folded) else ""
            if (before, word) in _NOT_COUNTRY or (word, after) in _NOT_COUNTRY:
                continue
            if before in _BEFORE_COUNTRY or _accents_match(accents, wanted):
                foreign = True
                break
    if foreign:
        found.extend(FOREIGN_TERMS)
    return tuple(found)
