"""The help desk's contact details for admins: what the bot tells citizens to call."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from api.deps import DENIED, SessionDep, require_roles
from trolyao.accounts.models import User
from trolyao.accounts.roles import ADMIN_ROLES
from trolyao.audit import audit
from trolyao.helpdesk import current, save

router = APIRouter(prefix="/api/admin/help-desk", tags=["admin"])
Admin = Annotated[User, Depends(require_roles(*ADMIN_ROLES))]


class HelpDeskIn(BaseModel):
    """The details; an empty or missing one is not known (the bot says so)."""

    model_config = ConfigDict(extra="forbid")

    phone: Annotated[str, Field(max_length=100)] | None = None
    email: Annotated[str, Field(max_length=200)] | None = None
    address: Annotated[str, Field(max_length=500)] | None = None
    hours: Annotated[str, Field(max_length=300)] | None = None


@router.get("", responses=DENIED)
def get_help_desk(_user: Admin, session: SessionDep) -> dict[str, str | None]:
    """The details the bot gives now."""
    return current(session).as_dict()


@router.put("", responses={**DENIED, 422: {}})
def put_help_desk(user: Admin, session: SessionDep, body: HelpDeskIn) -> dict[str, str | None]:
    """Replace the details; the next answer uses them."""
    desk = save(session, body.model_dump(), user.username)
    audit(session, user.username, "update_help_desk", None, None, desk.as_dict())
    session.commit()
    return desk.as_dict()
