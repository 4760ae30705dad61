"""What a question asks about a procedure, read from its question words.

Citizens tell a story and ask at the end: "…con tàu nhà tôi bị đắm, giờ xin cấp lại giấy
đăng ký thì mất mấy ngày?". The intent model reads the whole message and can take the story
for the question ("…thì công an xã giải quyết trong mấy ngày" read as the place). The
question words are plainer: this module finds them in the **last clause that has any**, so
that a word of the story ("lệ phí đã nộp rồi, bao giờ có kết quả?") does not decide.

- :func:`asked_attributes` returns the attributes asked, in the order the actions answer
  them: one, or two when a message asks two things ("mất bao lâu và bao nhiêu tiền").
- ``deadline`` is a question about a time limit the citizen must keep ("mất hộ chiếu phải
  báo trong bao lâu"), answered from the conditions, not from the processing time.
- ``forms`` is a question about a form ("mẫu nào", "tờ khai là mẫu số mấy"): the documents,
  with their form codes.

Phrases are matched on folded, abbreviation-expanded tokens (``vntext``), so "bn ngày",
"bao nhieu ngay" and "bao nhiêu ngày" are one question. Stdlib and ``vntext`` only.
"""

from __future__ import annotations

import re

from vntext import normalize_tokens

#: The attributes a question may ask, with the phrases that ask them (folded tokens).
CUES: dict[str, tuple[str, ...]] = {
    "deadline": (
        "phai bao trong bao lau",
        "phai trong bao lau",
        "trong bao lau phai",
        "phai khai bao trong",
        "phai dang ky trong bao lau",
        "phai lam trong bao lau",
        "han chot",
        "cham nhat la",
        "cham nhat bao lau",
        "qua han",
        "trong thoi han bao lau",
    ),
    "duration": (
        "bao lau",
        "may ngay",
        "bao nhieu ngay",
        "mat may hom",
        "trong may hom",
        "bao nhieu hom",
        "may tuan",
        "bao nhieu tuan",
        "may thang",
        "thoi gian giai quyet",
        "thoi han giai quyet",
        "thoi gian xu ly",
        "khi nao co ket qua",
        "bao gio co ket qua",
        "bao gio co",
        "bao gio xong",
        "khi nao xong",
        "khi nao nhan",
        "bao gio nhan",
        "ngay lam viec",
        "lau khong",
        "nhanh khong",
    ),
    "fee": (
        "bao nhieu tien",
        "het bao nhieu",
        "mat bao nhieu",
        "ton bao nhieu",
        "bao nhieu dong",
        "le phi",
        "phi",
        "mat le phi",
        "mat phi",
        "thu phi",
        "nop phi",
        "dong phi",
        "co phi",
        "mat tien",
        "ton tien",
        "mien phi",
        "tien le phi",
        "gia bao nhieu",
        "nop bao nhieu",
        "dong bao nhieu",
    ),
    "forms": (
        "mau nao",
        "mau so may",
        "mau so",
        "mau gi",
        "to khai",
        "mau don",
        "theo mau",
        "don mau",
        "bieu mau",
    ),
    "documents": (
        "giay to gi",
        "giay to nao",
        "giay gi",
        "ho so gom",
        "ho so can",
        "ho so co",
        "can nhung gi",
        "can gi",
        "can nhung giay",
        "mang theo",
        "chuan bi gi",
        "chuan bi nhung",
        "nop kem",
        "kem theo",
        "bao nhieu anh",
        "anh co",
        "anh the",
        "ban sao",
        "ban chinh",
        "nhung giay",
        "thanh phan ho so",
    ),
    "place": (
        "o dau",
        "cho nao",
        "noi nao",
        "co quan nao",
        "den dau",
        "len dau",
        "ra dau",
        "nop tai dau",
        "ai giai quyet",
        "ai cap",
        "don vi nao",
        "phong nao",
    ),
    "online": (
        "truc tuyen",
        "online",
        "qua mang",
        "tren mang",
        "dich vu cong",
        "khong can den",
        "khong phai den",
        "nop qua",
    ),
    "steps": (
        "cac buoc",
        "trinh tu",
        "quy trinh",
        "lam the nao",
        "lam nhu the nao",
        "lam sao",
        "the nao de",
        "ra sao",
        "bat dau tu dau",
    ),
    "requirements": (
        "dieu kien",
        "co duoc khong",
        "duoc khong",
        "duoc lam khong",
        "co duoc lam",
        "duoc phep",
        "co du dieu kien",
        "ai duoc",
        "can dap ung",
    ),
}
#: Phrases that look like a cue but are not one here ("phi" in "chi phi" is still a fee;
#: "tien" in "tien hanh", "thuan tien" is not).
NOT_CUES = (
    "tien hanh",
    "thuan tien",
    "tien do",
    "phia",
    "truoc tien",
    "tien len",
    # "mấy ngày nay", "mấy hôm trước": when, not how long
    "may ngay nay",
    "may ngay truoc",
    "may ngay qua",
    "may hom nay",
    "may tuan nay",
    "may thang nay",
    "may thang truoc",
    "may tuan truoc",
)
#: Topic words rather than questions: they ask only where no question phrase does, and they
#: are often part of a procedure's name ("chứng thực bản sao", "tờ khai thuế", "lệ phí
#: trước bạ"). Among them, the attribute first in :data:`ORDER` wins.
WEAK = frozenset(
    {
        "le phi",
        "phi",
        "mien phi",
        "ban sao",
        "ban chinh",
        "to khai",
        "mau so",
        "mau don",
        "theo mau",
        "bieu mau",
        "truc tuyen",
        "online",
        "qua mang",
        "tren mang",
        "nop qua",
        "dich vu cong",
        "dieu kien",
        "thanh phan ho so",
        "ho so co",
        "kem theo",
        "duoc khong",
        "co duoc khong",
        "ngay lam viec",
    }
)
#: Where a clause ends: punctuation, or a "thì"/"mà" that turns the story into the question.
_CLAUSE = re.compile(r"[,.;:!?\n]+|\s(?:thì|thi|mà|vậy|vay)\s", re.IGNORECASE)
#: Answer order when two are asked.
ORDER = (
    "deadline",
    "fee",
    "duration",
    "documents",
    "forms",
    "place",
    "online",
    "steps",
    "requirements",
)
_JOINED = ("va", "voi", "cung", "con", "hay")


def _positions(tokens: list[str]) -> list[tuple[int, str, bool]]:
    """(position, attribute, weak) of every cue in ``tokens``, longest phrases first so that
    "mien phi" is a fee once, not twice."""
    text = " " + " ".join(tokens) + " "
    for phrase in NOT_CUES:
        text = text.replace(f" {phrase} ", " " + "_" * len(phrase) + " ")
    found: list[tuple[int, str, bool]] = []
    taken: list[range] = []
    cues = sorted(
        ((phrase, name) for name, phrases in CUES.items() for phrase in phrases),
        key=lambda item: -len(item[0]),
    )
    for phrase, name in cues:
        for match in re.finditer(rf"(?<= ){re.escape(phrase)}(?= )", text):
            span = range(match.start(), match.end())
            if any(span.start < t.stop and t.start < span.stop for t in taken):
                continue
            taken.append(span)
            found.append((match.start(), name, phrase in WEAK))
    return sorted(found)


def asked_attributes(text: str) -> list[str]:
    """The attributes ``text`` asks, from the last clause with question words; [] if none.

    One attribute normally; two when the clause joins two questions ("mất bao lâu và bao
    nhiêu tiền"). ``forms`` and ``deadline`` are finer than the intents (see above).
    """
    clauses = [c for c in _CLAUSE.split(text or "") if c and c.strip()]
    for clause in reversed(clauses):
        tokens = normalize_tokens(clause)
        found = _positions(tokens)
        if not found:
            continue
        strong = [name for _, name, weak in found if not weak]
        if not strong:  # topic words only: the first attribute in ORDER
            return [min((name for _, name, _ in found), key=ORDER.index)]
        names = strong
        last = names[-1]
        if "deadline" in names:
            return ["deadline"]
        joined = any(word in tokens for word in _JOINED) and len(set(names)) > 1
        if joined:
            both = sorted(set(names[-2:]) | {last}, key=ORDER.index)
            return both[:2]
        # "mẫu đơn" is a form even where a document word is nearer the end
        if "forms" in names and last == "documents":
            return ["forms"]
        return [last]
    return []
