"""Compose NLU examples that pair each question type with every catalog procedure.

The hand-written examples in data/nlu/procedures.yml teach how citizens ask; these
compositions make sure every procedure of the knowledge base is named under every
procedure intent, with diacritics, without them, and with abbreviations. Output:
data/nlu/procedure_mentions.yml (committed; re-run after changing the seed file).

    .venv/bin/python scripts/compose_nlu.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from vntext import fold

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "trolyao" / "kb" / "data" / "procedures.json"
OUT = ROOT / "data" / "nlu" / "procedure_mentions.yml"

PATTERNS = {
    "ask_procedure_overview": [
        "cho hỏi thủ tục {p}",
        "tôi cần làm {p}",
        "{p} thì làm thế nào",
        "hướng dẫn {p}",
        "muốn {p} phải làm sao",
        "thủ tục {p} như nào ạ",
        "tôi muốn biết về {p}",
        "chỉ giúp tôi cách {p}",
        "{p} thì làm sao ạ",
        "tìm hiểu thủ tục {p}",
    ],
    "ask_procedure_documents": [
        "{p} cần giấy tờ gì",
        "hồ sơ {p} gồm những gì",
        "{p} phải mang theo gì",
        "chuẩn bị giấy tờ gì để {p}",
        "{p} cần những gì ạ",
        "giấy tờ {p}",
        "{p} cần hồ sơ gì",
        "làm {p} thì phải chuẩn bị hồ sơ như thế nào",
        "đi {p} cần mang những giấy gì",
        "{p} thì hồ sơ cần những loại nào",
    ],
    "ask_procedure_fee": [
        "lệ phí {p} bao nhiêu",
        "{p} mất bao nhiêu tiền",
        "{p} có mất phí không",
        "phí {p} là bao nhiêu",
        "{p} hết bao nhiêu tiền ạ",
        "{p} tốn bao nhiêu",
        "{p} phải nộp bao nhiêu tiền",
        "làm {p} có phải đóng tiền không",
        "{p} hết mấy trăm",
        "mức thu {p} là bao nhiêu",
    ],
    "ask_procedure_duration": [
        "{p} mất bao lâu",
        "{p} mấy ngày thì xong",
        "bao lâu thì {p} xong",
        "thời gian giải quyết {p}",
        "{p} bao lâu có kết quả",
        "{p} chờ mấy ngày",
        "nộp {p} rồi bao giờ có",
        "{p} làm mấy hôm thì lấy được",
        "{p} có lâu không",
        "{p} khoảng bao nhiêu ngày",
    ],
    "ask_procedure_place": [
        "{p} ở đâu",
        "nộp hồ sơ {p} ở đâu",
        "cơ quan nào giải quyết {p}",
        "{p} thì đến đâu",
        "{p} nộp tại đâu ạ",
        "đi đâu để {p}",
        "{p} thì đến chỗ nào",
        "làm {p} ở chỗ nào",
        "{p} nộp ở xã hay ở tỉnh",
        "muốn {p} thì ra cơ quan nào",
    ],
    "ask_procedure_steps": [
        "các bước {p}",
        "trình tự {p}",
        "quy trình {p} thế nào",
        "{p} gồm những bước nào",
        "hướng dẫn từng bước {p}",
        "{p} làm theo các bước nào",
        "{p} làm từng bước ra sao",
        "{p} thì bắt đầu từ bước nào",
        "thứ tự các bước {p}",
        "làm {p} trải qua những bước gì",
    ],
    "ask_procedure_online": [
        "{p} online được không",
        "{p} có nộp trực tuyến được không",
        "{p} làm trên mạng được không",
        "nộp {p} qua dịch vụ công",
        "link {p} trực tuyến",
        "{p} có làm online không ạ",
        "{p} nộp qua mạng được không",
        "có nộp {p} trên vneid được không",
        "{p} có cần lên tận nơi không hay làm trên mạng",
        "{p} làm tại nhà qua điện thoại được chứ",
    ],
    "ask_procedure_requirements": [
        "điều kiện {p} là gì",
        "ai được {p}",
        "{p} cần điều kiện gì",
        "yêu cầu để {p}",
        "đối tượng nào được {p}",
        "{p} có điều kiện gì không",
        "{p} thì ai được làm",
        "trường hợp của tôi có được {p} không",
        "bao nhiêu tuổi thì được {p}",
        "người ngoại tỉnh có được {p} không",
    ],
}

# A second, looser way to ask each thing, as people write in chat: a subject or a short
# situation in front, the question at the end, everyday words for the attribute.
COLLOQUIAL = {
    "ask_procedure_overview": [
        "nhà tôi cần {p}, hướng dẫn giúp với",
        "mình chưa biết gì về {p} cả",
        "tư vấn giúp em vụ {p} với ạ",
        "bác ơi {p} thì bắt đầu thế nào",
    ],
    "ask_procedure_documents": [
        "{p} thì chuẩn bị hồ sơ ra sao",
        "muốn {p} phải mang những loại giấy nào",
        "{p} cần photo những gì mang theo",
        "hồ sơ để {p} có những gì vậy",
    ],
    "ask_procedure_fee": [
        "{p} có tốn đồng nào không",
        "{p} phí có đắt không ạ",
        "{p} có được miễn phí không",
        "đi {p} thì chuẩn bị bao nhiêu tiền",
    ],
    "ask_procedure_duration": [
        "{p} bao giờ thì lấy được",
        "{p} có phải đợi lâu không",
        "nộp {p} xong thì hẹn mấy hôm",
        "{p} tuần này nộp thì khi nào xong",
    ],
    "ask_procedure_place": [
        "{p} thì ra chỗ nào làm",
        "muốn {p} thì tới đâu hả bạn",
        "{p} làm ở xã hay phải lên tỉnh",
        "{p} ở Lạng Sơn thì nộp chỗ nào",
    ],
    "ask_procedure_steps": [
        "{p} thì làm lần lượt thế nào",
        "{p} bước đầu tiên là gì",
        "trình tự {p} từ đầu đến cuối ra sao",
        "{p} xong bước nộp thì làm gì tiếp",
    ],
    "ask_procedure_online": [
        "{p} làm qua mạng được không hay phải đến tận nơi",
        "{p} có làm trên điện thoại được không",
        "ở xa thì {p} nộp qua mạng được chứ",
        "{p} trên cổng dịch vụ công có được không",
    ],
    "ask_procedure_requirements": [
        "người như thế nào thì được {p}",
        "chưa đủ tuổi có {p} được không",
        "{p} thì phải đáp ứng những gì",
        "trường hợp nào thì không được {p}",
    ],
}

# Measured (docs/nlu.md): these add nothing on the citizen set (0.941 -> 0.938), so they
# stay out of the training data; kept here for the comparison.
WITH_COLLOQUIAL = False

ABBREVIATE = [
    ("căn cước công dân", "cccd"),
    ("giấy phép lái xe", "gplx"),
    ("lý lịch tư pháp", "lltp"),
    ("hộ kinh doanh", "hkd"),
    ("hộ khẩu", "hk"),
    ("bảo hiểm y tế", "bhyt"),
    ("đăng ký", "đk"),
    ("không", "ko"),
    ("bao nhiêu", "bn"),
    ("được", "đc"),
    ("những gì", "những j"),
    ("giấy tờ gì", "giấy tờ j"),
    ("thủ tục", "tt"),
]


def abbreviate(text: str) -> str:
    """Write ``text`` the way citizens type it in a hurry."""
    for long, short in ABBREVIATE:
        text = text.replace(long, short)
    return text


def mentions() -> list[str]:
    """One colloquial mention per procedure: its first alias, else its name, lower-cased."""
    records = json.loads(SEED.read_text("utf-8"))
    out = []
    for record in records:
        aliases = record.get("ten_goi_khac") or []
        text = aliases[0] if aliases else record["ten_thu_tuc"]
        out.append(text[0].lower() + text[1:])
    return out


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def evaluation_lines() -> list[set[str]]:
    """The evaluation files' messages, only to leave out any composition that happens to
    come close to one of them (tests/test_evaluation_data.py checks the same)."""
    out = []
    for name in ("nlu_citizen_dev.jsonl", "nlu_heldout.jsonl"):
        path = ROOT / "tests" / "data" / name
        out += [_words(json.loads(line)["text"]) for line in path.read_text("utf-8").splitlines()]
    return out


def too_close(text: str, lines: list[set[str]]) -> bool:
    own = _words(text)
    return any(len(own & line) / len(own | line) >= 0.5 for line in lines if own)


def _form(text: str, form: int) -> str:
    if form == 1:
        text = fold(text)
    elif form == 2:
        text = abbreviate(text)
    return re.sub(r"\s+", " ", text).strip()


def main() -> None:
    names = mentions()
    avoid = evaluation_lines()
    lines = ['version: "3.1"', "nlu:"]
    left_out = 0
    for i, (intent, patterns) in enumerate(PATTERNS.items()):
        lines += [f"- intent: {intent}", "  examples: |"]
        loose = COLLOQUIAL[intent]
        for j, name in enumerate(names):
            texts = [_form(patterns[(i + j) % len(patterns)].format(p=name), (i + j) % 3)]
            if WITH_COLLOQUIAL:
                texts.append(_form(loose[(i + 2 * j) % len(loose)].format(p=name), (i + j + 1) % 3))
            for text in texts:
                if too_close(text, avoid):
                    left_out += 1
                    continue
                lines.append(f"    - {text}")
    OUT.write_text("\n".join(lines) + "\n", "utf-8")
    print(
        f"wrote {OUT.relative_to(ROOT)}: {len(PATTERNS)} intents × {len(names)} procedures "
        f"({left_out} left out as too close to an evaluation line)"
    )


if __name__ == "__main__":
    main()
