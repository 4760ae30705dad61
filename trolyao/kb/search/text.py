"""From a chat message to search terms: folding, abbreviations, question words, bigrams.

Vietnamese words are often two syllables ("hộ chiếu", "khai sinh"), so a text's terms
are its syllables and its adjacent syllable pairs (``ho_chieu``). Question words and
fillers ("cho hỏi", "thủ tục", "như thế nào", "bao nhiêu", "ạ") are not terms.
"""

from __future__ import annotations

import itertools
import re

from vntext import accent_signature, surface_tokens

# Folded phrases that ask *about* a procedure without naming it; longest first.
_STOP_PHRASES_TEXT = """
thu tuc hanh chinh; thu tuc; cach thuc; ho so; giay to; can chuan bi; chuan bi;
nhu the nao; the nao; ra sao; lam sao; lam the nao; lam gi; bao gio; khi nao; luc nao;
o dau; cho nao; noi nao; co quan nao; don vi nao; can gi; can nhung gi; gom nhung gi;
nhung gi; bao gom; gom; mat bao lau; mat bao nhieu; mat may ngay; mat tien; mat phi;
bao lau; bao nhieu ngay; may ngay; bao nhieu tien; bao nhieu; het bao nhieu;
le phi; chi phi; phi; tien; thoi gian; thoi han; xu ly; giai quyet; nop o dau; nop;
dieu kien; cac buoc; trinh tu; quy trinh; huong dan; truc tuyen; online; qua mang;
dich vu cong; nhu the; tai sao; duoc khong; co duoc; co the; o nha; tai nha; hien nay; hien tai;
thi sao; the thi sao; vay thi sao
"""
# Folded boilerplate of official texts, which says nothing about what a procedure is for:
# "Thủ tục …", "(thực hiện tại cấp tỉnh)", "theo quy định", "Không có thông tin".
_BOILERPLATE_TEXT = """
thu tuc hanh chinh; thu tuc; thuc hien tai cap tinh; thuc hien tai cap xa;
thuc hien tai cap huyen; thuc hien tai cap trung uong; thuc hien tai; theo quy dinh cua phap luat;
theo quy dinh tai; theo quy dinh; khong co thong tin
"""


def _phrases(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(
        sorted(
            (tuple(p.split()) for p in re.split(r"[;\n]", text) if p.strip()),
            key=len,
            reverse=True,
        )
    )


STOP_PHRASES: tuple[tuple[str, ...], ...] = _phrases(_STOP_PHRASES_TEXT)
BOILERPLATE: tuple[tuple[str, ...], ...] = _phrases(_BOILERPLATE_TEXT)

# Folded single tokens that never tell procedures apart. Folding merges words, so
# "can" (căn cước / cần), "ban" (bản sao / bán / bạn), "dang" (đăng ký / đang), "cua" (cửa /
# của), "thi" (đi thi / thì), "do" (sổ đỏ), "tu" (tư pháp), "di" (di chúc), "ngoai" (nước
# ngoài) and "nha" (nhà ở) are not here; AMBIGUOUS below keeps the first five only where
# they are the content word.
STOPWORDS: frozenset[str] = frozenset(
    """
    a ah ak oi nhe nhi vay day la va hay hoac cho toi minh em anh chi ad admin bot
    co khong duoc phai muon se da roi hoi xin vui long giup voi nao gi o nhieu lau may ngay
    tien lam den ve ra vao nay kia nhung cac mot it rat qua nua cung biet nguoi
    """.split()
)


class Ambiguous:
    """A folded word that is a content word in some spellings and a filler in others.

    It is content when typed with the accents of a content word (``bán``, ``cửa``), or,
    typed without diacritics, when a neighbour shows it ("nghỉ ban", "ban sao", "dong cua").
    ``plain`` means the content word has no diacritics ("thi"): in a message typed with
    accents elsewhere, a bare "thi" is then that word and not "thì".
    """

    def __init__(
        self, content: str, after: str = "", before: str = "", *, plain: bool = False
    ) -> None:
        self.content = frozenset(accent_signature(w) for w in content.split())
        self.after = frozenset(after.split())
        self.before = frozenset(before.split())
        self.plain = plain

    def is_content(
        self, accents: str | None, previous: str | None, following: str | None, accented: bool
    ) -> bool:
        if accents is not None:
            return accents in self.content
        if self.plain and accented:
            return True
        return (previous in self.after) or (following in self.before)


AMBIGUOUS: dict[str, Ambiguous] = {
    "can": Ambiguous("căn", before="cuoc"),
    "ban": Ambiguous("bán bản", after="nghi mua buon", before="sao chinh hang le"),
    "dang": Ambiguous("đăng", before="ky"),
    "cua": Ambiguous("cửa", after="dong mo", before="hang"),
    "thi": Ambiguous("", after="di du", before="bang lai sat", plain=True),
}
# Common chat words that are not typos of knowledge-base words.
NOT_TYPOS: frozenset[str] = STOPWORDS | frozenset(
    """
    nguoi thoi gian xong chua tuan thang nam sang chieu toi hom qua mai nhanh cham muon biet
    hoi giup cam on chao tam biet dung sai vang
    """.split()
)


Token = tuple[str, "str | None"]
"""A folded word and its accent signature (``None`` when typed without diacritics)."""


def _drop_stop_phrases(
    tokens: list[Token], phrases: tuple[tuple[str, ...], ...] = STOP_PHRASES
) -> list[Token | None]:
    """Replace ``phrases`` by ``None`` markers, which also break bigrams."""
    folded = [t[0] for t in tokens]
    out: list[Token | None] = list(tokens)
    i = 0
    while i < len(tokens):
        for phrase in phrases:
            n = len(phrase)
            if tuple(folded[i : i + n]) == phrase:
                out[i : i + n] = [None] * n
                i += n
                break
        else:
            i += 1
    return out


_PLACEHOLDER_RE = re.compile(r"\[(?:CCCD|CMND|SĐT|EMAIL|STK)\]")


def content_tokens(text: str, *, query: bool) -> list[Token | None]:
    """Return the tokens of ``text`` with ``None`` where a stop word or phrase was.

    Stop phrases are removed from queries, boilerplate from the knowledge base's texts,
    stop words from both. Redaction placeholders ([SĐT], [CCCD] ...) are not words of the
    question.
    """
    tokens = surface_tokens(_PLACEHOLDER_RE.sub(" ", text) if query else text)
    accented = any(accents is not None for _, accents in tokens)
    marked = _drop_stop_phrases(tokens, STOP_PHRASES if query else BOILERPLATE)
    out: list[Token | None] = []
    for i, token in enumerate(marked):
        if token is None or token[0] in STOPWORDS:
            out.append(None)
            continue
        ambiguous = AMBIGUOUS.get(token[0])
        if ambiguous is not None:
            previous = marked[i - 1] if i else None
            following = marked[i + 1] if i + 1 < len(marked) else None
            if not ambiguous.is_content(
                token[1],
                previous[0] if previous else None,
                following[0] if following else None,
                accented,
            ):
                out.append(None)
                continue
        out.append(token)
    return out


def terms_of(words: list[str | None]) -> list[str]:
    """Return the unigram and adjacent-bigram terms of ``words`` (``None`` breaks pairs)."""
    unigrams = [w for w in words if w]
    bigrams = [f"{a}_{b}" for a, b in itertools.pairwise(words) if a and b]
    return unigrams + bigrams
