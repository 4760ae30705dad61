"""Suggestions: the buttons that offer procedures or life events, and the procedures a
situation told without a question points to. Used by every action that offers a choice."""

from __future__ import annotations

from collections import Counter

from rasa_sdk.executor import CollectingDispatcher

from trolyao.errors import InvalidQuery
from trolyao.kb.life_events import label_of
from trolyao.kb.search import SearchHit, get_search
from trolyao.kb.search.concepts import concept_words
from trolyao.kb.search.guide import likely_events
from trolyao.kb.search.paper_actions import REISSUE, wanted_actions
from trolyao.replies.buttons import BUTTON_CHARS, button

MAX_CHOICES = 4
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


def situation_hits(text: str) -> list[SearchHit]:
    """The procedures a situation told without a question points to ("bà ngoại tôi vừa qua
    đời sáng nay", "em mới thuê trọ ở khu công nghiệp").

    Only when an everyday phrase of the search thesaurus (search/concepts.py) or a lost
    paper (search/paper_actions.py) says what happened and search finds a confident match: a
    message of chit-chat that merely shares words with a situation ("tối nay ăn gì")
    suggests nothing. The best and those close to it are returned, to be offered as
    buttons, never answered as a fact.
    """
    if not text or not (concept_words(text) or REISSUE in wanted_actions(text)):
        return []
    try:
        result = get_search().search(text, MAX_CHOICES)
    except InvalidQuery:
        return []
    if not result.matched or not result.hits:
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
