"""``trolyao eval answers FILE``: what the assistant's replies say, on evaluation files.

Two kinds of files, told apart by their lines:

- fact questions (``{"query", "form", "code", "fact_kind", "must_contain_any"}``): a reply
  states the fact when, folded, it contains one of ``must_contain_any``;
- bare situations (``{"query", "form", "expected_name", "expected_code"}``, both null for
  talk about nothing): a situation is reached when a reply answers or offers (as a button)
  the expected procedure; a chatty line fails when any procedure is answered or offered.

Each message goes the way a turn goes, without the dialogue server: its intent from the
trained model (``trolyao nlu parse -``, the model loaded once), then the action that the
intent's rule runs, on the knowledge base of ``DATABASE_URL``. Figures per kind and per form.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

#: The action each intent's rule runs (data/rules.yml); procedure questions otherwise.
ACTIONS = {
    "out_of_scope": "actions.rerouting:ActionOutOfScope",
    "nlu_fallback": "actions.rerouting:ActionFallback",
    "inform_place": "actions.rerouting:ActionInformPlace",
    "check_dossier_status": "actions.rerouting:ActionCheckDossierStatus",
    "ask_contact": "actions.rerouting:ActionContact",
    "list_procedures": "actions.procedures:ActionListProcedures",
    "request_human": "actions.support:ActionRequestHuman",
}


def intents(texts: list[str], model: str | None = None) -> list[str]:
    """The trained model's intent of each text (``trolyao nlu parse -``)."""
    trolyao = Path(sys.executable).parent / "trolyao"
    command = [str(trolyao), "nlu", "parse", "-", *(["--model", model] if model else [])]
    done = subprocess.run(
        command,
        input="".join(t.replace("\n", " ") + "\n" for t in texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return [str(json.loads(line)["intent"]) for line in done.stdout.splitlines() if line]


def _action(intent: str) -> Any:
    import importlib

    target = ACTIONS.get(intent)
    if target is None:
        if not intent.startswith("ask_procedure"):
            return None
        target = "actions.procedures:ActionAnswerProcedure"
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)()


def _tracker(text: str, intent: str) -> Any:
    """A tracker whose latest message is ``text``, read as ``intent`` (a first turn)."""
    from rasa_sdk import Tracker

    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    return Tracker(
        sender_id="eval",
        slots={},
        latest_message=latest,
        events=[{"event": "user", "text": text, "parse_data": latest}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def reply(text: str, intent: str, domain: dict[str, Any]) -> tuple[str, list[str]]:
    """The reply's text (responses filled in) and the procedure keys it answers or offers
    (a key, or the answered procedure's title)."""
    from rasa_sdk.executor import CollectingDispatcher

    from trolyao.replies.domain import response_text

    action = _action(intent)
    if action is None:  # greet, thank, …: a response of its own, never a procedure
        return f"<{intent}>", []
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, _tracker(text, intent), domain)
    texts, keys = [], []
    for message in dispatcher.messages:
        values = {k: v for k, v in message.items() if isinstance(v, str)}
        template = response_text(str(message.get("response") or ""), domain)
        try:
            texts.append(template.format(**values) if template else str(message.get("text")))
        except (KeyError, IndexError, ValueError):
            texts.append(template)
        for button in message.get("buttons") or []:
            payload = str(button.get("payload", ""))
            if "procedure_key" in payload:
                keys.append(json.loads(payload[payload.index("{") :])["procedure_key"])
        if message.get("procedure_title"):
            keys.append(str(message["procedure_title"]))
    return "\n".join(texts), keys


def _expected(session: Any, case: dict[str, Any]) -> set[str]:
    """Every way a reply may name the expected procedure: code, key, slug, name."""
    from sqlalchemy import select

    from trolyao.kb.models import Procedure
    from trolyao.kb.search import get_search

    query = select(Procedure)
    if case.get("expected_code"):
        query = query.where(Procedure.code == case["expected_code"])
    else:
        query = query.where(Procedure.name == case["expected_name"])
    found = session.scalars(query).first()
    if found is None:  # a catalog name merged into a national record: search finds it
        from trolyao.kb.repository import get_procedure

        hits = get_search().search(str(case["expected_name"]), 1).hits
        found = get_procedure(session, hits[0].key) if hits else None
    if found is None:
        return {str(case.get("expected_code") or case.get("expected_name"))}
    return {n for n in (found.code, found.slug, found.name) if n}


def evaluate(path: Path, model: str | None = None, show_misses: bool = False) -> dict[str, Any]:
    """Score ``path``'s lines; print per kind and per form; return the figures."""
    from sqlalchemy.orm import Session

    from trolyao.db import get_engine
    from trolyao.replies import load_domain
    from vntext import fold

    cases = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    found = intents([c["query"] for c in cases], model)
    domain = load_domain()
    groups: dict[str, list[bool]] = defaultdict(list)
    with Session(get_engine()) as session:
        for case, intent in zip(cases, found, strict=True):
            text, keys = reply(case["query"], intent, domain)
            if "must_contain_any" in case:
                kind = f"fact:{case.get('fact_kind', '?')}"
                ok = any(fold(x) in fold(text) for x in case["must_contain_any"])
            elif case.get("expected_code") or case.get("expected_name"):
                kind = "situation"
                names = _expected(session, case)
                ok = any(k in names or any(n in k for n in names) for k in keys)
            else:
                kind = "chatty"
                ok = not keys
            form = case.get("form") or "?"
            chosen = ("chatty", f"chatty:{form}") if kind == "chatty" else ("overall", kind, form)
            for group in chosen:
                groups[group].append(ok)
            if show_misses and not ok:
                miss = {"query": case["query"], "intent": intent, "kind": kind, "reply": text[:300]}
                print(json.dumps(miss, ensure_ascii=False))
    figures = {g: {"n": len(v), "share": round(sum(v) / len(v), 3)} for g, v in groups.items()}
    print(f"{'group':16} {'n':>4} {'share':>7}")
    for group, row in sorted(figures.items()):
        print(f"{group:16} {row['n']:4d} {row['share']:7.3f}")
    print("(chatty: the share of talk lines that got no procedure)")
    return figures
