"""The ``trolyao`` console script: search contract, stdin mode, evaluation, seeding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import DATA
from trolyao.kb.seed import load_seed_records

TROLYAO = str(Path(sys.executable).parent / "trolyao")
DEV_SET = DATA / "search_dev.jsonl"


def run(args: list[str], url: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [TROLYAO, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_search_json_prints_code_name_score_best_first(seeded_url: str) -> None:
    done = run(["kb", "search", "làm sổ đỏ", "--limit", "5", "--json"], seeded_url)
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert hits[0]["name"] == "Đăng ký đất đai và cấp Giấy chứng nhận quyền sử dụng đất lần đầu"
    assert all(set(h) == {"code", "name", "score"} for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert len(hits) <= 5


def test_search_from_stdin_prints_one_array_per_line(seeded_url: str) -> None:
    queries = "thu tuc lam ho chieu\nđk tạm trú\n\nkể chuyện cười đi\n😀\n"
    done = run(["kb", "search", "-", "--limit", "3", "--json"], seeded_url, stdin=queries)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 5
    arrays = [json.loads(line) for line in lines]
    assert arrays[0][0]["name"] == "Cấp hộ chiếu phổ thông trong nước"
    assert arrays[1][0]["code"] == "1.004194"
    assert arrays[2] == [] and arrays[4] == []  # an empty line, an emoji: nothing to rank
    assert all(hit["score"] < 0.31 for hit in arrays[3])  # ranked, but no confident match
    assert all(len(a) <= 3 for a in arrays)


def test_search_of_an_empty_text_is_an_error(seeded_url: str) -> None:
    done = run(["kb", "search", "   ", "--json"], seeded_url)
    assert done.returncode == 2
    assert "error:" in done.stderr
    assert json.loads(done.stdout) == []


def test_eval_search_prints_top1_top3_mrr_per_form(seeded_url: str) -> None:
    done = run(["eval", "search", str(DEV_SET), "--json"], seeded_url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["form", "n", "top1", "top3", "mrr"]
    assert [line.split()[0] for line in lines[1:5]] == [
        "overall",
        "abbreviated",
        "accented",
        "unaccented",
    ]
    summary = json.loads(lines[-1])
    assert summary["overall"]["count"] == sum(1 for _ in DEV_SET.open(encoding="utf-8"))
    assert summary["overall"]["top1"] >= 0.9
    assert set(summary["by_form"]) == {"accented", "unaccented", "abbreviated"}
    assert summary["overall"]["top1"] <= summary["two_press_reach"] <= 1.0
    assert any(line.startswith("reached in at most two presses") for line in lines)


def test_eval_rejects_a_malformed_file(seeded_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "hộ chiếu"}\n', encoding="utf-8")
    done = run(["eval", "search", str(bad)], seeded_url)
    assert done.returncode == 2
    assert "expected" in done.stderr
    assert "Traceback" not in done.stderr


def test_db_upgrade_and_seed_are_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    for _ in range(2):
        assert run(["db", "upgrade"], url).returncode == 0
    first = run(["kb", "seed"], url)
    second = run(["kb", "seed"], url)
    assert first.returncode == second.returncode == 0
    seeded = len(load_seed_records())
    assert f"thêm {seeded}" in first.stdout
    assert "thêm 0" in second.stdout and f"giữ nguyên {seeded}" in second.stdout
