"""Reading and writing procedures and dossiers; the only module that writes SQL for them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from trolyao.errors import ProcedureNotFound
from trolyao.kb.models import Dossier, KnowledgeBaseState, Procedure, SubmissionChannel

#: A procedure's key: its national code (1.001193) or its slug. The one pattern the API's
#: paths and bodies check too.
KEY_PATTERN = r"^[0-9A-Za-z.\-]{1,200}$"
_KEY_RE = re.compile(KEY_PATTERN)


@dataclass(frozen=True)
class IndexRow:
    """The fields of a procedure that the search index reads."""

    id: int
    code: str | None
    slug: str
    name: str
    aliases: list[str]
    situations: list[str]
    field: str
    short_name: str | None = None
    life_events: tuple[str, ...] = ()


def get_procedure(session: Session, key: str, *, published_only: bool = True) -> Procedure:
    """Return the procedure whose national code or local key is ``key``, children loaded.

    Citizens (the bot, the public API) see only published procedures; administration
    passes ``published_only=False`` to reach retired ones too.

    Raises:
        ProcedureNotFound: no procedure has that code or key.
    """
    key = key.strip().lower()
    if not _KEY_RE.match(key):
        raise ProcedureNotFound(key[:50])
    conditions = [or_(Procedure.code == key, Procedure.slug == key)]
    if published_only:
        conditions.append(Procedure.status == "published")
    stmt = (
        select(Procedure)
        .where(*conditions)
        .options(
            selectinload(Procedure.channels).selectinload(SubmissionChannel.fees),
            selectinload(Procedure.documents),
            selectinload(Procedure.legal_bases),
        )
    )
    procedure = session.scalars(stmt).first()
    if procedure is None:
        raise ProcedureNotFound(key)
    return procedure


def find_procedure_id(session: Session, key: str) -> int | None:
    """Return the id of the procedure with national code or local key ``key``, if any."""
    stmt = select(Procedure.id).where(or_(Procedure.code == key, Procedure.slug == key))
    return session.scalar(stmt)


def in_force(today: dt.date | None = None) -> Any:
    """Published, in force, and within its effective dates (when it has any)."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    return and_(
        Procedure.status == "published",
        Procedure.validity == "dang_ap_dung",
        or_(Procedure.effective_from.is_(None), Procedure.effective_from <= today),
        or_(Procedure.effective_to.is_(None), Procedure.effective_to >= today),
    )


def index_rows(session: Session, today: dt.date | None = None) -> list[IndexRow]:
    """Return what the search index needs of every procedure in force."""
    stmt = select(
        Procedure.id,
        Procedure.code,
        Procedure.slug,
        Procedure.name,
        Procedure.aliases,
        Procedure.situations,
        Procedure.field,
        Procedure.short_name,
        Procedure.life_events,
    ).where(in_force(today))
    return [
        IndexRow(
            id=r.id,
            code=r.code,
            slug=r.slug,
            name=r.name,
            aliases=r.aliases,
            situations=r.situations or [],
            field=r.field,
            short_name=r.short_name,
            life_events=tuple(r.life_events or ()),
        )
        for r in session.execute(stmt)
    ]


#: A receipt code of the national dossier system ("000.00.12.H37-251124-0007").
RECEIPT_CODE_RE = re.compile(r"\b\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}-\d{6}-\d{4}\b")


def get_dossier(session: Session, receipt_code: str) -> Dossier | None:
    """Return the dossier with ``receipt_code`` (case-insensitive), with its procedure."""
    stmt = (
        select(Dossier)
        .where(Dossier.receipt_code == receipt_code.strip().upper())
        .options(selectinload(Dossier.procedure))
    )
    return session.scalars(stmt).first()


def current_revision(session: Session) -> int:
    """Return the knowledge base's revision, which grows with every change to it."""
    revision = session.scalar(select(KnowledgeBaseState.revision).where(KnowledgeBaseState.id == 1))
    return int(revision or 0)
