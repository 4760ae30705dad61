"""SQLAlchemy models of the knowledge base and of submitted dossiers.

The procedure tables follow the national procedure database's record shape
(``cach_thuc_thuc_hien`` etc.): fees and processing times belong to each
submission channel. Unknown facts are stored as NULL, never guessed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ONLINE_LEVELS = ("toan_trinh", "mot_phan", "khong")
CHANNEL_KINDS = ("truc_tiep", "truc_tuyen", "buu_chinh")
TIME_UNITS = ("gio", "ngay", "ngay_lam_viec", "trong_ngay")
FEE_KINDS = ("phi", "le_phi")
VALIDITY_STATES = ("dang_ap_dung", "het_hieu_luc", "thay_the")
ADMIN_LEVELS = ("trung_uong", "tinh", "huyen", "xa", "co_quan_khac")
ROLES = ("admin", "editor", "official")
DOSSIER_STATES = (
    "da_tiep_nhan",
    "dang_xu_ly",
    "cho_bo_sung",
    "da_co_ket_qua",
    "da_tra_ket_qua",
    "tu_choi",
    "da_rut",
)


def _in(column: str, values: tuple[str, ...], *, nullable: bool = True) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    clause = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {clause}" if nullable else clause


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` as an aware UTC datetime (SQLite returns naive ones for aware columns)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}  # noqa: RUF012


class Procedure(Base):
    """An administrative procedure (thủ tục hành chính) as citizens ask about it."""

    __tablename__ = "procedures"
    __table_args__ = (
        CheckConstraint(_in("online_level", ONLINE_LEVELS), name="online_level_valid"),
        CheckConstraint(_in("validity", VALIDITY_STATES, nullable=False), name="validity_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # ma_thu_tuc: the national code, e.g. 1.001193; NULL where the source gives none.
    code: Mapped[str | None] = mapped_column(String(16), unique=True)
    # A stable local key for URLs and references, for procedures without a national code too.
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    local_code: Mapped[str | None] = mapped_column(String(40))
    decision_no: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))
    aliases: Mapped[list[str]] = mapped_column(default=list)
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
        CheckConstraint(_in("kind", CHANNEL_KINDS), name="channel_kind_valid"),
        CheckConstraint(_in("time_unit", TIME_UNITS), name="time_unit_valid"),
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
    __table_args__ = (CheckConstraint(_in("kind", FEE_KINDS), name="fee_kind_valid"),)

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
        CheckConstraint(_in("status", DOSSIER_STATES, nullable=False), name="dossier_status_valid"),
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


class DeletionRequest(Base):
    """A citizen's request to delete their conversation data, carried out by the worker."""

    __tablename__ = "deletion_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    first_pass_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    events_deleted: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """A staff account: ``admin``, ``editor`` (knowledge base) or ``official`` (analytics)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES, nullable=False), name="role_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

    user: Mapped[User] = relationship()


class Conversation(Base):
    """A sender's conversation: turns no more than an hour apart (Rasa's session length).

    Officials review it, tag it and leave a note; the sender id itself is never shown.
    """

    __tablename__ = "analytics_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    turn_count: Mapped[int] = mapped_column(Integer, default=0)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Turn(Base):
    """One citizen message and how the assistant answered it (analytics; text is redacted)."""

    __tablename__ = "analytics_turns"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(300), unique=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("analytics_conversations.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(64), index=True)
    confidence: Mapped[float | None] = mapped_column(Float)
    action: Mapped[str | None] = mapped_column(String(64))
    response: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    procedure_key: Mapped[str | None] = mapped_column(String(200), index=True)
    attribute: Mapped[str | None] = mapped_column(String(20))
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback: Mapped[str | None] = mapped_column(String(4))
    bot_messages: Mapped[int] = mapped_column(Integer, default=0)
    response_ms: Mapped[int | None] = mapped_column(Integer)
    reply: Mapped[str | None] = mapped_column(Text)

    conversation: Mapped[Conversation | None] = relationship()


class IngestCheckpoint(Base):
    """How far the ingester has read a source (the broker's last event id)."""

    __tablename__ = "ingest_checkpoints"

    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IngestedMessage(Base):
    """A broker message already ingested (queues deliver at least once: this drops repeats)."""

    __tablename__ = "ingested_messages"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    ingested_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class DailyUsage(Base):
    """Per UTC day and channel, the additive figures of the summary (rebuilt from turns)."""

    __tablename__ = "analytics_daily"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    users: Mapped[int] = mapped_column(Integer, default=0)  # distinct senders, this channel
    day_users: Mapped[int] = mapped_column(Integer, default=0)  # distinct senders, all channels
    bot_messages: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    questions: Mapped[int] = mapped_column(Integer, default=0)
    fallbacks: Mapped[int] = mapped_column(Integer, default=0)
    handoffs: Mapped[int] = mapped_column(Integer, default=0)
    feedback_up: Mapped[int] = mapped_column(Integer, default=0)
    feedback_down: Mapped[int] = mapped_column(Integer, default=0)
    unanswered: Mapped[int] = mapped_column(Integer, default=0)
    online_links: Mapped[int] = mapped_column(Integer, default=0)


class DailyUser(Base):
    """Who wrote on a day and channel (for exact distinct counts over any range)."""

    __tablename__ = "analytics_daily_users"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    answered: Mapped[int] = mapped_column(Integer, default=0)


class DailyKey(Base):
    """Per day and channel, how often an intent, a procedure, or an answered procedure
    (``kind`` = ``intent`` | ``procedure`` | ``answered``) came up."""

    __tablename__ = "analytics_daily_keys"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class DailyLatency(Base):
    """Per day and channel, a histogram of response times (10 ms buckets under 1 s,
    100 ms under 10 s, 1 s above, up to 120 s)."""

    __tablename__ = "analytics_daily_latency"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket_ms: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


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


class AuditEntry(Base):
    """Who did what to the knowledge base or to staff accounts, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str | None] = mapped_column(String(200), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
