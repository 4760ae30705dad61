"""Contact details, hand-off to an official, and help when the message was not understood."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import entity, latest_intent, latest_text
from actions.places import (
    ActionInformPlace,
    district_question,
    names_a_local_place,
    office_values,
    read_place,
)
from actions.procedures import offer_life_events, offer_situation, procedure_buttons
from trolyao.db import get_engine
from trolyao.errors import InvalidQuery
from trolyao.handoffs import answer_consent, contact_recorded, open_case
from trolyao.kb.search import get_search
from trolyao.replies import contact_values, fragment


class ActionContact(Action):
    """Give the help desk's phone, e-mail, address and opening hours; asked about a
    commune's office ("số điện thoại UBND phường Tam Thanh"), that office's contact."""

    def name(self) -> str:
        return "action_contact"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = latest_text(tracker)
        if names_a_local_place(text):
            place = read_place(tracker, dispatcher, domain)
            values = office_values(domain, place.code) if place.code else None
            if values and place.place.status == "found":
                dispatcher.utter_message(response="utter_place_office", **values)
                return place.events
        if district_question(text):
            dispatcher.utter_message(response="utter_no_district_level")
        dispatcher.utter_message(response="utter_contact", **contact_values(domain))
        return []


class ActionRequestHuman(Action):
    """Hand the citizen to an official: open a case, ask consent to be contacted, take
    the contact (the edge keeps it; the engine only hears that it was given), confirm.

    The contact itself never reaches this action or the tracker: the edge records it in
    the hand-off table and sends ``/request_human{"handoff_contact": "given"}`` instead."""

    def name(self) -> str:
        return "action_request_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        stage = tracker.get_slot("handoff_stage")
        intent = latest_intent(tracker)
        sender = tracker.sender_id
        channel = str((tracker.latest_message.get("metadata") or {}).get("channel") or "web")
        with Session(get_engine()) as session, session.begin():
            if entity(tracker, "handoff_contact") == "given" and contact_recorded(session, sender):
                dispatcher.utter_message(response="utter_handoff_recorded")
                return [SlotSet("handoff_stage", None), SlotSet("handoff_requested", True)]
            if stage == "consent" and intent in ("affirm", "deny"):
                answer_consent(session, sender, given=intent == "affirm")
                if intent == "affirm":
                    dispatcher.utter_message(response="utter_handoff_ask_contact")
                    return [SlotSet("handoff_stage", "contact")]
                dispatcher.utter_message(response="utter_handoff", **contact_values(domain))
                return [SlotSet("handoff_stage", None)]
            open_case(session, sender, channel)
        dispatcher.utter_message(
            response="utter_handoff_consent",
            buttons=[
                {"title": fragment(domain, "utter_fragment_yes"), "payload": "/affirm"},
                {"title": fragment(domain, "utter_fragment_no"), "payload": "/deny"},
            ],
        )
        return [SlotSet("handoff_stage", "consent"), SlotSet("handoff_requested", True)]


class ActionYesNo(Action):
    """A "có" or "không" that answers no question of the bot's but the hand-off's."""

    def name(self) -> str:
        return "action_yes_no"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("handoff_stage") == "consent":
            return ActionRequestHuman().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_anything_else")
        return []


class ActionFallback(Action):
    """Help to rephrase, offering the procedures nearest to the message."""

    def name(self) -> str:
        return "action_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        hits = []
        text = latest_text(tracker)
        if names_a_local_place(text):  # "tôi ở xã …" the model was unsure of
            return ActionInformPlace().run(dispatcher, tracker, domain)
        if offer_situation(dispatcher, text):  # a situation told without a question
            return []
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
