"""The bot's answer from a procedure record that is not saved yet (the admin's preview).

The same code and the same Vietnamese texts (``domain.yml``) as the running assistant.
"""

from __future__ import annotations

from trolyao.kb.models import Procedure
from trolyao.kb.records import ProcedureRecord, apply_record
from trolyao.replies.answers import answer_response
from trolyao.replies.domain import fragment, load_domain
from trolyao.schema import utcnow


def render_answer(record: ProcedureRecord, attribute: str) -> str:
    """What the assistant would say about ``attribute`` of ``record``."""
    procedure = apply_record(
        Procedure(),
        ProcedureRecord.model_validate(
            record.model_dump(include=set(ProcedureRecord.model_fields))
        ),
    )
    procedure.updated_at = utcnow()
    domain = load_domain()
    response, values = answer_response(procedure, attribute, domain)
    return fragment(domain, response, **values)
