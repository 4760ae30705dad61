"""Knowledge-base administration (roles ``admin`` and ``editor``): procedures with versions,
the publication workflow, import and export, the bot-answer preview. Staff accounts and
the audit log are in :mod:`api.routes.accounts`."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import (
    APIRouter,
    Body,
    Depends,
    File,
    Header,
    HTTPException,
    Path,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from api.deps import DENIED, SessionDep, require_roles
from trolyao.accounts.models import User
from trolyao.accounts.roles import ADMIN_ROLES, KNOWLEDGE_BASE_ROLES
from trolyao.kb import admin as kbadmin
from trolyao.kb import changes, spreadsheet, validation
from trolyao.kb import export as kbexport
from trolyao.kb import transfer as kb_import
from trolyao.kb import versions as kbversions
from trolyao.kb.repository import KEY_PATTERN
from trolyao.settings import get_settings

router = APIRouter(prefix="/api/admin", tags=["admin"])
Editor = Annotated[User, Depends(require_roles(*KNOWLEDGE_BASE_ROLES))]
Admin = Annotated[User, Depends(require_roles(*ADMIN_ROLES))]
ProcedureKey = Annotated[
    str, Path(pattern=KEY_PATTERN, description="Mã thủ tục (vd 1.001193) hoặc mã nội bộ")
]
MAX_IMPORT_BYTES = 100 * 1024 * 1024


def _etag(record: dict[str, Any]) -> dict[str, str]:
    return {"ETag": f'"{record["version"]}"'}


def _if_match(value: str | None) -> int | None:
    if not value:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d{1,9})"?\s*', value)
    if match is None:
        raise HTTPException(400, detail='If-Match phải là số phiên bản, ví dụ "3".')
    return int(match.group(1))


@router.get("/procedures", responses=DENIED)
def list_procedures(
    _user: Editor,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    status: Annotated[Literal["draft", "published", "retired"] | None, Query()] = None,
    field: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Every procedure (published, retired, draft-only), searched and filtered."""
    return kbversions.list_procedures(
        session, q=q, status=status, field=field, page=page, page_size=page_size
    )


@router.post("/procedures", status_code=201, responses={**DENIED, 422: {}})
def create_procedure(
    user: Editor, session: SessionDep, record: Annotated[dict[str, Any], Body()]
) -> Response:
    """Create a procedure (as a draft unless ``status`` is ``published``)."""
    saved, _created = kbadmin.save(session, None, record, user=user.username)
    session.commit()
    return _json(saved, 201)


@router.get("/procedures/{code}", responses={**DENIED, 404: {}})
def get_procedure(_user: Editor, session: SessionDep, code: ProcedureKey) -> Response:
    """The editable record: the latest version, with ``status`` and ``version``."""
    return _json(kbadmin.editable(session, code))


@router.put("/procedures/{code}", responses={**DENIED, 409: {}, 422: {}, 428: {}})
def put_procedure(
    user: Editor,
    session: SessionDep,
    code: ProcedureKey,
    record: Annotated[dict[str, Any], Body()],
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> Response:
    """Save the record as a new version; ``"status": "published"`` puts it live at once.

    Send back the ``version`` you loaded (or ``If-Match``): if someone saved in between,
    the answer is 409 and nothing is overwritten.
    """
    saved, created = kbadmin.save(
        session, code, record, user=user.username, expected=_if_match(if_match)
    )
    session.commit()
    return _json(saved, 201 if created else 200)


class VersionIn(BaseModel):
    """The version an action is based on."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=0, le=1_000_000)


class RollbackIn(VersionIn):
    """Roll back to ``to_version``, based on the current ``version``."""

    to_version: int = Field(ge=1, le=1_000_000)


@router.post("/procedures/{code}/publish", responses={**DENIED, 404: {}, 409: {}})
def publish(user: Editor, session: SessionDep, code: ProcedureKey, body: VersionIn) -> Response:
    """Publish the latest version (a draft) as it is."""
    saved = kbadmin.publish(session, code, body.version, user=user.username)
    session.commit()
    return _json(saved)


@router.post("/procedures/{code}/retire", responses={**DENIED, 404: {}, 409: {}})
def retire(user: Editor, session: SessionDep, code: ProcedureKey, body: VersionIn) -> Response:
    """Take the procedure away from the bot and the public API (history is kept)."""
    saved = kbadmin.retire(session, code, body.version, user=user.username)
    session.commit()
    return _json(saved)


@router.post("/procedures/{code}/restore", responses={**DENIED, 404: {}, 409: {}})
def restore(user: Editor, session: SessionDep, code: ProcedureKey, body: VersionIn) -> Response:
    """Bring a retired procedure back."""
    saved = kbadmin.restore(session, code, body.version, user=user.username)
    session.commit()
    return _json(saved)


@router.post("/procedures/{code}/rollback", responses={**DENIED, 404: {}, 409: {}})
def rollback(user: Editor, session: SessionDep, code: ProcedureKey, body: RollbackIn) -> Response:
    """Publish the record of an earlier version as a new version."""
    saved = kbadmin.rollback(session, code, body.to_version, body.version, user=user.username)
    session.commit()
    return _json(saved)


@router.get("/procedures/{code}/versions", responses={**DENIED, 404: {}})
def versions(_user: Editor, session: SessionDep, code: ProcedureKey) -> dict[str, Any]:
    """Every saved version, newest first."""
    return {"items": kbversions.history(session, code)}


@router.get("/procedures/{code}/versions/{number}", responses={**DENIED, 404: {}})
def version(
    _user: Editor,
    session: SessionDep,
    code: ProcedureKey,
    number: Annotated[int, Path(ge=1, le=1_000_000)],
) -> dict[str, Any]:
    """The record of one version."""
    return kbversions.version_record(session, code, number)


@router.get("/procedures/{code}/diff", responses={**DENIED, 404: {}})
def version_diff(
    _user: Editor,
    session: SessionDep,
    code: ProcedureKey,
    start: Annotated[int, Query(alias="from", ge=1, le=1_000_000)],
    end: Annotated[int, Query(alias="to", ge=1, le=1_000_000)],
) -> dict[str, Any]:
    """What changed between two versions, field by field."""
    before = kbversions.version_record(session, code, start)
    after = kbversions.version_record(session, code, end)
    return {"from": start, "to": end, "changes": changes.diff(before, after)}


class PreviewIn(BaseModel):
    """A record (saved or not) and what a citizen asks about it."""

    model_config = ConfigDict(extra="forbid")
    record: dict[str, Any]
    attribute: Literal[
        "overview", "documents", "fee", "duration", "place", "steps", "online", "requirements"
    ] = "overview"


@router.post("/preview", responses={**DENIED, 422: {}})
def preview(_user: Editor, body: PreviewIn) -> dict[str, Any]:
    """How the bot will answer, from this record, before it is saved or published."""
    from trolyao.replies.preview import render_answer

    record = validation.validate(body.record)
    return {"attribute": body.attribute, "text": render_answer(record, body.attribute)}


# ---------------------------------------------------------------- import and export


def _report_stream(
    engine: Any, path: FilePath, *, user: str, kind: str, dry_run: bool, status: str | None
) -> Iterator[str]:
    """NDJSON: progress lines, then the report."""
    lines: list[str] = []

    def progress(phase: str, rows: int) -> None:
        lines.append(json.dumps({"phase": phase, "rows": rows}))

    try:
        report = kb_import.import_file(
            engine,
            path,
            user=user,
            kind=kind,
            dry_run=dry_run,
            status=status,
            progress=progress,
            time_limit=get_settings().import_check_seconds,
        )
        result = {"phase": "done", **report.as_dict()}
    except spreadsheet.ImportFileError as exc:
        result = {"phase": "done", "error": exc.message, "written": False}
    finally:
        path.unlink(missing_ok=True)
    yield from (line + "\n" for line in lines)
    yield json.dumps(result, ensure_ascii=False) + "\n"


@router.post("/import", responses={**DENIED, 413: {}, 422: {}})
async def import_knowledge_base(
    user: Editor,
    request: Request,
    file: Annotated[
        UploadFile, File(description=".json, .csv, .xlsx, or national-portal records (.jsonl)")
    ],
    dry_run: bool = False,
    status: Annotated[Literal["draft", "published"] | None, Query()] = None,
    format: Annotated[Literal["json", "csv", "xlsx", "dvc-portal"] | None, Query()] = None,
) -> StreamingResponse:
    """Import procedures (upsert by code). A dry run reports every row's errors and writes
    nothing; a real run writes nothing either unless the whole file is clean, except for
    national-portal records (``format=dvc-portal`` or a .jsonl file), where rows with
    errors are skipped, the others written, and unreadable cells reported as notes. The
    answer is NDJSON: progress lines, then the report."""
    kind = spreadsheet.detect_format(FilePath(file.filename or "x"), format)
    handle = tempfile.NamedTemporaryFile(delete=False, suffix=f".{kind}")  # noqa: SIM115
    size = 0
    with handle:
        while chunk := await file.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_IMPORT_BYTES:
                FilePath(handle.name).unlink(missing_ok=True)
                raise HTTPException(413, detail="Tệp quá lớn (tối đa 100 MB).")
            handle.write(chunk)
    path = FilePath(handle.name)
    return StreamingResponse(
        _report_stream(
            request.app.state.engine,
            path,
            user=user.username,
            kind=kind,
            dry_run=dry_run,
            status=status,
        ),
        media_type="application/x-ndjson",
    )


@router.get("/export", responses=DENIED, response_class=FileResponse)
def export_knowledge_base(
    _user: Editor,
    request: Request,
    format: Annotated[Literal["json", "csv", "xlsx"], Query()] = "json",
) -> FileResponse:
    """The whole knowledge base (latest version of each procedure, with its status)."""
    folder = FilePath(tempfile.mkdtemp(prefix="trolyao-export-"))
    name = f"thu-tuc-hanh-chinh_{dt.date.today().isoformat()}.{format}"
    path = folder / name
    kbexport.export_file(request.app.state.engine, path, format)
    media = {
        "json": "application/json",
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[format]
    return FileResponse(
        path,
        media_type=media,
        filename=name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


# ---------------------------------------------------------------- audit and users


def _json(body: dict[str, Any], status: int = 200) -> Response:
    headers = _etag(body) if "version" in body else {}
    return JSONResponse(body, status_code=status, headers=headers)
