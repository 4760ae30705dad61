"""The citizen's "hữu ích / chưa hữu ích" feedback on an answer."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import entity, latest_text
from trolyao.replies import contact_values, feedback_polarity


class ActionRecordFeedback(Action):
    """Thank for the feedback; the feedback itself is the intent and entity in the tracker."""

    def name(self) -> str:
        return "action_record_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        value = entity(tracker, "feedback_value")
        if value is None:
            value = feedback_polarity(latest_text(tracker))
        if value == "down":
            dispatcher.utter_message(response="utter_feedback_sorry", **contact_values(domain))
        else:
            dispatcher.utter_message(response="utter_feedback_thanks")
        return []
