"""A citizen tells what happened and asks nothing ("bà ngoại tôi vừa qua đời sáng nay"): the
model often reads it as out of scope, unsure, or a place. The assistant then offers the
procedures the situation points to, when an everyday phrase of the search thesaurus says
what happened; chit-chat that merely shares words with a situation is still out of scope.

``tests/data/bare_situations_team.jsonl`` holds 20 such messages written by the team."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from actions.rerouting import ActionFallback, ActionInformPlace, ActionOutOfScope
from actions.suggestions import situation_hits
from tests.support.trackers import make_tracker

BARE = Path(__file__).resolve().parents[1] / "data" / "bare_situations_team.jsonl"


def titles(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["title"] for m in dispatcher.messages for b in m.get("buttons", [])]


def test_bare_situations_point_to_their_procedure(actions_db: Engine) -> None:
    cases = [json.loads(line) for line in BARE.read_text("utf-8").splitlines()]
    found = [c for c in cases if c["expected"] in [h.name for h in situation_hits(c["text"])]]
    assert len(cases) == 20
    assert len(found) >= 19, [c["text"] for c in cases if c not in found]


@pytest.mark.parametrize(
    ("action", "intent"),
    [(ActionOutOfScope, "out_of_scope"), (ActionFallback, "nlu_fallback")],
)
def test_out_of_scope_or_unsure_a_situation_is_offered_its_procedure(
    actions_db: Engine,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    action: type[ActionOutOfScope] | type[ActionFallback],
    intent: str,
) -> None:
    action().run(dispatcher, make_tracker("cụ nhà em vừa tạ thế", intent), domain)
    assert dispatcher.messages[0]["response"] == "utter_situation_suggest"
    assert titles(dispatcher)[0] == "Đăng ký khai tử"
    assert dispatcher.messages[0]["buttons"][0]["payload"].startswith("/ask_procedure_overview")


def test_a_situation_taken_for_a_place_is_offered_its_procedure(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    ActionInformPlace().run(
        dispatcher, make_tracker("ong noi em mat toi qua", "inform_place"), domain
    )
    assert dispatcher.messages[0]["response"] == "utter_situation_suggest"
    assert "Đăng ký khai tử" in titles(dispatcher)


@pytest.mark.parametrize(
    "text", ["tối nay ăn gì", "chúc bạn ngủ ngon", "kể chuyện cười đi", "ông bà tôi khỏe lắm"]
)
def test_chit_chat_stays_out_of_scope(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any], text: str
) -> None:
    ActionOutOfScope().run(dispatcher, make_tracker(text, "out_of_scope"), domain)
    assert dispatcher.messages[0]["response"] == "utter_out_of_scope"


@pytest.mark.parametrize(
    "text", ["", "   ", "😀😀", "x" * 5000, "'; DROP TABLE procedures; --", "\u200b\u200b"]
)
def test_bad_input_offers_nothing_and_does_not_fail(actions_db: Engine, text: str) -> None:
    assert situation_hits(text) == []


def test_zero_width_characters_and_mixed_scripts_do_not_hide_a_situation(
    actions_db: Engine,
) -> None:
    for text in ["bà ngoại tôi vừa qua\u200b đời", "Ｂà ngoại мой qua đời"]:
        hits = situation_hits(text)
        assert hits and hits[0].name == "Đăng ký khai tử"
