"""The edge's side of a hand-off: a citizen's contact, taken from the raw message before
redaction and kept only in the hand-off table (:mod:`trolyao.handoffs`)."""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from trolyao.handoffs import record_contact
from trolyao.redaction import contacts, redact

log = logging.getLogger(__name__)

# What the engine gets instead of a message that left a contact: the hand-off request
# again, saying the contact is recorded (the text itself, redacted, is the description).
CONTACT_GIVEN = '/request_human{"handoff_contact": "given"}'


class HandoffDesk:
    """Records contacts for the cases that wait for one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def capture(self, sender: str, text: str, reply_to: str | None = None) -> bool:
        """If ``text`` holds a phone number or an e-mail and ``sender`` has a case waiting
        for a contact, keep them with the redacted text as the description."""
        found = contacts(text)
        if not found:
            return False
        try:
            with Session(self.engine) as session, session.begin():
                case = record_contact(session, sender, "; ".join(found), redact(text), reply_to)
                return case is not None
        except Exception as exc:  # the database is down: never log the text or the contact
            log.warning("hand-off contact not recorded: %s", type(exc).__name__)
            return False
