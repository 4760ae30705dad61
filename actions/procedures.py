"""Answers about procedures: overview, documents, fee, duration, place, steps, online, conditions.

Which procedure? A button's ``procedure_key`` first; else a search of the message (a
procedure named in the message switches the conversation to it); else, for follow-ups
such as "còn lệ phí thì sao?", the procedure last discussed (slot ``procedure_key``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.common import earlier_text, entity, latest_intent, latest_text
from actions.places import after_place_answer, district_question, office_values, read_place
from actions.suggestions import (
    CLOSE_SCORE,
    MAX_CHOICES,
    offer_life_events,
    offer_situation,
    procedure_buttons,
    small_talk,
)
from trolyao.db import get_engine
from trolyao.errors import InvalidQuery, ProcedureNotFound
from trolyao.kb.life_events import label_of
from trolyao.kb.models import Procedure
from trolyao.kb.repository import get_procedure, in_force
from trolyao.kb.search import SearchHit, get_search
from trolyao.kb.search.guide import MAX_EVENT_CHOICES, event_procedures
from trolyao.replies import contact_values, fragment
from trolyao.replies.answers import ATTRIBUTES, INTENT_OF, answer_response, attribute_values
from trolyao.replies.buttons import button
from trolyao.replies.questions import asked_attributes

MAX_LISTED = 15
# With a procedure already in the conversation, a follow-up switches to another one only
# when it names it clearly ("em là sinh viên thì lệ phí bao nhiêu?" must not leave it).
SWITCH_SCORE = 0.6
# A question's best candidate is answered as a guess from this score (see _best_guess).
GUESS_SCORE = 0.25


class ActionAnswerProcedure(Action):
    """Answer the asked attribute of the procedure in question, from the knowledge base."""

    def name(self) -> str:
        return "action_answer_procedure"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return answer_procedure(dispatcher, tracker, domain)

    @classmethod
    def answer(
        cls, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The answer (:func:`answer_procedure`)."""
        intent = latest_intent(tracker)
        # the question words decide over the intent; a button or a bare name keeps the intent's
        asked = asked_attributes(latest_text(tracker))
        attributes = asked or [ATTRIBUTES.get(intent) or tracker.get_slot("last_attribute")]
        attributes = [a or "overview" for a in attributes]
        attribute = attributes[0]
        intent = INTENT_OF.get(attribute, intent)
        # where the citizen lives, when this message says it (old names said once)
        place = read_place(tracker, dispatcher, domain)
        if district_question(latest_text(tracker)):
            dispatcher.utter_message(response="utter_no_district_level")
        with Session(get_engine(), expire_on_commit=False) as session:
            in_context = bool(tracker.get_slot("procedure_key"))
            if (
                place.changed
                and not in_context
                and not cls._names_procedure(session, latest_text(tracker))
            ):
                # a story set in a commune: the procedures it needs, not the office
                if offer_situation(dispatcher, latest_text(tracker)):
                    return place.events
                # "sđt ubnd p. Đông Kinh là bn": about the commune's office, no procedure
                values = office_values(domain, place.code) if place.code else None
                if values:
                    dispatcher.utter_message(response="utter_place_office", **values)
                    return place.events
            others: list[SearchHit] = []
            procedure = cls._resolve(
                dispatcher, tracker, domain, session, intent, attribute, bool(asked), others
            )
            if procedure is None:
                return [SlotSet("last_attribute", attribute), *place.events]
            known = [
                cls._answer(dispatcher, domain, procedure, each, entity(tracker, "detail"))
                for each in attributes
            ]
            if others:  # the best guess was answered: the others are one press away
                dispatcher.utter_message(
                    response="utter_procedure_others", buttons=procedure_buttons(others, intent)
                )
            events = list(place.events)
            if "place" in attributes:
                outside = tracker.get_slot("place_outside") or place.place.province
                after_place_answer(dispatcher, domain, procedure.levels, place.code, outside)
                if place.code and not place.events:  # the turn counts for its commune
                    events.append(SlotSet("place_code", place.code))
            if any(known):  # no "was this helpful?" after an answer that had nothing to give
                dispatcher.utter_message(response="utter_feedback_prompt")
            return [
                SlotSet("procedure_key", procedure.key),
                SlotSet("procedure_name", procedure.name),
                SlotSet("last_attribute", attribute),
                *events,
            ]

    @classmethod
    def _best_guess(
        cls,
        dispatcher: CollectingDispatcher,
        session: Session,
        hits: Sequence[SearchHit],
        asked: bool,
        others: list[SearchHit] | None,
    ) -> Procedure | None:
        """A question with question words ("…thì mấy ngày làm việc?") whose procedure search
        is not sure of, but whose best candidate scores at least :data:`GUESS_SCORE`: that
        one is answered, said to be a guess, and the next candidates are offered after the
        answer. A fact of a named procedure, and the way to the others in one press, serve
        better than a list of names to choose from before any answer."""
        if not asked or not hits or hits[0].score < GUESS_SCORE or others is None:
            return None
        procedure = cls._load(session, hits[0].key)
        if procedure is None:
            return None
        dispatcher.utter_message(response="utter_procedure_best_guess")
        others.extend(hits[1:MAX_CHOICES])
        return procedure

    @classmethod
    def _same_answer(
        cls, session: Session, domain: DomainDict, keys: list[str], attribute: str
    ) -> Procedure | None:
        """The first of close candidates when every one of them gives the same answer to
        the fact asked ("xóa đăng ký phương tiện có mất phí không": free, whichever of the
        two is meant): answering is then true for each, and asking which would not help."""
        if attribute == "overview" or len(keys) < 2:
            return None
        loaded = [cls._load(session, key) for key in keys]
        answers = {
            json.dumps(attribute_values(p, attribute, domain), sort_keys=True, default=str)
            if p is not None
            else None
            for p in loaded
        }
        if len(answers) != 1 or None in answers or "null" in answers:
            return None
        return loaded[0]

    @classmethod
    def _resolve(
        cls,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        session: Session,
        intent: str,
        attribute: str = "overview",
        asked: bool = False,
        others: list[SearchHit] | None = None,
    ) -> Procedure | None:
        key = entity(tracker, "procedure_key")
        if key:
            try:
                return get_procedure(session, key)
            except ProcedureNotFound:
                pass
        text = latest_text(tracker)
        current = tracker.get_slot("procedure_key")
        result = None
        if text:
            try:
                result = get_search().search(text, 5, session=session)
            except InvalidQuery:
                result = None
        in_context = bool(current) and (
            result is None or not result.hits or result.hits[0].score < SWITCH_SCORE
        )
        if result is not None and result.matched and not in_context:
            keys = [h.key for h in result.hits]
            if result.ambiguous:
                close = [h for h in result.hits if result.hits[0].score - h.score < CLOSE_SCORE]
                if current in keys[: len(close)]:
                    return cls._load(session, current)
                same = cls._same_answer(session, domain, [h.key for h in close], attribute)
                if same is not None:
                    return same
                guess = cls._best_guess(dispatcher, session, result.hits, asked, others)
                if guess is not None:
                    return guess
                dispatcher.utter_message(
                    response="utter_procedure_choose",
                    buttons=procedure_buttons(close if len(close) > 1 else result.hits, intent),
                )
                offer_life_events(dispatcher, result.hits)
                return None
            return cls._load(session, keys[0])
        if current:
            procedure = cls._load(session, current)
            if procedure is not None:
                return procedure
        if result is not None and not current:
            guess = cls._best_guess(dispatcher, session, result.hits, asked, others)
            if guess is not None:
                return guess
        if not asked and offer_situation(dispatcher, text):  # a story, not a question
            return None
        if small_talk(text):  # the model heard a question in talk about life
            dispatcher.utter_message(response="utter_small_talk")
            return None
        if result is None or not result.terms:
            dispatcher.utter_message(response="utter_procedure_ask_which")
        else:
            dispatcher.utter_message(
                response="utter_procedure_not_found",
                buttons=procedure_buttons(result.hits, intent),
                **contact_values(domain),
            )
            offer_life_events(dispatcher, result.hits)
        return None

    @staticmethod
    def _names_procedure(session: Session, text: str) -> bool:
        """Whether ``text`` names a procedure well enough to answer about it."""
        if not text:
            return False
        try:
            result = get_search().search(text, 3, session=session)
        except InvalidQuery:
            return False
        return bool(result.matched)

    @staticmethod
    def _load(session: Session, key: str) -> Procedure | None:
        try:
            return get_procedure(session, key)
        except ProcedureNotFound:
            return None

    @staticmethod
    def _answer(
        dispatcher: CollectingDispatcher,
        domain: DomainDict,
        procedure: Procedure,
        attribute: str,
        detail: str | None = None,
    ) -> bool:
        """Say ``attribute`` of ``procedure``; whether the record knew it."""
        response, values = answer_response(procedure, attribute, domain, detail)
        dispatcher.utter_message(response=response, **values)
        if response.endswith("_unknown") and procedure.related_codes:
            ActionAnswerProcedure._related(dispatcher, domain, procedure, attribute)
        return not response.endswith("_unknown")

    @staticmethod
    def _related(
        dispatcher: CollectingDispatcher,
        domain: DomainDict,
        procedure: Procedure,
        attribute: str,
    ) -> None:
        """Where our record lacks a fact that a related national procedure states (the
        catalog's "Cấp thẻ căn cước" and the portal's by level), offer those."""
        session = Session.object_session(procedure)
        if session is None:
            return
        intent = INTENT_OF[attribute]
        related = session.scalars(
            select(Procedure)
            .where(Procedure.code.in_(procedure.related_codes), in_force())
            .order_by(Procedure.name)
        ).all()
        buttons = [
            button(r.name, intent, procedure_key=r.key)
            for r in related
            if attribute_values(r, attribute, domain) is not None
        ][:MAX_CHOICES]
        if buttons:
            dispatcher.utter_message(response="utter_procedure_related", buttons=buttons)


def procedure_in_question(text: str) -> bool:
    """Whether a question (``text``, with question words) names a procedure well enough to
    answer about it: a confident match, or a best candidate worth a guess (GUESS_SCORE)."""
    try:
        result = get_search().search(text, 1)
    except InvalidQuery:
        return False
    return bool(result.matched or (result.hits and result.hits[0].score >= GUESS_SCORE))


def answer_procedure(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType]:
    """Answer the asked attribute of the procedure in question: what ``action_answer_procedure``
    does, also for the re-routing actions that find a procedure question in another intent."""
    return ActionAnswerProcedure.answer(dispatcher, tracker, domain)


def _listed(domain: DomainDict, rows: Sequence[Any]) -> str:
    """Procedures as lines of a list ("• name (code)"), the first :data:`MAX_LISTED`."""
    lines = [f"• {r.name}" + (f" ({r.code})" if r.code else "") for r in rows]
    if len(lines) > MAX_LISTED:
        more = fragment(domain, "utter_fragment_more", count=len(lines) - MAX_LISTED)
        lines = [*lines[:MAX_LISTED], more]
    return "\n".join(lines)


class ActionListProcedures(Action):
    """List the fields the knowledge base covers, the procedures of one field, or those
    of one life event (a button offered when search was unsure)."""

    def name(self) -> str:
        return "action_list_procedures"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        event = entity(tracker, "life_event")
        if event:
            self._event(dispatcher, tracker, domain, event)
            return []
        with Session(get_engine()) as session:
            rows = session.execute(
                select(Procedure.name, Procedure.field, Procedure.code, Procedure.slug)
                .where(in_force())
                .order_by(Procedure.field, Procedure.name)
            ).all()
        fields = Counter(r.field for r in rows)
        wanted = entity(tracker, "field") or self._field_in_text(latest_text(tracker), fields)
        if wanted and wanted in fields:
            chosen = [r for r in rows if r.field == wanted]
            dispatcher.utter_message(
                response="utter_procedure_list",
                list_title=f"{wanted}:",
                procedures=_listed(domain, chosen),
                buttons=[
                    button(r.name, "ask_procedure_overview", procedure_key=r.code or r.slug)
                    for r in chosen[:MAX_CHOICES]
                ],
            )
            return []
        items = [
            fragment(domain, "utter_fragment_field_item", field=f, count=n)
            for f, n in sorted(fields.items())
        ]
        dispatcher.utter_message(
            response="utter_procedure_fields",
            count=len(rows),
            fields="\n".join(f"• {i}" for i in items),
            buttons=[button(f, "list_procedures", field=f) for f, _ in fields.most_common(6)],
        )
        return []

    @staticmethod
    def _event(
        dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, event: str
    ) -> None:
        """The procedures of life event ``event``, the nearest to what the citizen wrote
        before pressing it first."""
        rows = event_procedures(get_search().index(), event, earlier_text(tracker))
        if not rows:
            dispatcher.utter_message(response="utter_procedure_ask_which")
            return
        dispatcher.utter_message(
            response="utter_procedure_list",
            list_title=f"{label_of(event)}:",
            procedures=_listed(domain, rows),
            buttons=[
                button(
                    r.short_name or r.name, "ask_procedure_overview", procedure_key=r.code or r.slug
                )
                for r in rows[:MAX_EVENT_CHOICES]
            ],
        )

    @staticmethod
    def _field_in_text(text: str, fields: Counter[str]) -> str | None:
        from vntext import fold

        folded = fold(text)
        matches = [f for f in fields if fold(f) in folded]
        return max(matches, key=len) if matches else None
