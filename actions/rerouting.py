"""Re-routing: messages the model put under one intent that say something else.

A citizen's message can look like small talk, a place or nothing understood and still be
a question the assistant can answer: "giờ tôi chuyển về thị trấn Na Sầm" (a place), "có
phải lên huyện không" (the district level is gone), "bà ngoại tôi vừa qua đời sáng nay" (a
situation a procedure is for). The three actions whose intent is least sure (out of scope,
a place given, the fallback) read the message again here, in one order, with one helper
(:func:`reroute`). This module sits above :mod:`actions.procedures` and
:mod:`actions.places`; no action calls another's ``run()``.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import entity, latest_text
from actions.places import district_question, names_a_local_place, read_place
from actions.procedures import answer_procedure
from actions.suggestions import offer_life_events, offer_situation, procedure_buttons
from trolyao.errors import InvalidQuery
from trolyao.kb.search import get_search
from trolyao.places.gazetteer import gazetteer


def reroute(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType] | None:
    """Answer what the latest message says instead of its intent, in this order: a place of
    the province (where the citizen lives), the district level, a situation told without a
    question. ``None`` when it says none of them."""
    text = latest_text(tracker)
    if names_a_local_place(text):
        return inform_place(dispatcher, tracker, domain)
    if district_question(text):
        dispatcher.utter_message(response="utter_no_district_level")
        return []
    if offer_situation(dispatcher, text):
        return []
    return None


def inform_place(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType]:
    """The citizen says where they live: remember it, and answer the pending place question
    of the procedure in the conversation with their commune's office."""
    text = latest_text(tracker)
    pending = tracker.get_slot("procedure_key") and (tracker.get_slot("last_attribute") == "place")
    given = entity(tracker, "place_code") or gazetteer().resolve(text).status == "found"
    if pending and given:
        # "Bạn ở xã/phường nào?" answered: the place question again, for that place
        # (the procedure's own level decides whether the commune's office applies)
        return answer_procedure(dispatcher, tracker, domain)
    reading = read_place(tracker, dispatcher, domain)
    events = list(reading.events)
    asks_district = bool(text) and district_question(text)
    if asks_district:
        dispatcher.utter_message(response="utter_no_district_level")
    status = reading.place.status
    if status == "none" and not asks_district:
        # no place: perhaps a situation the model took for one
        if not offer_situation(dispatcher, text):
            dispatcher.utter_message(response="utter_place_unknown")
        return events
    if status == "found" and reading.place.unit is not None:
        dispatcher.utter_message(response="utter_place_set", place_title=reading.place.unit.said)
    return events


class ActionOutOfScope(Action):
    """Outside what the assistant does, unless the message names a place of the province,
    asks about the district level, or tells a situation that a procedure is for."""

    def name(self) -> str:
        return "action_out_of_scope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        rerouted = reroute(dispatcher, tracker, domain)
        if rerouted is not None:
            return rerouted
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionInformPlace(Action):
    """The citizen says where they live (:func:`inform_place`)."""

    def name(self) -> str:
        return "action_inform_place"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return inform_place(dispatcher, tracker, domain)


class ActionFallback(Action):
    """Not understood: re-read the message (:func:`reroute`), else help to rephrase, offering
    the procedures nearest to it and their life events."""

    def name(self) -> str:
        return "action_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        rerouted = reroute(dispatcher, tracker, domain)
        if rerouted is not None:
            return rerouted
        text = latest_text(tracker)
        hits = []
        if text:
            try:
                hits = get_search().search(text, 3).hits
            except InvalidQuery:
                hits = []
        if hits:
            buttons = procedure_buttons(hits, "ask_procedure_overview")
            dispatcher.utter_message(response="utter_fallback", buttons=buttons)
            offer_life_events(dispatcher, hits)
        else:
            dispatcher.utter_message(response="utter_fallback_no_suggestion")
        return []
