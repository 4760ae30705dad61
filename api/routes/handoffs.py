"""Hand-off cases for officials: the queue (mới, đang xử lý, đã xong) and its follow-up.

The queue is for the roles of :data:`HANDOFF_ROLES`, a page at a time. A case's contact is
shown in full to its assignee and to admins, masked to the others until they take it, and
every answer that shows one in full is written to the audit log (who saw which cases'
contacts, when). A case names the conversation it was opened in (its transcript on the
staff pages), never the citizen's sender id. Changes are audited by field, never by value.
Closing a case tells the citizen on Telegram or Zalo, where the channel can reach them."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    HTTPException,
    Path,
    Query,
    Request,
)
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api.deps import DENIED, SessionDep, require_roles
from trolyao.accounts.models import User
from trolyao.accounts.roles import HANDOFF_ROLES
from trolyao.analytics.models import Conversation
from trolyao.audit import audit
from trolyao.handoffs import Handoff, as_item, list_cases, may_see_contact, update_case

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/handoffs", tags=["handoffs"])
Handler = Annotated[User, Depends(require_roles(*HANDOFF_ROLES))]
Status = Literal["moi", "dang_xu_ly", "da_xong"]


class HandoffChange(BaseModel):
    """Any of: the status, the assigned official, a note."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    assignee: Annotated[str, Field(max_length=64)] | None = None
    note: Annotated[str, Field(max_length=5000)] | None = None


def _shown(user: User, case: Handoff) -> bool:
    return may_see_contact(case, user.username, user.role == "admin")


def _audit_contacts(session: Any, user: User, cases: list[Handoff], action: str) -> None:
    shown = [c.id for c in cases if c.contact and _shown(user, c)]
    if shown:
        audit(session, user.username, action, None, None, {"handoffs": shown[:500]})


def _conversation(session: Any, case: Handoff) -> int | None:
    """The analytics conversation in which ``case`` was opened (the sender's latest that
    started by then; else their latest), or None before the worker has counted it."""
    query = select(Conversation.id).where(Conversation.sender_id == case.sender_id)
    found = session.scalar(
        query.where(Conversation.started_at <= case.created_at)
        .order_by(Conversation.started_at.desc())
        .limit(1)
    )
    if found is None:
        found = session.scalar(query.order_by(Conversation.started_at.desc()).limit(1))
    return int(found) if found is not None else None


def _item(session: Any, user: User, case: Handoff) -> dict[str, Any]:
    return as_item(
        case, contact_shown=_shown(user, case), conversation=_conversation(session, case)
    )


@router.get("", responses=DENIED)
def get_handoffs(
    user: Handler,
    session: SessionDep,
    status: Annotated[Status | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> dict[str, Any]:
    """The cases, newest first, of one status (``moi``, ``dang_xu_ly``, ``da_xong``) or all,
    ``limit`` at a time; ``next`` is the ``before`` of the following page (null at the end)."""
    cases = list_cases(session, status, limit=limit + 1, before=before)
    page, more = cases[:limit], len(cases) > limit
    _audit_contacts(session, user, page, "view_handoff_contacts")
    items = [_item(session, user, c) for c in page]
    session.commit()
    return {"items": items, "next": page[-1].id if more and page else None}


@router.patch("/{handoff_id}", responses={**DENIED, 404: {}, 422: {}})
def patch_handoff(
    user: Handler,
    session: SessionDep,
    request: Request,
    tasks: BackgroundTasks,
    change: HandoffChange,
    handoff_id: Annotated[int, Path(ge=1, le=2**62)],
) -> dict[str, Any]:
    """Change the status, the assignee or the note of a case; closing it (``da_xong``)
    tells the citizen where the channel can reach them."""
    case = session.get(Handoff, handoff_id)
    if case is None:
        raise HTTPException(404, detail="Không có yêu cầu này.")
    changes = change.model_dump(exclude_unset=True)
    if changes.get("status") is None:
        changes.pop("status", None)
    closed_now = update_case(session, case, changes)
    # which fields changed, and the status (not personal); never a note's or name's value
    detail: dict[str, Any] = {"fields": sorted(changes)}
    if "status" in changes:
        detail["status"] = changes["status"]
    audit(session, user.username, "update_handoff", str(case.id), None, detail)
    _audit_contacts(session, user, [case], "view_handoff_contacts")
    item = _item(session, user, case)
    session.commit()
    if closed_now and case.reply_to and case.channel in ("telegram", "zalo"):
        tasks.add_task(notify_closed, request.app, case.id)
    return item


async def notify_closed(app: Any, handoff_id: int) -> None:
    """Tell the citizen on their channel that their request has been handled."""
    from sqlalchemy.orm import Session

    from trolyao.replies import edge_reply
    from trolyao.schema import utcnow
    from trolyao.settings import get_settings

    with Session(app.state.engine) as session, session.begin():
        case = session.get(Handoff, handoff_id)
        if case is None or case.notified_at is not None or not case.reply_to:
            return
        text = edge_reply("handoff_closed")
        settings = get_settings()
        try:
            if case.channel == "telegram" and settings.telegram_bot_token:
                from telegram import Bot

                bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_base_url)
                async with bot:
                    await bot.send_message(int(case.reply_to), text)
            elif case.channel == "zalo" and app.state.zalo is not None:
                await app.state.zalo.tell(case.reply_to, text)
            else:
                return
        except Exception as exc:  # the channel may be down: the official still closed it
            log.warning("could not tell the citizen of hand-off %s: %s", handoff_id, exc)
            case.attempts += 1
            return
        case.notified_at = utcnow()
