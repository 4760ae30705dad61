"""The bot's answer from a procedure record that is not saved yet (the admin's preview).

The same code and the same Vietnamese texts (``domain.yml``) as the running assistant.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from actions.common import fragment
from actions.render import answer_response
from trolyao.models import Procedure, utcnow
from trolyao.records import ProcedureRecord, apply_record
from trolyao.settings import PROJECT_ROOT


@lru_cache(maxsize=1)
def _domain() -> dict[str, Any]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    return {"responses": dict(domain.get("responses", {}))}


def render_answer(record: ProcedureRecord, attribute: str) -> str:
    """What the assistant would say about ``attribute`` of ``record``."""
    procedure = apply_record(
        Procedure(),
        ProcedureRecord.model_validate(
            record.model_dump(include=set(ProcedureRecord.model_fields))
        ),
    )
    procedure.updated_at = utcnow()
    domain = _domain()
    response, values = answer_response(procedure, attribute, domain)
    return fragment(domain, response, **values)
