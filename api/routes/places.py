"""The province's administrative units for the knowledge base's keepers (roles ``admin``
and ``editor``): each commune office's contact, edited one by one or imported and
exported as CSV/XLSX with a dry run. The next answer uses what was saved."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from api.deps import DENIED, SessionDep, require_roles
from trolyao.accounts.models import User
from trolyao.accounts.roles import KNOWLEDGE_BASE_ROLES
from trolyao.audit import audit
from trolyao.places.models import AdminUnit, as_item, update_contact
from trolyao.places.transfer import PlacesFileError, detect_kind, export_bytes, import_bytes

router = APIRouter(prefix="/api/admin/places", tags=["admin"])
Keeper = Annotated[User, Depends(require_roles(*KNOWLEDGE_BASE_ROLES))]
UnitCode = Annotated[str, Path(pattern=r"^\d{5}$")]
MAX_FILE = 2 * 1024 * 1024
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ContactIn(BaseModel):
    """An office's contact; a field left out stays, an empty one is not known (null)."""

    model_config = ConfigDict(extra="forbid")

    address: Annotated[str, Field(max_length=500)] | None = None
    phone: Annotated[str, Field(max_length=100)] | None = None
    hours: Annotated[str, Field(max_length=300)] | None = None
    map_url: HttpUrl | Literal[""] | None = None


@router.get("", responses=DENIED)
def list_units(_user: Keeper, session: SessionDep) -> dict[str, Any]:
    """The 65 current units (by code), each with its office's contact and the old
    communes it took in."""
    from sqlalchemy import select

    rows = session.scalars(select(AdminUnit).order_by(AdminUnit.code)).all()
    return {"items": [as_item(r) for r in rows]}


@router.patch("/{code}", responses={**DENIED, 404: {}, 422: {}})
def patch_unit(user: Keeper, session: SessionDep, code: UnitCode, body: ContactIn) -> Any:
    """Change an office's contact; the next answer about that commune uses it."""
    given = body.model_dump(exclude_unset=True)
    values = {k: (str(v) if v is not None else None) for k, v in given.items()}
    changes = update_contact(session, code, values, user.username)
    if changes is None:
        raise HTTPException(404, detail="Không có đơn vị hành chính này.")
    if changes:
        audit(
            session,
            user.username,
            "update_place",
            code,
            None,
            {k: {"before": b, "after": a} for k, (b, a) in changes.items()},
        )
    session.commit()
    return as_item(session.get(AdminUnit, code))  # type: ignore[arg-type]


@router.get("/export", responses=DENIED, response_class=Response)
def export_units(
    _user: Keeper, session: SessionDep, format: Annotated[Literal["csv", "xlsx"], Query()] = "csv"
) -> Response:
    """Every unit's contact as CSV (UTF-8) or XLSX."""
    name = f"xa-phuong-lang-son_{dt.date.today().isoformat()}.{format}"
    return Response(
        export_bytes(session, format),
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/import", responses={**DENIED, 413: {}, 422: {}})
async def import_units(
    user: Keeper,
    session: SessionDep,
    file: Annotated[UploadFile, File(description=".csv or .xlsx, as the export writes it")],
    dry_run: bool = False,
    format: Annotated[Literal["csv", "xlsx"] | None, Query()] = None,
) -> dict[str, Any]:
    """Import the offices' contacts, matched by unit code. A dry run, or a file with any
    error, writes nothing and reports every error by row and column."""
    data = await file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise HTTPException(413, detail="Tệp quá lớn (tối đa 2 MB).")
    try:
        kind = detect_kind(file.filename or "", format)
        report = import_bytes(session, data, kind, user=user.username, dry_run=dry_run)
    except PlacesFileError as exc:
        raise HTTPException(422, detail=str(exc)) from exc
    if report.written:
        name = (file.filename or "tep")[:200]
        audit(session, user.username, "import_places", name, None, report.as_dict())
        session.commit()
    else:
        session.rollback()
    return report.as_dict()
