"""Dossier status look-ups by receipt code (the action, which first checks that the message
is about a dossier at all, is in :mod:`actions.rerouting`)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import entity, latest_text
from trolyao.db import get_engine
from trolyao.kb.repository import RECEIPT_CODE_RE, get_dossier
from trolyao.replies import contact_values, fragment

_DATE = "%d/%m/%Y"


def receipt_code(tracker: Tracker) -> str | None:
    """The receipt code of the latest message (a button's entity, or typed), upper-cased."""
    code = entity(tracker, "receipt_code")
    if not code:
        match = RECEIPT_CODE_RE.search(latest_text(tracker))
        code = match.group(0) if match else None
    return code.upper() if code else None


def tell_dossier_status(dispatcher: CollectingDispatcher, domain: DomainDict, code: str) -> None:
    """Say the status of dossier ``code``, or that it is not found (with the help desk)."""
    with Session(get_engine()) as session:
        dossier = get_dossier(session, code)
        if dossier is None:
            dispatcher.utter_message(
                response="utter_dossier_not_found", receipt_code=code, **contact_values(domain)
            )
            return
        unknown = fragment(domain, "utter_fragment_unknown")
        dispatcher.utter_message(
            response="utter_dossier_status",
            receipt_code=dossier.receipt_code,
            procedure=dossier.procedure.name if dossier.procedure else unknown,
            agency=dossier.agency or unknown,
            status=fragment(domain, f"utter_fragment_status_{dossier.status}"),
            received=dossier.received_at.strftime(_DATE),
            due=dossier.due_at.strftime(_DATE) if dossier.due_at else unknown,
        )
