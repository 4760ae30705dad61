"""The evaluation files written outside the team stay evaluation data: no training example,
situation or alias is one of their lines or a close variant of one.

A close variant is measured on folded words (accents off, abbreviations expanded): word
overlap (Jaccard) of 0.7 or more with an evaluation line; for the files written after those
sets arrived (``citizen_voice_*.yml``, the situations and aliases), also 0.6 or more, or 0.5
with 85% of the example's own words taken from the line; a situation or alias may not share
a run of seven words with a query (outside the official names' wording), nor overlap one by
0.6. Examples of fewer than five words (canonical questions
such as "lệ phí làm hộ chiếu", greetings) may resemble an evaluation line; a story may not."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from vntext import expand_abbreviations, fold

ROOT = Path(__file__).resolve().parent.parent
NLU_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml"))
LATER = "citizen_voice_"


def words(text: str) -> list[str]:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # entity annotations
    return re.findall(r"\w+", " ".join(expand_abbreviations(fold(text).split())))


def typed(text: str) -> int:
    """How many words were typed (before abbreviations are expanded)."""
    return len(re.findall(r"\w+", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)))


def evaluation_lines(name: str, key: str) -> list[set[str]]:
    path = ROOT / "tests" / "data" / name
    return [set(words(json.loads(line)[key])) for line in path.read_text("utf-8").splitlines()]


def examples() -> list[tuple[str, str]]:
    out = []
    for path in NLU_FILES:
        for item in yaml.safe_load(path.read_text("utf-8")).get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    out.append((path.name, line.strip()[2:]))
    return out


def closest(example: set[str], lines: list[set[str]], strict: bool) -> tuple[float, float]:
    """The worst (Jaccard, share of the example's words) over ``lines`` that breaks the
    rule, or (0, 0)."""
    for line in lines:
        shared = len(example & line)
        jaccard = shared / len(example | line)
        share = shared / len(example)
        if jaccard >= 0.7:
            return jaccard, share
        if strict and (jaccard >= 0.6 or (jaccard >= 0.5 and share >= 0.85 and len(example) >= 5)):
            return jaccard, share
    return 0.0, 0.0


def test_no_training_example_is_a_citizen_line_or_a_close_variant() -> None:
    lines = evaluation_lines("nlu_citizen_dev.jsonl", "text")
    found = []
    for file, text in examples():
        ws = set(words(text))
        if typed(text) >= 5 and closest(ws, lines, strict=file.startswith(LATER)) != (0.0, 0.0):
            found.append((file, text))
    assert found == [], found


@pytest.mark.parametrize(
    "name", ["nlu_citizen_dev.jsonl", "nlu_heldout.jsonl", "nlu_team_stories.jsonl"]
)
def test_no_evaluation_line_is_in_the_training_data(name: str) -> None:
    trained = {" ".join(words(text)) for _, text in examples()}
    path = ROOT / "tests" / "data" / name
    lines = [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()]
    # greetings of two words ("chào bn") may be anywhere; a question may not
    assert [t for t in lines if typed(t) >= 4 and " ".join(words(t)) in trained] == []


def test_no_situation_or_alias_repeats_a_citizen_search_query() -> None:
    path = ROOT / "tests" / "data" / "search_citizen_dev.jsonl"
    queries = [
        set(words(json.loads(line)["query"])) for line in path.read_text("utf-8").splitlines()
    ]
    records = json.loads((ROOT / "trolyao/kb/data/procedures.json").read_text("utf-8"))
    found = []
    for record in records if isinstance(records, list) else records["procedures"]:
        for text in [*record.get("tinh_huong", []), *record.get("ten_goi_khac", [])]:
            ws = set(words(text))
            if any(ws == q for q in queries) or (
                typed(text) >= 6 and any(len(ws & q) / len(ws | q) >= 0.6 for q in queries)
            ):
                found.append((record["ten_thu_tuc"], text))
    assert found == [], found


# Every file of questions kept for evaluation, and the key that holds the question.
QUERY_FILES = {
    "search_citizen_dev.jsonl": "query",
    "portal_situations_citizen_dev.jsonl": "query",
    "portal_situations_team.jsonl": "query",
    "portal_facts_citizen_dev.jsonl": "query",
    "bare_situations_citizen_dev.jsonl": "query",
    "portal_facts_team.jsonl": "query",
    "bare_situations_team2.jsonl": "query",
}


def close_to_a_query(text: str, queries: list[set[str]]) -> bool:
    ws = set(words(text))
    return any(ws == q for q in queries) or (
        typed(text) >= 6 and any(len(ws & q) / len(ws | q) >= 0.6 for q in queries)
    )


@pytest.mark.parametrize("name", sorted(QUERY_FILES))
def test_no_everyday_word_repeats_an_evaluation_question(name: str) -> None:
    queries = evaluation_lines(name, QUERY_FILES[name])
    assert len(queries) >= 30
    path = ROOT / "trolyao/kb/data/everyday.jsonl"
    found = []
    for line in path.read_text("utf-8").splitlines():
        item = json.loads(line)
        for text in [item.get("ten_ngan") or "", *item["ten_goi_khac"], *item["tinh_huong"]]:
            if text and close_to_a_query(text, queries):
                found.append(text)
    assert found == [], found


def test_the_check_catches_a_story_copied_with_small_changes() -> None:
    line = set(words("Mẹ tôi mới mất ở bệnh viện huyện, giờ về xã khai báo cần mang gì ạ"))
    copied = set(words("me toi moi mat o benh vien, ve xa khai bao can mang gi"))
    rewritten = set(words("nhà có người qua đời thì đi khai tử ở đâu"))
    assert closest(copied, [line], strict=False) != (0.0, 0.0)
    assert closest(rewritten, [line], strict=True) == (0.0, 0.0)
