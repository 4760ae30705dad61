"""Where the citizen lives: read from what they type (old or new names, with or without
diacritics), kept in the slot ``place_code`` for the conversation, and used by the
answers: the office of their commune for commune-level procedures, the old name's new
unit said once, a plain answer to "lên huyện" (there is no district level since 1 July
2025), and a pointer elsewhere for people outside the province.

Helpers only; the action that takes a place (``action_inform_place``) is in
:mod:`actions.rerouting`, since a place given may answer a pending procedure question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import entity, latest_text
from trolyao.db import get_engine
from trolyao.places.gazetteer import Place, Unit, gazetteer
from trolyao.places.models import office
from trolyao.replies import contact_bullets, fragment
from trolyao.replies.buttons import button
from vntext import fold

MAX_BUTTONS = 8
# "lên huyện", "UBND huyện", "công an huyện", "ra xã hay lên huyện": the district level
_DISTRICT_QUESTION = re.compile(
    r"\b(?:len|tren|ra|cap|ubnd|uy ban(?: nhan dan)?|cong an|phong [a-z]+(?: [a-z]+)?"
    r"|bo phan mot cua|mot cua|tu phap)\s+(?:h|huyen)\b"
    r"|\b(?:xa|tinh) hay (?:len )?huyen\b|\bhuyen hay (?:xa|tinh)\b"
)


def district_question(text: str) -> bool:
    """Whether ``text`` asks about the district level ("lên huyện", "UBND huyện" …)."""
    return bool(_DISTRICT_QUESTION.search(fold(text)))


def place_button(unit: Unit) -> dict[str, str]:
    """A button that says the citizen lives in ``unit``."""
    return button(unit.title, "inform_place", place_code=unit.code)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _list(units: tuple[Unit, ...]) -> str:
    titles = [u.title for u in units]
    return ", ".join(titles[:-1]) + f" và {titles[-1]}" if len(titles) > 1 else titles[0]


@dataclass
class PlaceReading:
    """What the latest message said about the citizen's place, and what follows from it."""

    place: Place
    code: str | None  # the place now known (from this message or before)
    changed: bool = False  # this message gave (or changed) it
    events: list[EventType] = field(default_factory=list)


def read_place(
    tracker: Tracker, dispatcher: CollectingDispatcher, domain: DomainDict
) -> PlaceReading:
    """Read the place in the latest message, say what needs saying about it (old name,
    ambiguity, elsewhere), and return the slot events."""
    g = gazetteer()
    known = tracker.get_slot("place_code")
    chosen = entity(tracker, "place_code")
    if chosen and g.unit(chosen):
        place = Place("found", unit=g.unit(chosen))
    else:
        place = g.resolve(latest_text(tracker))
    if place.status == "found" and place.unit is not None:
        events: list[EventType] = [SlotSet("place_code", place.unit.code)]
        if tracker.get_slot("place_outside"):
            events.append(SlotSet("place_outside", None))
        explained = list(tracker.get_slot("places_explained") or [])
        old = place.old
        if old and old.code not in explained and old.title.lower() != place.unit.title.lower():
            dispatcher.utter_message(
                response="utter_place_old_now",
                old_title=_capital(old.title),
                district_title=old.district.title,
                place_title=place.unit.said,
            )
            events.append(SlotSet("places_explained", [*explained, old.code][-20:]))
        return PlaceReading(place, place.unit.code, place.unit.code != known, events)
    if place.status == "ambiguous" and place.candidates:
        buttons = [place_button(u) for u in place.candidates[:MAX_BUTTONS]]
        if place.old is not None:
            dispatcher.utter_message(
                response="utter_place_split",
                old_title=_capital(place.old.title),
                district_title=place.old.district.title,
                place_list=_list(place.candidates),
                buttons=buttons,
            )
        elif place.old_district is not None:
            dispatcher.utter_message(
                response="utter_place_district",
                district_title=place.old_district.title,
                place_list=_list(place.candidates),
                buttons=buttons if len(place.candidates) <= MAX_BUTTONS else [],
            )
        else:
            dispatcher.utter_message(
                response="utter_place_ambiguous", mention=place.mention, buttons=buttons
            )
    elif place.status == "outside" and place.province:
        dispatcher.utter_message(response="utter_place_outside", province=place.province)
        return PlaceReading(place, known, events=[SlotSet("place_outside", place.province)])
    return PlaceReading(place, known)


def office_values(domain: DomainDict, code: str) -> dict[str, str] | None:
    """The values of ``utter_place_office`` for unit ``code``: its office and contact, or
    that the contact is not known yet; ``None`` for an unknown code."""
    with Session(get_engine()) as session:
        found = office(session, code)
    unit = gazetteer().unit(code)
    if found is None or unit is None:
        return None
    values = {"place_title": unit.title, "place_name_lower": unit.said}
    if found.known:
        contact = contact_bullets(
            domain,
            (
                ("address", found.address),
                ("phone", found.phone),
                ("hours", found.hours),
                ("map", found.map_url),
            ),
        )
    else:
        contact = fragment(domain, "utter_fragment_office_unknown", **values)
    return {**values, "office_contact": contact}


def names_a_local_place(text: str) -> bool:
    """Whether ``text`` says the citizen is somewhere in the province (a message the
    model took for something else: "giờ tôi chuyển về thị trấn Na Sầm")."""
    return bool(text) and gazetteer().resolve(text).status in ("found", "ambiguous")


def after_place_answer(
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    levels: list[str],
    code: str | None,
    outside: str | None = None,
) -> None:
    """After "nơi nộp" of a commune-level procedure: the citizen's office, or the question
    (never to someone who said they live in another province: they were told where to go)."""
    if "xa" not in (levels or []) or (outside and not code):
        return
    values = office_values(domain, code) if code else None
    if values:
        dispatcher.utter_message(response="utter_place_office", **values)
    else:
        dispatcher.utter_message(response="utter_place_ask")
