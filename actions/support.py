"""Contact details and the hand-off to an official (the contact action, which first checks
that the message asks for a contact at all, is in :mod:`actions.rerouting`)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import entity, latest_intent, latest_text
from actions.places import district_question, names_a_local_place, office_values, read_place
from trolyao.db import get_engine
from trolyao.handoffs import TooManyCases, answer_consent, contact_recorded, open_case
from trolyao.replies import contact_values, fragment
from trolyao.replies.buttons import button


def tell_contact(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType]:
    """The help desk's phone, e-mail, address and opening hours; asked about a commune's
    office ("số điện thoại UBND phường Tam Thanh"), that office's contact."""
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
        return request_human(dispatcher, tracker, domain)


def request_human(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType]:
    """The hand-off's next step (:class:`ActionRequestHuman`)."""
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
        client_key = str((tracker.latest_message.get("metadata") or {}).get("client_key") or "")
        try:
            open_case(session, sender, channel, client_key[:32] or None)
        except TooManyCases:
            # one address opened several cases this hour: the help desk, not a new case
            dispatcher.utter_message(response="utter_handoff", **contact_values(domain))
            return [SlotSet("handoff_stage", None)]
    dispatcher.utter_message(
        response="utter_handoff_consent",
        buttons=[
            button(fragment(domain, "utter_fragment_yes"), "affirm"),
            button(fragment(domain, "utter_fragment_no"), "deny"),
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
            return request_human(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_anything_else")
        return []
