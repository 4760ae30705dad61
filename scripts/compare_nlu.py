"""Compare NLU pipelines by measurement: every evaluation file per form, a fallback-threshold
sweep, and cross-validation on the training data (docs/nlu.md).

Runs in the engine env (training takes a few minutes per pipeline on 2 cores):

    .venv-engine/bin/python scripts/compare_nlu.py [--variants ours,words_only,...]
        [--cv-folds 5] [--out var/nlu-compare]

Each variant is the project's config.yml with its NLU pipeline changed; the model is trained
on ``data/`` only (NLU), so evaluation files stay evaluation files.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import logging
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from eval_nlu import macro_f1  # noqa: E402

FILES = ("tests/data/nlu_citizen_dev.jsonl", "tests/data/nlu_heldout.jsonl")
FALLBACK = "nlu_fallback"


def _step(pipeline: list[dict[str, Any]], name: str) -> int:
    return next(i for i, s in enumerate(pipeline) if s["name"] == name)


def variants(base: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The pipelines compared, each a full Rasa config."""
    out: dict[str, dict[str, Any]] = {"ours": base}
    words = copy.deepcopy(base)
    words["pipeline"] = [s for s in words["pipeline"] if s.get("analyzer") != "char_wb"]
    out["words_only"] = words
    no_tail = copy.deepcopy(base)
    no_tail["pipeline"] = [
        s for s in no_tail["pipeline"] if not s["name"].endswith("TailFeaturizer")
    ]
    out["without_tail"] = no_tail
    chars = copy.deepcopy(base)
    for step in chars["pipeline"]:
        if step.get("analyzer") == "char_wb":
            step["min_ngram"], step["max_ngram"] = 1, 5
    out["char_1_5"] = chars
    diet = copy.deepcopy(base)
    i = _step(diet["pipeline"], "LogisticRegressionClassifier")
    diet["pipeline"][i] = {
        "name": "DIETClassifier",
        "epochs": 60,
        "entity_recognition": False,
        "random_seed": 42,
        "constrain_similarities": True,
    }
    out["diet_60"] = diet
    return out


def train(config: dict[str, Any], folder: Path, name: str) -> tuple[Path, float]:
    folder.mkdir(parents=True, exist_ok=True)
    config_file = folder / f"{name}.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    started = time.monotonic()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "train",
            "nlu",
            "--config",
            str(config_file),
            "--nlu",
            "data",
            "--out",
            str(folder),
            "--fixed-model-name",
            name,
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return folder / f"{name}.tar.gz", time.monotonic() - started


async def parse_all(model: Path, texts: list[str]) -> tuple[list[tuple[str, float]], float]:
    """The best intent other than the fallback, with its confidence; mean parse ms."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    out = []
    started = time.perf_counter()
    for text in texts:
        result = await agent.parse_message(text)
        ranking = [r for r in result.get("intent_ranking", []) if r["name"] != FALLBACK]
        best = ranking[0] if ranking else result["intent"]
        out.append((best["name"], float(best.get("confidence") or 0.0)))
    return out, (time.perf_counter() - started) * 1000 / max(len(texts), 1)


def score(cases: list[dict[str, Any]], predicted: list[str]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        groups["overall"].append(i)
        groups[case.get("form", "unknown")].append(i)
    out = {}
    for form, idx in groups.items():
        gold = [cases[i]["intent"] for i in idx]
        pred = [predicted[i] for i in idx]
        accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(idx)
        out[form] = {
            "n": len(idx),
            "accuracy": round(accuracy, 3),
            "macro_f1": round(macro_f1(gold, pred), 3),
        }
    return out


def threshold_sweep(
    cases: list[dict[str, Any]], parsed: list[tuple[str, float]]
) -> list[dict[str, float]]:
    """What a fallback threshold does: answered right, answered wrong, sent to fallback."""
    rows = []
    for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        right = wrong = fallback = 0
        for case, (intent, confidence) in zip(cases, parsed, strict=True):
            if confidence < threshold:
                fallback += 1
            elif intent == case["intent"]:
                right += 1
            else:
                wrong += 1
        rows.append({"threshold": threshold, "right": right, "wrong": wrong, "fallback": fallback})
    return rows


def cross_validation(config: dict[str, Any], folder: Path, name: str, folds: int) -> Any:
    """Rasa's own k-fold cross-validation on the training data: intent report summary."""
    config_file = folder / f"{name}.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    out = folder / f"cv-{name}"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "test",
            "nlu",
            "--config",
            str(config_file),
            "--nlu",
            "data",
            "--cross-validation",
            "--runs",
            "1",
            "--folds",
            str(folds),
            "--out",
            str(out),
            "--no-plot",
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    report = json.loads((out / "intent_report.json").read_text("utf-8"))
    return {
        "accuracy": round(report["accuracy"], 3),
        "macro_f1": round(report["macro avg"]["f1-score"], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", default="ours,words_only,char_1_5,diet_60")
    parser.add_argument("--cv-folds", type=int, default=5)
    parser.add_argument("--cv-variants", default="ours,words_only,char_1_5")
    parser.add_argument("--out", default="var/nlu-compare")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    base = yaml.safe_load((ROOT / "config.yml").read_text("utf-8"))
    all_variants = variants(base)
    folder = ROOT / args.out
    results: dict[str, Any] = {}
    evaluation = {
        f: [json.loads(line) for line in (ROOT / f).read_text("utf-8").splitlines() if line]
        for f in FILES
    }
    for name in args.variants.split(","):
        model, seconds = train(all_variants[name], folder, name)
        entry: dict[str, Any] = {"train_s": round(seconds, 1)}
        for file, cases in evaluation.items():
            parsed, ms = asyncio.run(parse_all(model, [c["text"] for c in cases]))
            entry[Path(file).stem] = score(cases, [p[0] for p in parsed])
            entry[Path(file).stem + "_sweep"] = threshold_sweep(cases, parsed)
            entry["parse_ms"] = round(ms, 1)
        if name in args.cv_variants.split(","):
            entry["cv"] = cross_validation(all_variants[name], folder, name, args.cv_folds)
        results[name] = entry
        print(json.dumps({name: entry}, ensure_ascii=False), flush=True)
    (folder / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
