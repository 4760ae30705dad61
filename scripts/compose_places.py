"""Compose the NLU examples of ``inform_place`` (the citizen says where they live) and of
procedure questions that carry a place, from the province's own unit names.

Patterns are ours; the names are every current unit, old commune and old district of
Lạng Sơn (trolyao/places/data), with diacritics, without them, and with the type words
abbreviated (xã → x., phường → p., thị trấn → tt, huyện → h.). A place is recognised
by the gazetteer in the action server, not by the model: these examples only teach the
model that "tôi ở xã …" is an answer about a place, and that a procedure question stays
one when it names a place. Output: data/nlu/places.yml (committed).

    .venv/bin/python scripts/compose_places.py
"""

from __future__ import annotations

import random
from pathlib import Path

from trolyao.places.gazetteer import gazetteer
from vntext import fold

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "nlu" / "places.yml"

INFORM = [
    "tôi ở {u}",
    "nhà tôi ở {u}",
    "em ở {u} ạ",
    "mình ở {u}",
    "địa chỉ của tôi là {u}",
    "tôi sống ở {u}",
    "quê tôi ở {u}",
    "hộ khẩu thường trú ở {u}",
    "tôi thường trú tại {u}",
    "em đang ở {u}",
    "{u}",
    "{u} nhé",
    "ở {u} ạ",
    "tôi ở {u}, {d}",
    "nhà em {u} {d} cũ",
    "mình ở {u} thuộc {d}",
    "bác ở {u} bạn ạ",
    "tôi là người {u}",
    "chỗ tôi là {u}",
    "à tôi ở {u}",
    "giờ tôi chuyển về {u}",
    "em mới chuyển đến {u} ở",
    "tôi đã chuyển hộ khẩu về {u}",
    "nhầm, tôi ở {u} cơ",
]
ASK = {
    "ask_procedure_place": [
        "tôi ở {u} thì làm {p} ở đâu",
        "tôi ở {u} thì {p} ở đâu",
        "{p} ở {u} thì nộp ở đâu",
        "nhà ở {u} muốn {p} thì đến đâu",
        "em ở {u}, {p} nộp chỗ nào ạ",
        "mình ở {u} muốn {p} thì lên đâu",
        "{p} ra xã hay lên huyện",
        "{p} có phải lên huyện không",
        "làm {p} ở ubnd huyện hay xã",
        "ở {u} thì {p} nộp hồ sơ tại đâu",
    ],
    "ask_procedure_documents": [
        "tôi ở {u}, {p} cần giấy tờ gì",
        "{p} ở {u} cần những gì",
        "em ở {u} muốn {p} thì chuẩn bị hồ sơ gì",
        "nhà ở {u}, {p} mang theo giấy tờ gì",
    ],
    "ask_procedure_fee": [
        "tôi ở {u}, lệ phí {p} bao nhiêu",
        "ở {u} thì {p} mất bao nhiêu tiền",
    ],
    "ask_procedure_duration": [
        "tôi ở {u}, {p} mất bao lâu",
        "{p} ở {u} mấy ngày thì xong",
    ],
}
PROCEDURES = [
    "đăng ký khai sinh",
    "đăng ký khai tử",
    "đăng ký kết hôn",
    "chứng thực bản sao",
    "xác nhận tình trạng hôn nhân",
    "đăng ký thường trú",
    "cấp sổ đỏ",
    "đăng ký hộ kinh doanh",
]
TYPES = {
    "xa": ["xã", "x.", "xa"],
    "phuong": ["phường", "p.", "phuong"],
    "thi_tran": ["thị trấn", "tt", "tt."],
}
DISTRICT_TYPES = {"huyen": ["huyện", "h.", "huyen"], "thanh_pho": ["thành phố", "tp", "tp."]}


def _named(kind_words: list[str], name: str, rng: random.Random) -> str:
    word = rng.choice(kind_words)
    text = f"{word} {name}"
    return fold(text) if rng.random() < 0.35 else text


def main() -> None:
    rng = random.Random(20251)  # noqa: S311 (a fixed, reproducible composition)
    g = gazetteer()
    places = []
    for unit in g.units.values():
        places.append((_named(TYPES[unit.kind], unit.name, rng), ""))
    for old in rng.sample(sorted(g.old.values(), key=lambda o: o.code), 60):
        district = _named(DISTRICT_TYPES[old.district.kind], old.district.name, rng)
        places.append((_named(TYPES[old.kind], old.name, rng), district))
    rng.shuffle(places)
    inform = []
    for i, (unit, district) in enumerate(places):
        pattern = INFORM[i % len(INFORM)]
        if "{d}" in pattern and not district:
            pattern = "tôi ở {u}"
        inform.append(pattern.format(u=unit, d=district))
    lines = ['version: "3.1"', "nlu:", "- intent: inform_place", "  examples: |"]
    lines += [f"    - {t}" for t in dict.fromkeys(inform)]
    for intent, patterns in ASK.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        examples = []
        for i, pattern in enumerate(patterns * 4):
            unit, _ = places[(i * 7) % len(places)]
            text = pattern.format(u=unit, p=PROCEDURES[i % len(PROCEDURES)])
            examples.append(f"    - {fold(text) if i % 3 == 2 else text}")
        lines += list(dict.fromkeys(examples))
    OUT.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(inform)} inform_place examples")


if __name__ == "__main__":
    main()
