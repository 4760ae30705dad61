"""Suggestions: the buttons that offer procedures or life events, and the procedures a
situation told without a question points to. Used by every action that offers a choice."""

from __future__ import annotations

import re
from collections import Counter

from rasa_sdk.executor import CollectingDispatcher

from trolyao.errors import InvalidQuery
from trolyao.kb.life_events import label_of
from trolyao.kb.search import SearchHit, get_search
from trolyao.kb.search.concepts import concept_words
from trolyao.kb.search.guide import likely_events
from trolyao.kb.search.paper_actions import PAPERS, REISSUE, wanted_actions
from trolyao.replies.buttons import BUTTON_CHARS, button
from trolyao.replies.questions import asked_attributes
from vntext import normalize_tokens

MAX_CHOICES = 4
#: The least score of a situation's best procedure, with the thesaurus's words in it, for
#: it to be offered (measured on the team's situations against chit-chat: see docs/search.md).
SITUATION_SCORE = 0.18
#: The same without any such phrase: only a story that names its procedure's own words.
SITUATION_SCORE_WITHOUT_WORDS = 0.27
#: Words a story has at least (6 with the thesaurus's words, 8 without).
STORY_WORDS = 6
#: Words that speak of a procedure: a message with one is never small talk.
_PROCEDURE_WORDS = re.compile(
    r"\b(?:thu tuc|giay phep|cap phep|dang ky|ho so|giay to|chung nhan|chung chi|xin cap"
    r"|cap lai|cap doi|giay xac nhan|chung thuc|le phi|dich vu cong)\b"
)
# Candidates this close to the best are offered together (buttons) rather than one answered.
CLOSE_SCORE = 0.15


def procedure_buttons(hits: list[SearchHit], intent: str) -> list[dict[str, str]]:
    """One button per candidate procedure, asking ``intent`` about it.

    A button shows the official name, cut to what a button holds; names that would read
    the same there show their short names instead, which say how they differ."""
    hits = hits[:MAX_CHOICES]
    cut = Counter(h.name[:BUTTON_CHARS] for h in hits)
    return [
        button(
            h.short_name if cut[h.name[:BUTTON_CHARS]] > 1 and h.short_name else h.name,
            intent,
            procedure_key=h.key,
        )
        for h in hits
    ]


def life_event_buttons(hits: list[SearchHit]) -> list[dict[str, str]]:
    """Buttons for the life events of ``hits`` (search/guide.py), each listing its
    procedures: the way on for a citizen who does not recognise any name offered."""
    events = likely_events(get_search().index(), hits)
    return [button(label_of(e), "list_procedures", life_event=e) for e in events]


def offer_life_events(dispatcher: CollectingDispatcher, hits: list[SearchHit]) -> None:
    """Offer the life events of ``hits`` after the procedures themselves, if any."""
    buttons = life_event_buttons(hits)
    if buttons:
        dispatcher.utter_message(response="utter_life_event_offer", buttons=buttons)


def lost_paper(text: str) -> bool:
    """Whether ``text`` tells of a paper lost, torn or burnt ("đánh rơi cccd", "sổ đỏ bị
    cháy"): a re-issue asked, and a paper named (a phone or a wallet alone is not one)."""
    if REISSUE not in wanted_actions(text):
        return False
    return any(token in PAPERS for token in normalize_tokens(text))


def situation_hits(text: str) -> list[SearchHit]:
    """The procedures a situation told without a question points to ("bà ngoại tôi vừa qua
    đời sáng nay", "em mới thuê trọ ở khu công nghiệp").

    Only when an everyday phrase of the search thesaurus (search/concepts.py) or a lost
    paper (search/paper_actions.py) says what happened and search finds a match of at
    least :data:`SITUATION_SCORE` (a story rarely scores as high as a named procedure): a
    message of chit-chat that merely shares words with a situation ("tối nay ăn gì")
    suggests nothing. The best and those close to it are returned, to be offered as
    buttons, never answered as a fact.
    """
    if not text:
        return []
    words = bool(concept_words(text) or lost_paper(text))
    try:
        result = get_search().search(text, MAX_CHOICES)
    except InvalidQuery:
        return []
    if not result.hits:
        return []
    # a short line is a story only with the thesaurus's words and a confident match
    # ("ông nội em mất tối qua"); "tối nay ăn gì" or "hộ chiếu abc" is not one
    long_enough = len(normalize_tokens(text)) >= (STORY_WORDS if words else STORY_WORDS + 2)
    least = SITUATION_SCORE if words else SITUATION_SCORE_WITHOUT_WORDS
    confident = words and result.matched
    if not (confident or (long_enough and result.hits[0].score >= least)):
        return []
    best = result.hits[0].score
    return [h for h in result.hits if best - h.score < CLOSE_SCORE][:3]


def offer_situation(dispatcher: CollectingDispatcher, text: str) -> bool:
    """Offer the procedures of a situation told without a question (:func:`situation_hits`);
    return whether one was offered."""
    hits = situation_hits(text)
    if hits:
        buttons = procedure_buttons(hits, "ask_procedure_overview")
        dispatcher.utter_message(response="utter_situation_suggest", buttons=buttons)
    return bool(hits)


def small_talk(text: str) -> bool:
    """Whether ``text`` is talk about life that asks for no procedure ("e vừa dc tăng lương,
    vui quá", "hôm nay nắng to quá"): no question words (trolyao/replies/questions.py), no
    phrase of the thesaurus or lost paper, and no procedure that search is sure of. Such a
    message gets a short friendly reply and no procedure at all."""
    tokens = normalize_tokens(text)
    if not tokens or asked_attributes(text) or concept_words(text):
        return False  # nothing readable (an emoji) is not talk either: the fallback says so
    if lost_paper(text) or _PROCEDURE_WORDS.search(" ".join(tokens)):
        return False
    try:
        result = get_search().search(text, 1)
    except InvalidQuery:
        return True  # nothing searchable: nothing of a procedure either
    return not result.matched
