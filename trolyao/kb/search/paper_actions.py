"""What the citizen wants done with a paper, and what each procedure does with one.

Procedures of one family share their nouns ("giấy phép lái xe", "hộ kinh doanh", "khai
sinh") and differ by their verb: a first issue, a re-issue, an exchange, a change, a
suspension, an end, a copy, an extension. Citizens rarely say the verb of the official name;
they say what happened ("đánh rơi", "hết hạn", "mờ hết chữ", "nghỉ bán 2 tháng rồi mở lại",
"nghỉ luôn không mở nữa", "đi thi lần đầu").

- :func:`action_of_name` reads a procedure's action from its official name (so it works for
  any knowledge base, the national portal's 2,600 records included);
- :func:`wanted_actions` reads the actions a message asks for, from phrases of everyday
  speech (folded, so with or without accents).

The index then favours, within the candidates, the procedures whose action the citizen asked
for (a soft factor on the score, not a rule). A message with no such phrase changes nothing.
"""

from __future__ import annotations

import itertools
import re

from vntext import accent_signature, fold, surface_tokens

FIRST = "first"  # a first issue or registration: also every name without another action
REISSUE = "reissue"  # cấp lại; a lost paper reported
REREGISTER = "reregister"  # đăng ký lại (the register itself is lost)
COPY = "copy"  # bản sao, trích lục
EXCHANGE = "exchange"  # đổi, cấp đổi
CHANGE = "change"  # thay đổi, cải chính, bổ sung, điều chỉnh
SUSPEND = "suspend"  # tạm ngừng
TERMINATE = "terminate"  # chấm dứt, xóa đăng ký, giải thể
EXTEND = "extend"  # gia hạn

# Official names -> action; the first pattern that matches (folded names) wins.
_NAME_ACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), action)
    for pattern, action in (
        (r"\bdang ky lai\b", REREGISTER),
        (r"\bcap lai\b|\btrinh bao mat\b|\bbao mat\b", REISSUE),
        (r"\bcap doi\b|^doi\b", EXCHANGE),
        (r"\bthay doi\b|\bcai chinh\b|\bdieu chinh\b|\bbo sung\b", CHANGE),
        (r"\btam ngung\b|\btam dung\b", SUSPEND),
        (r"\bcham dut\b|\bxoa dang ky\b|\bgiai the\b", TERMINATE),
        (r"\bban sao\b|\btrich luc\b", COPY),
        (r"\bgia han\b", EXTEND),
    )
)

# Phrases of everyday speech (folded word pairs) -> the actions they ask for.
_LOST = frozenset({REISSUE, REREGISTER, COPY})
_PAIRS: dict[tuple[str, str], frozenset[str]] = {
    **dict.fromkeys(
        [
            ("danh", "roi"),
            ("lam", "roi"),
            ("bi", "roi"),
            ("roi", "mat"),
            ("that", "lac"),
            ("bi", "mat"),
            ("lam", "mat"),
            ("danh", "mat"),
            ("bi", "trom"),
            ("bi", "chay"),
            ("chay", "mat"),
            ("chay", "het"),
            ("lam", "lai"),
            ("xin", "lai"),
            ("cap", "lai"),
        ],
        _LOST,
    ),
    # damaged: re-issued or exchanged, depending on the paper
    **dict.fromkeys(
        [
            ("bi", "hong"),
            ("bi", "rach"),
            ("rach", "nat"),
            ("bi", "mo"),
            ("mo", "het"),
            ("cai", "khac"),
            ("ban", "moi"),
        ],
        frozenset({REISSUE, EXCHANGE}),
    ),
    **dict.fromkeys(
        [("lan", "dau"), ("di", "thi"), ("hoc", "lai"), ("thi", "bang"), ("chua", "tung")],
        frozenset({FIRST}),
    ),
    **dict.fromkeys([("het", "han"), ("qua", "han")], frozenset({EXCHANGE, EXTEND, FIRST})),
    ("gia", "han"): frozenset({EXTEND}),
    **dict.fromkeys(
        [
            ("thay", "doi"),
            ("cai", "chinh"),
            ("bo", "sung"),
            ("ghi", "sai"),
            ("bi", "sai"),
            ("viet", "sai"),
            ("sai", "ten"),
            ("ghi", "them"),
            ("doi", "ten"),
            ("doi", "dia"),
            ("doi", "chu"),
            ("chuyen", "dia"),
            ("dia", "diem"),
            ("ban", "them"),
            ("them", "nganh"),
            ("mo", "rong"),
        ],
        frozenset({CHANGE}),
    ),
    **dict.fromkeys(
        [
            ("tam", "ngung"),
            ("tam", "nghi"),
            ("tam", "dung"),
            ("tam", "dong"),
            ("nghi", "tam"),
            ("dong", "tam"),
            ("ngung", "tam"),
            ("mo", "lai"),
        ],
        frozenset({SUSPEND}),
    ),
    **dict.fromkeys(
        [
            ("cham", "dut"),
            ("nghi", "han"),
            ("nghi", "luon"),
            ("giai", "the"),
            ("dong", "han"),
            ("dep", "luon"),
            ("xoa", "ten"),
            ("bo", "ten"),
            ("cat", "khau"),
        ],
        frozenset({TERMINATE}),
    ),
    **dict.fromkeys([("ban", "sao"), ("trich", "luc")], frozenset({COPY})),
}
_DOI = accent_signature("đổi")
_NEGATIONS = frozenset("khong chua chang cha dung".split())
# What follows "mất" when a paper was lost (not a person who died).
PAPERS = frozenset(
    "giay can the bang ban so ho chieu passport vi cccd cmnd gplx cmt bien hop".split()
)


def action_of_name(name: str) -> str:
    """The action of a procedure, read from its official name (:data:`FIRST` by default)."""
    folded = fold(name)
    for pattern, action in _NAME_ACTIONS:
        if pattern.search(folded):
            return action
    return FIRST


def wanted_actions(text: str) -> frozenset[str]:
    """The actions a citizen's message asks for; empty when it says none."""
    tokens = surface_tokens(text)
    folded = [t[0] for t in tokens]
    wanted: set[str] = set()
    for i, pair in enumerate(itertools.pairwise(folded)):
        # "không mở lại nữa", "chưa đổi tên": a negated phrase asks for nothing
        if i and folded[i - 1] in _NEGATIONS:
            continue
        wanted |= _PAIRS.get(pair, frozenset())
    for i, word in enumerate(folded):
        if word == "mat" and i + 1 < len(folded) and folded[i + 1] in PAPERS:
            wanted |= _LOST
        # "đổi" alone is an exchange; "thay đổi", "đổi tên/địa chỉ" a change (above)
        # typed with other accents, "doi" is another word ("qua đời", "đợi", "đôi")
        if word == "doi" and tokens[i][1] not in (None, _DOI):
            continue
        if word == "doi" and (i == 0 or folded[i - 1] != "thay"):
            nxt = folded[i + 1] if i + 1 < len(folded) else ""
            if nxt not in ("ten", "dia", "chu"):
                wanted.add(EXCHANGE)
    return frozenset(wanted)
