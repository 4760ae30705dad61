"""Dossier status look-ups by receipt code."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import entity, latest_text
from trolyao.db import get_engine
from trolyao.kb.repository import RECEIPT_CODE_RE, get_dossier
from trolyao.replies import contact_values, fragment

_DATE = "%d/%m/%Y"


class ActionCheckDossierStatus(Action):
    """Tell the status of the dossier whose receipt code the citizen gave."""

    def name(self) -> str:
        return "action_check_dossier_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = entity(tracker, "receipt_code")
        if not code:
            match = RECEIPT_CODE_RE.search(latest_text(tracker))
            code = match.group(0) if match else None
        if not code:
            dispatcher.utter_message(response="utter_ask_receipt_code")
            return []
        code = code.upper()
        with Session(get_engine()) as session:
            dossier = get_dossier(session, code)
            if dossier is None:
                dispatcher.utter_message(
                    response="utter_dossier_not_found", receipt_code=code, **contact_values(domain)
                )
                return []
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
        return []
