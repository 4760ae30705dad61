"""Staff accounts and the audit log (role ``admin``): list, create, change roles, deactivate,
set new passwords; who did what, when."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    HTTPException,
    Path,
    Query,
)
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.deps import DENIED, SessionDep, require_roles
from trolyao.accounts.auth import (
    USERNAME_RE,
    InvalidUser,
    create_user,
    hash_password,
    locked,
    unlock,
)
from trolyao.accounts.models import ApiToken, User
from trolyao.accounts.roles import ADMIN_ROLES, ROLES, Role
from trolyao.audit import AuditEntry, audit
from trolyao.errors import InvalidRecord
from trolyao.schema import iso

router = APIRouter(prefix="/api/admin", tags=["accounts"])
Admin = Annotated[User, Depends(require_roles(*ADMIN_ROLES))]


@router.get("/audit", responses=DENIED)
def audit_log(
    _user: Admin,
    session: SessionDep,
    target: Annotated[str | None, Query(max_length=200)] = None,
    username: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Who did what, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if target:
        query = query.where(AuditEntry.target == target)
    if username:
        query = query.where(AuditEntry.username == username)
    return {
        "items": [
            {
                "at": iso(e.at),
                "username": e.username,
                "action": e.action,
                "target": e.target,
                "version": e.version,
                "detail": e.detail,
            }
            for e in session.scalars(query)
        ]
    }


class UserIn(BaseModel):
    """A new staff account."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=3, max_length=64)
    role: Role
    password: str = Field(min_length=10, max_length=256)


class UserPatch(BaseModel):
    """Changes to a staff account."""

    model_config = ConfigDict(extra="forbid")
    role: Role | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=10, max_length=256)


def _user_out(user: User, session: Session) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "active": user.active,
        "locked": locked(session, user.username),
        "created_at": iso(user.created_at),
    }


@router.get("/users", responses=DENIED)
def list_users(_user: Admin, session: SessionDep) -> dict[str, Any]:
    """Every staff account."""
    return {
        "roles": list(ROLES),
        "items": [
            _user_out(u, session) for u in session.scalars(select(User).order_by(User.username))
        ],
    }


@router.post("/users", status_code=201, responses={**DENIED, 422: {}})
def add_user(admin: Admin, session: SessionDep, body: UserIn) -> dict[str, Any]:
    """Create a staff account."""
    try:
        user = create_user(session, body.username, body.password, body.role)
    except InvalidUser as exc:
        raise InvalidRecord(exc.message, [{"field": "username", "message": exc.message}]) from exc
    audit(session, admin.username, "user_create", user.username, None, {"role": body.role})
    session.commit()
    return _user_out(user, session)


@router.patch("/users/{username}", responses={**DENIED, 404: {}, 422: {}})
def change_user(
    admin: Admin,
    session: SessionDep,
    username: Annotated[str, Path(pattern=USERNAME_RE.pattern)],
    body: UserPatch,
) -> dict[str, Any]:
    """Change a staff account's role, deactivate or reactivate it, or set a new password."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise HTTPException(404, detail="Không tìm thấy tài khoản.")
    if user.id == admin.id and (body.role not in (None, "admin") or body.active is False):
        raise InvalidRecord(
            "Không tự bỏ quyền quản trị của chính mình.",
            [{"field": "role", "message": "Hãy nhờ một quản trị viên khác."}],
        )
    changed: dict[str, Any] = {}
    if body.role is not None and body.role != user.role:
        changed["role"] = [user.role, body.role]
        user.role = body.role
    if body.active is not None and body.active != user.active:
        changed["active"] = body.active
        user.active = body.active
    if body.password is not None:
        user.password_hash = hash_password(body.password)
        unlock(session, user.username)
        changed["password"] = True
    if changed.get("role") or body.active is False or body.password is not None:
        # a changed account signs in again
        session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    audit(session, admin.username, "user_update", user.username, None, changed)
    session.commit()
    return _user_out(user, session)
