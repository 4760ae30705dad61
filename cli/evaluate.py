"""``trolyao eval``, ``trolyao nlu`` and ``trolyao redact``: measuring search, reading intents
from the trained model, and the redaction as a filter."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from trolyao.errors import InvalidQuery


def _cmd_eval_search(args: argparse.Namespace) -> int:
    from trolyao.kb.search import get_search
    from trolyao.kb.search.evaluation import Candidate, evaluate, read_cases
    from trolyao.kb.search.guide import two_press_reach

    search = get_search()

    def rank(query: str) -> list[Candidate]:
        try:
            return [(hit.name, hit.key) for hit in search.search(query, 5).hits]
        except InvalidQuery:
            return []

    try:
        cases = read_cases(Path(args.file))
    except (OSError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = evaluate(cases, rank)
    reach = two_press_reach(search.index(), cases)
    print(f"{'form':14} {'n':>5} {'top1':>7} {'top3':>7} {'mrr':>7}")
    rows = [("overall", report.overall), *list(report.by_form.items())]
    for name, scores in rows:
        print(
            f"{name:14} {scores.count:5d} {scores.top1:7.3f} {scores.top3:7.3f} {scores.mrr:7.3f}"
        )
    print(f"reached in at most two presses (a procedure, or a life event): {reach:.3f}")
    if args.show_misses:
        for miss in report.misses:
            print(json.dumps(miss, ensure_ascii=False))
    if args.json:
        print(
            json.dumps(
                {
                    "overall": report.overall.as_dict(),
                    "by_form": {k: v.as_dict() for k, v in report.by_form.items()},
                    "two_press_reach": round(reach, 4),
                }
            )
        )
    return 0


def _cmd_eval_answers(args: argparse.Namespace) -> int:
    from cli.answers import evaluate

    try:
        figures = evaluate(Path(args.file), args.model, args.show_misses)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(figures))
    return 0


def _cmd_redact(_args: argparse.Namespace) -> int:
    from trolyao.redaction import redact

    for line in sys.stdin:
        ending = "\n" if line.endswith("\n") else ""
        sys.stdout.write(redact(line.rstrip("\n")) + ending)
        sys.stdout.flush()
    return 0


def _cmd_nlu_parse(args: argparse.Namespace) -> int:
    import subprocess

    from trolyao.runtime.engine import ENGINE_BIN, engine_env, model_path

    model = Path(args.model) if args.model else model_path()
    if not model.exists():
        print(f"error: no trained model at {model} (make train)", file=sys.stderr)
        return 2
    command = [str(ENGINE_BIN / "python"), "-m", "rasa_ext.parse", str(model)]
    env = engine_env(TF_CPP_MIN_LOG_LEVEL="3")
    if args.text == "-":  # stdin and stdout pass straight through, a line at a time
        return subprocess.run(command, env=env, check=False).returncode
    done = subprocess.run(
        command, env=env, input=args.text.replace("\n", " ") + "\n", text=True, check=False
    )
    return done.returncode


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``eval`` and ``redact`` to the ``trolyao`` command."""
    ev = sub.add_parser("eval", help="evaluations").add_subparsers(
        dest="eval_command", required=True
    )
    ev_search = ev.add_parser("search", help="top-1/top-3/MRR of search on a JSONL file")
    ev_search.add_argument("file")
    ev_search.add_argument("--show-misses", action="store_true")
    ev_search.add_argument("--json", action="store_true")
    ev_search.set_defaults(func=_cmd_eval_search)
    ev_answers = ev.add_parser(
        "answers",
        help="fact questions (the fact stated) or bare situations (the procedure reached, "
        "talk left alone) through the trained model and the actions",
    )
    ev_answers.add_argument("file")
    ev_answers.add_argument("--model", default=None, help="default: models/trolyao.tar.gz")
    ev_answers.add_argument("--show-misses", action="store_true")
    ev_answers.add_argument("--json", action="store_true")
    ev_answers.set_defaults(func=_cmd_eval_answers)
    nlu = sub.add_parser("nlu", help="the trained model's NLU").add_subparsers(
        dest="nlu_command", required=True
    )
    nlu_parse = nlu.add_parser(
        "parse",
        help="intents of messages ('-': one per stdin line); one JSON object per line: "
        '{"text", "intent", "confidence"}',
    )
    nlu_parse.add_argument("text")
    nlu_parse.add_argument("--model", default=None, help="default: models/trolyao.tar.gz")
    nlu_parse.set_defaults(func=_cmd_nlu_parse)
    sub.add_parser("redact", help="redact personal data from each stdin line").set_defaults(
        func=_cmd_redact
    )
