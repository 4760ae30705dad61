"""Conversation analytics for officials (roles ``official`` or ``admin``).

The summary and the plan's measures, conversation review (list, redacted transcript,
tags and notes), the unanswered-questions inbox, and CSV exports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from api.deps import DENIED, SessionDep, require_roles
from trolyao.accounts.models import User
from trolyao.accounts.roles import ANALYTICS_ROLES, INBOX_ROLES
from trolyao.analytics.inbox import unanswered_groups
from trolyao.analytics.places import questions_by_place
from trolyao.analytics.reports import conversations_csv, report_csv
from trolyao.analytics.review import (
    MAX_NOTE,
    MAX_TAG,
    MAX_TAGS,
    ReviewError,
    ReviewFilter,
    conversation_detail,
    list_conversations,
    update_review,
)
from trolyao.analytics.summary import Range, summary
from trolyao.kb.repository import KEY_PATTERN
from trolyao.kb.stats import coverage
from trolyao.kb.teaching import TEACH_FIELDS, DraftPending, teach

router = APIRouter(prefix="/api/analytics", tags=["analytics"])
Official = Annotated[User, Depends(require_roles(*ANALYTICS_ROLES))]
Teacher = Annotated[User, Depends(require_roles(*INBOX_ROLES))]
MAX_DAYS = 3660
ChannelQuery = Annotated[str | None, Query(max_length=20, pattern=r"^[a-z_]+$")]


EARLIEST = dt.date(2000, 1, 1)  # no usage before the assistant; no date arithmetic overflow
LATEST = dt.date(2100, 12, 31)


def date_range(
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    channel: ChannelQuery = None,
) -> Range:
    """``from``/``to`` (UTC days, inclusive; the last 30 days by default) and a channel."""
    for day in (start, end):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise HTTPException(
                422, detail=f"Ngày phải trong khoảng {EARLIEST:%d/%m/%Y} – {LATEST:%d/%m/%Y}."
            )
    end = end or dt.datetime.now(dt.timezone.utc).date()
    start = start or end - dt.timedelta(days=29)
    if start > end:
        raise HTTPException(422, detail="Ngày bắt đầu phải trước ngày kết thúc.")
    if (end - start).days > MAX_DAYS:
        raise HTTPException(422, detail="Khoảng thời gian tối đa 10 năm.")
    return Range(start, end, channel or None)


DateRange = Annotated[Range, Depends(date_range)]


def review_filter(
    span: DateRange,
    intent: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z_]+$")] = None,
    procedure: Annotated[str | None, Query(max_length=200)] = None,
    fallback: bool | None = None,
    unanswered: bool | None = None,
    negative_feedback: bool | None = None,
    handoff: bool | None = None,
    tag: Annotated[str | None, Query(max_length=MAX_TAG)] = None,
) -> ReviewFilter:
    """What to list: the date range and channel, then what happened in the conversation."""
    return ReviewFilter(
        span,
        intent=intent or None,
        procedure=procedure or None,
        fallback=fallback,
        unanswered=unanswered,
        negative_feedback=negative_feedback,
        handoff=handoff,
        tag=tag or None,
    )


Filter = Annotated[ReviewFilter, Depends(review_filter)]
ConversationId = Annotated[int, Path(ge=1, le=2**62)]


class ReviewIn(BaseModel):
    """Tags and/or a note for a conversation (omitted fields are left as they are)."""

    model_config = ConfigDict(extra="forbid")

    tags: list[Annotated[str, Field(max_length=MAX_TAG)]] | None = Field(
        default=None, max_length=MAX_TAGS
    )
    note: str | None = Field(default=None, max_length=MAX_NOTE)


@router.get("/summary", responses=DENIED)
def get_summary(_user: Official, session: SessionDep, span: DateRange) -> dict[str, Any]:
    """Usage, quality and the plan's measures between ``from`` and ``to`` (UTC days)."""
    return summary(session, span)


@router.get("/kb-coverage", responses=DENIED)
def get_kb_coverage(_user: Official, session: SessionDep) -> dict[str, Any]:
    """Knowledge-base coverage: answer cells with a fact, per attribute (also against the
    cells the national-portal source has) and per field; as ``trolyao kb stats``."""
    return coverage(session).as_dict()


@router.get("/places", responses=DENIED)
def get_places(_user: Official, session: SessionDep, span: DateRange) -> dict[str, Any]:
    """Questions by commune: the turns whose citizen gave their xã/phường (or was answered
    for it), per current unit of the province, between ``from`` and ``to``."""
    return questions_by_place(session, span)


@router.get("/report.csv", responses=DENIED, response_class=Response)
def get_report_csv(_user: Official, session: SessionDep, span: DateRange) -> Response:
    """The plan report as CSV (measures, then messages by day)."""
    name = f"bao-cao-tro-ly-ao_{span.start}_{span.end}.csv"
    return Response(
        report_csv(summary(session, span)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/conversations", responses=DENIED)
def get_conversations(
    _user: Official,
    session: SessionDep,
    where: Filter,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Conversations matching the filters, newest first, one page at a time."""
    return list_conversations(session, where, page=page, page_size=page_size)


@router.get("/conversations.csv", responses=DENIED, response_class=StreamingResponse)
def get_conversations_csv(_user: Official, request: Request, where: Filter) -> Response:
    """Every conversation matching the filters, as CSV."""
    name = f"hoi-thoai_{where.span.start}_{where.span.end}.csv"

    def rows() -> Iterator[str]:
        # Its own session: the response streams after the request's session has closed.
        with Session(request.app.state.engine) as session:
            yield from conversations_csv(session, where)

    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/conversations/{conversation_id}", responses={**DENIED, 404: {}})
def get_conversation(
    _user: Official, session: SessionDep, conversation_id: ConversationId
) -> dict[str, Any]:
    """A conversation and its redacted transcript."""
    detail = conversation_detail(session, conversation_id)
    if detail is None:
        raise HTTPException(404, detail="Không tìm thấy cuộc hội thoại.")
    return detail


@router.patch("/conversations/{conversation_id}", responses={**DENIED, 404: {}})
def patch_conversation(
    user: Official, session: SessionDep, conversation_id: ConversationId, body: ReviewIn
) -> dict[str, Any]:
    """Set a conversation's tags and/or note."""
    try:
        detail = update_review(
            session,
            conversation_id,
            tags=body.tags,
            note=body.note,
            note_given="note" in body.model_fields_set,
            reviewer=user.username,
        )
    except ReviewError as exc:
        raise HTTPException(
            422, detail=[{"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}]
        ) from exc
    if detail is None:
        raise HTTPException(404, detail="Không tìm thấy cuộc hội thoại.")
    session.commit()
    return detail


@router.get("/unanswered", responses=DENIED)
def get_unanswered(
    _user: Official,
    session: SessionDep,
    span: DateRange,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """The unanswered-questions inbox: similar failed questions grouped, biggest first."""
    return unanswered_groups(session, span, limit=limit)


class AttachQuestion(BaseModel):
    """A failed question, and the procedure it was about."""

    question: str = Field(min_length=1, max_length=500)
    procedure: str = Field(min_length=1, max_length=200, pattern=KEY_PATTERN)
    as_: Literal["situation", "alias"] = Field(default="situation", alias="as")


@router.post("/unanswered/attach", responses={**DENIED, 404: {}, 409: {}, 422: {}})
def attach_question(user: Teacher, session: SessionDep, body: AttachQuestion) -> dict[str, Any]:
    """Add a failed question's wording to the procedure it was about (its situations, or
    its aliases), published at once with an audit entry: search finds it at the next question."""
    try:
        saved = teach(session, body.procedure, body.question, as_=body.as_, user=user.username)
    except DraftPending as exc:
        session.rollback()
        raise HTTPException(409, detail=exc.message) from exc
    session.commit()
    field = TEACH_FIELDS[body.as_]
    return {
        "procedure": {
            "key": saved["ma_thu_tuc"] or saved["ma_noi_bo"],
            "code": saved["ma_thu_tuc"],
            "name": saved["ten_thu_tuc"],
        },
        "version": saved["version"],
        "added_to": field,
        field: saved[field],
    }
