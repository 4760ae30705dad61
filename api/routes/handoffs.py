"""Hand-off cases for officials: the queue (mới, đang xử lý, đã xong) and its follow-up.

Contacts are shown only to the roles of :data:`HANDOFF_ROLES`, and every list or update
that shows one is written to the audit log (who saw which cases' contacts, when). Closing
a case tells the citizen on Telegram or Zalo, where the channel can reach them."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import DENIED, SessionDep, require_roles
from trolyao.accounts.models import User
from trolyao.accounts.roles import HANDOFF_ROLES
from trolyao.audit import audit
from trolyao.handoffs import Handoff, as_item, list_cases, update_case

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


def _audit_contacts(session: Any, user: User, cases: list[Handoff], action: str) -> None:
    shown = [c.id for c in cases if c.contact]
    if shown:
        audit(session, user.username, action, None, None, {"handoffs": shown[:500]})


@router.get("", responses=DENIED)
def get_handoffs(
    user: Handler, session: SessionDep, status: Annotated[Status | None, Query()] = None
) -> dict[str, Any]:
    """The cases, newest first, of one status (``moi``, ``dang_xu_ly``, ``da_xong``) or all."""
    cases = list_cases(session, status)
    _audit_contacts(session, user, cases, "view_handoff_contacts")
    session.commit()
    return {"items": [as_item(c) for c in cases]}


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
    audit(session, user.username, "update_handoff", str(case.id), None, changes)
    _audit_contacts(session, user, [case], "view_handoff_contacts")
    session.commit()
    if closed_now and case.reply_to and case.channel in ("telegram", "zalo"):
        tasks.add_task(notify_closed, request.app, case.id)
    return as_item(case)


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
