"""Contact details, hand-off to an official, and help when the message was not understood."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_text
from actions.procedures import procedure_buttons
from trolyao.errors import InvalidQuery
from trolyao.kb.search import get_search
from trolyao.replies import contact_values


class ActionContact(Action):
    """Give the help desk's phone, e-mail, address and opening hours from settings."""

    def name(self) -> str:
        return "action_contact"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_contact", **contact_values(domain))
        return []


class ActionRequestHuman(Action):
    """Give the contact details and mark the conversation for officials to review."""

    def name(self) -> str:
        return "action_request_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_handoff", **contact_values(domain))
        return [SlotSet("handoff_requested", True)]


class ActionFallback(Action):
    """Help to rephrase, offering the procedures nearest to the message."""

    def name(self) -> str:
        return "action_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        hits = []
        text = latest_text(tracker)
        if text:
            try:
                hits = get_search().search(text, 3).hits
            except InvalidQuery:
                hits = []
        if hits:
            buttons = procedure_buttons(hits, "ask_procedure_overview")
            dispatcher.utter_message(response="utter_fallback", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_fallback_no_suggestion")
        return []
