"""The knowledge base's tables: procedures (the national record shape), their versions,
and submitted dossiers.

Fees and processing times belong to each submission channel, as in the national
procedure database (``cach_thuc_thuc_hien``). Unknown facts are stored as NULL, never
guessed. Any change to these tables advances ``kb_state.revision`` in the same
transaction, so that every process's search index follows it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from trolyao.schema import Base, check_in, utcnow

ONLINE_LEVELS = ("toan_trinh", "mot_phan", "khong")
CHANNEL_KINDS = ("truc_tiep", "truc_tuyen", "buu_chinh")
TIME_UNITS = ("gio", "ngay", "ngay_lam_viec", "trong_ngay")
FEE_KINDS = ("phi", "le_phi")
VALIDITY_STATES = ("dang_ap_dung", "het_hieu_luc", "thay_the")
ADMIN_LEVELS = ("trung_uong", "tinh", "huyen", "xa", "co_quan_khac")
DOSSIER_STATES = (
    "da_tiep_nhan",
    "dang_xu_ly",
    "cho_bo_sung",
    "da_co_ket_qua",
    "da_tra_ket_qua",
    "tu_choi",
    "da_rut",
)


class Procedure(Base):
    """An administrative procedure (thủ tục hành chính) as citizens ask about it."""

    __tablename__ = "procedures"
    __table_args__ = (
        CheckConstraint(check_in("online_level", ONLINE_LEVELS), name="online_level_valid"),
        CheckConstraint(
            check_in("validity", VALIDITY_STATES, nullable=False), name="validity_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # ma_thu_tuc: the national code, e.g. 1.001193; NULL where the source gives none.
    code: Mapped[str | None] = mapped_column(String(16), unique=True)
    # A stable local key for URLs and references, for procedures without a national code too.
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    local_code: Mapped[str | None] = mapped_column(String(40))
    decision_no: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))
    # A short name for buttons and lists, telling it apart from its siblings (or NULL).
    short_name: Mapped[str | None] = mapped_column(String(60))
    # The life events it belongs to (trolyao/kb/life_events.py), for guided narrowing.
    life_events: Mapped[list[str]] = mapped_column(default=list)
    aliases: Mapped[list[str]] = mapped_column(default=list)
    # The situations in which citizens need it ("vừa sinh con", "bị mất căn cước"); search
    # reads them with the name and the aliases.
    situations: Mapped[list[str]] = mapped_column(default=list)
    field: Mapped[str] = mapped_column(String(200))
    procedure_type: Mapped[str | None] = mapped_column(String(200))
    levels: Mapped[list[str]] = mapped_column(default=list)
    subjects: Mapped[list[str]] = mapped_column(default=list)
    agency_competent: Mapped[str | None] = mapped_column(Text)
    agency_executing: Mapped[str | None] = mapped_column(Text)
    agency_delegated: Mapped[str | None] = mapped_column(Text)
    agency_coordinating: Mapped[str | None] = mapped_column(Text)
    submission_address: Mapped[str | None] = mapped_column(Text)
    steps: Mapped[list[str]] = mapped_column(default=list)
    dossier_sets: Mapped[int | None] = mapped_column(Integer)
    requirements: Mapped[str | None] = mapped_column(Text)
    results: Mapped[list[str]] = mapped_column(default=list)
    related_codes: Mapped[list[str]] = mapped_column(default=list)
    online_level: Mapped[str | None] = mapped_column(String(20))
    online_level_legacy: Mapped[int | None] = mapped_column(Integer)
    online_url: Mapped[str | None] = mapped_column(String(1000))
    province_code: Mapped[str | None] = mapped_column(String(8))
    province_name: Mapped[str | None] = mapped_column(String(100))
    validity: Mapped[str] = mapped_column(String(20), default="dang_ap_dung")
    effective_from: Mapped[dt.date | None] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    replaced_by: Mapped[str | None] = mapped_column(String(16))
    source_url: Mapped[str | None] = mapped_column(String(1000))
    source_collected_on: Mapped[dt.date | None] = mapped_column(Date)
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    source_note: Mapped[str | None] = mapped_column(Text)
    # Publication: the bot and the public API see only "published" rows; "retired" ones
    # stay for history and references. ``version`` is the published version's number.
    status: Mapped[str] = mapped_column(String(12), default="published", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    channels: Mapped[list[SubmissionChannel]] = relationship(
        back_populates="procedure",
        cascade="all, delete-orphan",
        order_by="SubmissionChannel.position",
    )
    documents: Mapped[list[Document]] = relationship(
        cascade="all, delete-orphan", order_by="Document.position"
    )
    legal_bases: Mapped[list[LegalBasis]] = relationship(
        cascade="all, delete-orphan", order_by="LegalBasis.position"
    )

    @property
    def key(self) -> str:
        """The national code when there is one, else the local slug."""
        return self.code or self.slug

    def __repr__(self) -> str:
        return f"<Procedure {self.key} {self.name!r}>"


class SubmissionChannel(Base):
    """A way to submit (cách thức thực hiện), with its own processing time and fees.

    ``kind`` is NULL when the source states a time or fee without saying for which channel.
    """

    __tablename__ = "submission_channels"
    __table_args__ = (
        CheckConstraint(check_in("kind", CHANNEL_KINDS), name="channel_kind_valid"),
        CheckConstraint(check_in("time_unit", TIME_UNITS), name="time_unit_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str | None] = mapped_column(String(20))
    time_value: Mapped[float | None] = mapped_column(Float)
    time_unit: Mapped[str | None] = mapped_column(String(20))
    time_text: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)

    procedure: Mapped[Procedure] = relationship(back_populates="channels")
    fees: Mapped[list[Fee]] = relationship(cascade="all, delete-orphan", order_by="Fee.position")


class Fee(Base):
    """A fee or charge (phí / lệ phí) of one submission channel."""

    __tablename__ = "fees"
    __table_args__ = (CheckConstraint(check_in("kind", FEE_KINDS), name="fee_kind_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("submission_channels.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str | None] = mapped_column(String(10))
    amount_vnd: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    exemption: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    # The last day the amount applies, when the source says so (NULL: no end stated).
    valid_until: Mapped[dt.date | None] = mapped_column(Date)


class Document(Base):
    """A document of the dossier (thành phần hồ sơ)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(Text)
    case: Mapped[str | None] = mapped_column(Text)
    originals: Mapped[int | None] = mapped_column(Integer)
    copies: Mapped[int | None] = mapped_column(Integer)
    form_name: Mapped[str | None] = mapped_column(Text)
    form_url: Mapped[str | None] = mapped_column(String(1000))


class LegalBasis(Base):
    """A legal document the procedure rests on (căn cứ pháp lý)."""

    __tablename__ = "legal_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    issued_on: Mapped[dt.date | None] = mapped_column(Date)


class KnowledgeBaseState(Base):
    """One row whose ``revision`` grows with every change to the knowledge base.

    Search indexes compare it with the revision they were built at, so an edit is
    visible to every process (API, action server) at its next question.
    """

    __tablename__ = "kb_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )


class Dossier(Base):
    """A dossier (hồ sơ) a citizen has submitted, looked up by its receipt code."""

    __tablename__ = "dossiers"
    __table_args__ = (
        CheckConstraint(
            check_in("status", DOSSIER_STATES, nullable=False), name="dossier_status_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_code: Mapped[str] = mapped_column(String(40), unique=True)
    procedure_id: Mapped[int | None] = mapped_column(
        ForeignKey("procedures.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    agency: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    procedure: Mapped[Procedure | None] = relationship()


class ProcedureVersion(Base):
    """One saved version of a procedure record (draft, published or retired), never changed.

    ``record`` is the whole record in the national database's shape; the live
    ``procedures`` row is the latest published version's copy.
    """

    __tablename__ = "procedure_versions"
    __table_args__ = (UniqueConstraint("procedure_key", "version", name="uq_procedure_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_key: Mapped[str] = mapped_column(String(200), index=True)  # the stable slug
    code: Mapped[str | None] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SourceRecord(Base):
    """A raw record as a source gave it (a national-portal line), kept by its sha256 so
    that every imported fact can be traced to the text it was read from."""

    __tablename__ = "source_records"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    format: Mapped[str] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(16), index=True)
    url: Mapped[str | None] = mapped_column(String(1000))
    collected_on: Mapped[dt.date | None] = mapped_column(Date)
    raw: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


_KB_MODELS = (Procedure, SubmissionChannel, Fee, Document, LegalBasis)


@event.listens_for(Session, "before_flush")
def _bump_kb_revision(session: Session, _context: Any, _instances: Any) -> None:
    """Advance the knowledge base's revision in the same transaction as any change to it."""
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, _KB_MODELS) for obj in changed):
        session.execute(
            update(KnowledgeBaseState)
            .where(KnowledgeBaseState.id == 1)
            .values(revision=KnowledgeBaseState.revision + 1, updated_at=utcnow())
        )
