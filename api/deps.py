"""FastAPI dependencies: one database session per request, the search service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from trolyao.search import ProcedureSearch


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
