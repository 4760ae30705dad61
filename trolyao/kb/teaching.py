"""Turning a citizen's failed question into knowledge: its wording becomes a situation (or
another name) of the procedure it was about, published at once, so that search finds the
procedure at the next such question. Officials do it from the unanswered-questions inbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from trolyao.errors import InvalidRecord, ProcedureNotFound, TroLyAoError
from trolyao.kb.admin import editable, locate, save
from trolyao.kb.records import to_record
from trolyao.kb.validation import record_json
from vntext import fold

TEACH_FIELDS = {"situation": "tinh_huong", "alias": "ten_goi_khac"}


class DraftPending(TroLyAoError):
    """The procedure has an unpublished draft: changing the live record would bury it."""


def teach(session: Session, key: str, question: str, *, as_: str, user: str) -> dict[str, Any]:
    """Add a citizen's failed question to a published procedure's situations (or aliases)
    and publish it at once, so that search finds it at the next question.

    Raises:
        ProcedureNotFound: no published procedure has that code or key.
        DraftPending: the procedure has an unpublished draft (publish or discard it first).
        InvalidRecord: the question is empty, too long, or has no words.
    """
    field = TEACH_FIELDS[as_]
    wording = " ".join(str(question).split())[:500]
    if not any(ch.isalpha() for ch in wording):
        raise InvalidRecord(
            "Câu hỏi chưa có chữ nào để thêm.", [{"field": "question", "message": "Trống."}]
        )
    current = locate(session, key)
    if current is None or current.live is None or current.live.status != "published":
        raise ProcedureNotFound(key[:50])
    if current.latest is not None and current.latest.status == "draft":
        raise DraftPending(
            "Thủ tục đang có bản nháp chưa xuất bản. Hãy xuất bản hoặc bỏ bản nháp rồi thêm."
        )
    record = record_json(to_record(current.live))
    if fold(wording) in {fold(item) for item in record[field]}:
        return editable(session, current.slug)
    record[field] = [*record[field], wording]
    data = {**record, "status": "published", "version": current.version}
    saved, _ = save(session, current.slug, data, user=user, action="teach_question")
    return saved
