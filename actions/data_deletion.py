"""Deleting a citizen's conversation data, after they confirm."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from trolyao.db import session_scope
from trolyao.deletion import request_deletion


class ActionAskDataDeletion(Action):
    """Ask the citizen to confirm the deletion."""

    def name(self) -> str:
        return "action_ask_data_deletion"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_ask_data_deletion")
        return [SlotSet("pending_deletion", True)]


class ActionDeleteData(Action):
    """Record the confirmed request; the worker deletes the sender's data shortly after."""

    def name(self) -> str:
        return "action_delete_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with session_scope() as session:
            request_deletion(session, tracker.sender_id)
        dispatcher.utter_message(response="utter_data_deleted")
        # channels that keep the conversation on the citizen's device (the web widget)
        # clear it too
        dispatcher.utter_message(json_message={"clear_history": True})
        return [SlotSet("pending_deletion", False)]


class ActionCancelDataDeletion(Action):
    """Keep the data: the citizen said no."""

    def name(self) -> str:
        return "action_cancel_data_deletion"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_data_deletion_cancelled")
        return [SlotSet("pending_deletion", False)]
