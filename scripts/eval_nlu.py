"""Intent accuracy and macro-F1 of a trained Rasa model on held-out messages, per form.

Runs in the app env (``make eval-nlu``):  .venv/bin/python scripts/eval_nlu.py FILE.jsonl
[--model MODEL]. The intents come from ``trolyao nlu parse -`` (the model loaded once in the
engine env, no server, no HTTP API). FILE lines: {"text", "intent", "form"} (form: accented /
unaccented / abbreviated).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path


def macro_f1(gold: list[str], pred: list[str]) -> float:
    """Macro-averaged F1 over the gold labels."""
    labels = sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label and g != label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def predict(model: str | None, texts: list[str]) -> tuple[list[str], float]:
    """Parse every text with ``trolyao nlu parse -``; return the intents and the mean time
    per message (ms, the model's load excluded as far as the pipe allows)."""
    trolyao = Path(sys.executable).parent / "trolyao"
    command = [str(trolyao), "nlu", "parse", "-", *(["--model", model] if model else [])]
    started = time.perf_counter()
    done = subprocess.run(
        command,
        input="".join(t.replace("\n", " ") + "\n" for t in texts),
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(rows) != len(texts):
        raise SystemExit(f"trolyao nlu parse answered {len(rows)} lines for {len(texts)}")
    return [str(r["intent"]) for r in rows], seconds * 1000 / max(len(texts), 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file")
    parser.add_argument("--model", default=None, help="default: models/trolyao.tar.gz")
    parser.add_argument("--json", action="store_true", help="also print a JSON summary")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    cases = [json.loads(line) for line in Path(args.file).read_text("utf-8").splitlines() if line]
    predicted, mean_ms = predict(args.model, [c["text"] for c in cases])
    groups: dict[str, list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        groups["overall"].append(i)
        groups[case.get("form", "unknown")].append(i)
    summary = {}
    print(f"{'form':12} {'n':>4} {'accuracy':>9} {'macro-F1':>9}")
    for form in ["overall", *sorted(k for k in groups if k != "overall")]:
        idx = groups[form]
        gold = [cases[i]["intent"] for i in idx]
        pred = [predicted[i] for i in idx]
        accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(idx)
        f1 = macro_f1(gold, pred)
        summary[form] = {"n": len(idx), "accuracy": round(accuracy, 4), "macro_f1": round(f1, 4)}
        print(f"{form:12} {len(idx):4d} {accuracy:9.3f} {f1:9.3f}")
    print(f"time per message, model load included: {mean_ms:.1f} ms")
    if args.show_errors:
        for case, pred in zip(cases, predicted, strict=True):
            if case["intent"] != pred:
                print(f"  {case['text']!r}: expected {case['intent']}, got {pred}")
    if args.json:
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
