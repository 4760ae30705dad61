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
SEED = ROOT / "trolyao" / "data" / "procedures.json"
OUT = ROOT / "data" / "nlu" / "procedure_mentions.yml"

PATTERNS = {
    "ask_procedure_overview": [
        "cho hỏi thủ tục {p}",
        "tôi cần làm {p}",
        "{p} thì làm thế nào",
        "hướng dẫn {p}",
        "muốn {p} phải làm sao",
        "thủ tục {p} như nào ạ",
    ],
    "ask_procedure_documents": [
        "{p} cần giấy tờ gì",
        "hồ sơ {p} gồm những gì",
        "{p} phải mang theo gì",
        "chuẩn bị giấy tờ gì để {p}",
        "{p} cần những gì ạ",
        "giấy tờ {p}",
    ],
    "ask_procedure_fee": [
        "lệ phí {p} bao nhiêu",
        "{p} mất bao nhiêu tiền",
        "{p} có mất phí không",
        "phí {p} là bao nhiêu",
        "{p} hết bao nhiêu tiền ạ",
        "{p} tốn bao nhiêu",
    ],
    "ask_procedure_duration": [
        "{p} mất bao lâu",
        "{p} mấy ngày thì xong",
        "bao lâu thì {p} xong",
        "thời gian giải quyết {p}",
        "{p} bao lâu có kết quả",
        "{p} chờ mấy ngày",
    ],
    "ask_procedure_place": [
        "{p} ở đâu",
        "nộp hồ sơ {p} ở đâu",
        "cơ quan nào giải quyết {p}",
        "{p} thì đến đâu",
        "{p} nộp tại đâu ạ",
        "đi đâu để {p}",
    ],
    "ask_procedure_steps": [
        "các bước {p}",
        "trình tự {p}",
        "quy trình {p} thế nào",
        "{p} gồm những bước nào",
        "hướng dẫn từng bước {p}",
        "{p} làm theo các bước nào",
    ],
    "ask_procedure_online": [
        "{p} online được không",
        "{p} có nộp trực tuyến được không",
        "{p} làm trên mạng được không",
        "nộp {p} qua dịch vụ công",
        "link {p} trực tuyến",
        "{p} có làm online không ạ",
    ],
    "ask_procedure_requirements": [
        "điều kiện {p} là gì",
        "ai được {p}",
        "{p} cần điều kiện gì",
        "yêu cầu để {p}",
        "đối tượng nào được {p}",
        "{p} có điều kiện gì không",
    ],
}

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


def main() -> None:
    names = mentions()
    lines = ['version: "3.1"', "nlu:"]
    for i, (intent, patterns) in enumerate(PATTERNS.items()):
        lines += [f"- intent: {intent}", "  examples: |"]
        for j, name in enumerate(names):
            text = patterns[(i + j) % len(patterns)].format(p=name)
            form = (i + j) % 3
            if form == 1:
                text = fold(text)
            elif form == 2:
                text = abbreviate(text)
            text = re.sub(r"\s+", " ", text).strip()
            lines.append(f"    - {text}")
    OUT.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(PATTERNS)} intents × {len(names)} procedures")


if __name__ == "__main__":
    main()
