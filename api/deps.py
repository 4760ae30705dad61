"""FastAPI dependencies: one database session per request, the search service."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from trolyao.auth import user_for_token
from trolyao.models import User
from trolyao.search import ProcedureSearch

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_db(request: Request) -> Iterator[Session]:
    """Yield a session for this request; roll back if the request fails."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


def get_procedure_search(request: Request) -> ProcedureSearch:
    """Return the app's search service."""
    search: ProcedureSearch = request.app.state.search
    return search


SessionDep = Annotated[Session, Depends(get_db)]
SearchDep = Annotated[ProcedureSearch, Depends(get_procedure_search)]


def current_user(session: SessionDep, token: Annotated[str | None, Depends(oauth2)]) -> User:
    """The staff member of the bearer token; 401 without a valid one."""
    user = user_for_token(session, token) if token else None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Cần đăng nhập.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only ``roles`` through (403 for the others)."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Bạn không có quyền này.")
        return user

    return check
