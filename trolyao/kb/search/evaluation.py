"""Evaluation of procedure search on labelled citizen queries (JSON lines)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Scores:
    """Top-1, top-3 and mean reciprocal rank over ``count`` queries."""

    count: int = 0
    top1: float = 0.0
    top3: float = 0.0
    mrr: float = 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Return the scores rounded for printing."""
        return {
            "count": self.count,
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "mrr": round(self.mrr, 4),
        }


@dataclass
class EvalReport:
    """Overall scores, scores per ``form`` and the queries whose top-1 was wrong."""

    overall: Scores
    by_form: dict[str, Scores]
    misses: list[dict[str, Any]] = field(default_factory=list)


def read_cases(path: Path) -> list[dict[str, Any]]:
    """Read ``{"query", "expected"[, "form"]}`` lines, skipping blank ones.

    A line may name the procedure by its national code instead: ``"expected_code"``, with
    ``"also_ok"`` listing codes that count as right too (a procedure the question fits as
    well)."""
    cases = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        case = json.loads(line)
        if not isinstance(case, dict) or "query" not in case:
            raise ValueError(f"{path}:{number}: each line needs 'query'")
        if "expected" not in case and "expected_code" not in case:
            raise ValueError(f"{path}:{number}: each line needs 'expected' or 'expected_code'")
        cases.append(case)
    return cases


def accepted(case: dict[str, Any]) -> set[str]:
    """The names or codes that count as the right answer for ``case``."""
    if "expected_code" in case:
        return {str(case["expected_code"]), *map(str, case.get("also_ok") or ())}
    return {str(case["expected"])}


Candidate = str | tuple[str, ...]


def evaluate(cases: Iterable[dict[str, Any]], rank: Callable[[str], list[Candidate]]) -> EvalReport:
    """Score ``rank`` (query -> candidates best first, each its name or a tuple of its name
    and code) against the expected name or codes."""
    reciprocal: dict[str, list[float]] = defaultdict(list)
    misses = []
    for case in cases:
        ranked = [(c,) if isinstance(c, str) else c for c in rank(case["query"])]
        right = accepted(case)
        names = [labels[0] for labels in ranked]
        position = next((i for i, labels in enumerate(ranked, start=1) if right & set(labels)), 0)
        expected = case.get("expected") or case.get("expected_name") or case["expected_code"]
        rr = 1.0 / position if position else 0.0
        reciprocal["_all"].append(rr)
        if case.get("form"):
            reciprocal[str(case["form"])].append(rr)
        if position != 1:
            misses.append({"query": case["query"], "expected": expected, "got": names[:3]})

    def scores(values: list[float]) -> Scores:
        n = len(values)
        if not n:
            return Scores()
        return Scores(
            count=n,
            top1=sum(v == 1.0 for v in values) / n,
            top3=sum(v >= 1 / 3 for v in values) / n,
            mrr=sum(values) / n,
        )

    overall = scores(reciprocal.pop("_all", []))
    return EvalReport(overall, {k: scores(v) for k, v in sorted(reciprocal.items())}, misses)
