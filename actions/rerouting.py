"""Re-routing: messages the model put under one intent that say something else.

A citizen's message can look like small talk, a place or nothing understood and still be
a question the assistant can answer: "giờ tôi chuyển về thị trấn Na Sầm" (a place), "có
phải lên huyện không" (the district level is gone), "bà ngoại tôi vừa qua đời sáng nay" (a
situation a procedure is for). The actions whose intent is least sure (out of scope, a
place given, the fallback, and a dossier status or a contact asked without the words that
ask them) read the message again here, in one order, with one helper (:func:`reroute`).
This module sits above :mod:`actions.procedures`, :mod:`actions.places`,
:mod:`actions.dossiers` and :mod:`actions.support`; no action calls another's ``run()``.
"""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import entity, latest_text
from actions.dossiers import receipt_code, tell_dossier_status
from actions.places import district_question, names_a_local_place, read_place
from actions.procedures import answer_procedure, procedure_in_question
from actions.suggestions import offer_life_events, offer_situation, procedure_buttons, small_talk
from actions.support import tell_contact
from trolyao.errors import InvalidQuery
from trolyao.kb.search import get_search
from trolyao.places.gazetteer import gazetteer
from trolyao.replies.questions import asked_attributes
from vntext import fold, normalize_tokens


def reroute(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType] | None:
    """Answer what the latest message says instead of its intent, in this order: a place of
    the province (where the citizen lives), the district level, a question about a procedure
    it names, a situation told without a question. ``None`` when it says none of them."""
    text = latest_text(tracker)
    if names_a_local_place(text):
        return inform_place(dispatcher, tracker, domain)
    if district_question(text):
        dispatcher.utter_message(response="utter_no_district_level")
        return []
    if asked_attributes(text) and procedure_in_question(text):
        # a question about a procedure the model did not take for one ("lập kế hoạch mua
        # tem điện tử thì khai theo mẫu nào"): its question words and the name decide
        return answer_procedure(dispatcher, tracker, domain)
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
    # "cả nhà sẽ chuyển về ở phường Tam Thanh": the place, and what the story needs
    if text and status in ("found", "ambiguous"):
        if asked_attributes(text) and procedure_in_question(text):
            return [*events, *answer_procedure(dispatcher, tracker, domain)]
        offer_situation(dispatcher, text)
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
        if small_talk(text):
            dispatcher.utter_message(response="utter_small_talk")
            return []
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


#: Words that ask for a contact ("cho tôi số điện thoại", "địa chỉ ở đâu", "hotline").
_CONTACT_WORDS = re.compile(
    r"\b(?:so dien thoai|sdt|dien thoai|lien he|lien lac|hotline|duong day nong|tong dai"
    r"|email|e-mail|thu dien tu|dia chi|tru so|van phong|goi|zalo|facebook|fanpage"
    r"|gio lam viec|may gio|gap truc tiep|gap can bo)\b"
)
#: Words that say a dossier exists ("đã nộp hồ sơ", "tra cứu", "hồ sơ của tôi đến đâu").
_DOSSIER_WORDS = re.compile(
    r"\b(?:da nop|nop roi|ho so cua|tra cuu|tinh trang|den dau|ma ho so|bien nhan"
    r"|giay hen|phieu hen|xu ly chua|xu ly den|da gui|ma bien nhan|ket qua ho so)\b"
)


class ActionCheckDossierStatus(Action):
    """The status of the dossier whose receipt code the citizen gave. Without a code, only
    a message that speaks of a dossier already submitted is asked for one; any other (a
    story the model took for a look-up: "giấy khai sinh chưa có tên bố") is read again."""

    def name(self) -> str:
        return "action_check_dossier_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = receipt_code(tracker)
        if code:
            tell_dossier_status(dispatcher, domain, code)
            return []
        text = latest_text(tracker)
        if text and (asked_attributes(text) or not _DOSSIER_WORDS.search(fold(text))):
            rerouted = reroute(dispatcher, tracker, domain)
            if rerouted is not None:
                return rerouted
        dispatcher.utter_message(response="utter_ask_receipt_code")
        return []


class ActionContact(Action):
    """The help desk's (or a commune office's) contact; a message that asks for none (a
    story the model took for a contact request) is read again first."""

    def name(self) -> str:
        return "action_contact"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = latest_text(tracker)
        if text and not _CONTACT_WORDS.search(" ".join(normalize_tokens(text))):
            rerouted = reroute(dispatcher, tracker, domain)
            if rerouted is not None:
                return rerouted
        return tell_contact(dispatcher, tracker, domain)
