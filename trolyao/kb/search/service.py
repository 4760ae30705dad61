"""The search service: an index per process, rebuilt when the knowledge base changes."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from trolyao.db import get_engine
from trolyao.errors import InvalidQuery
from trolyao.kb.repository import current_revision, index_rows
from trolyao.kb.search.index import SearchIndex, SearchResult
from trolyao.settings import get_settings
from vntext import clean_text, fold_tokens, has_control_chars

MAX_QUERY_CHARS = 1000


def validate_query(text: str, *, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Return ``text`` cleaned for searching, or raise :class:`InvalidQuery` saying why."""
    if has_control_chars(text):
        raise InvalidQuery("Câu hỏi chứa ký tự điều khiển không hợp lệ.", "control_characters")
    cleaned = clean_text(text)
    if not cleaned:
        raise InvalidQuery("Vui lòng nhập nội dung cần tìm.", "empty")
    if len(cleaned) > max_chars:
        raise InvalidQuery(
            f"Câu hỏi quá dài (tối đa {max_chars} ký tự). Vui lòng hỏi ngắn gọn hơn.", "too_long"
        )
    if not any(any(ch.isalnum() for ch in tok) for tok in fold_tokens(cleaned)):
        raise InvalidQuery("Câu hỏi chưa có chữ hoặc số nào để tìm.", "no_words")
    return cleaned


class ProcedureSearch:
    """Searches the procedures of one database; safe to share between threads.

    Every search reads the knowledge base's revision (one primary-key lookup) and
    rebuilds the index when an admin has changed anything, so edits show at once.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._index: SearchIndex | None = None
        self._revision: tuple[int, dt.date] = (-1, dt.date.min)
        self._lock = threading.Lock()

    def index(self, session: Session | None = None) -> SearchIndex:
        """Return an index that is current with the database."""
        if session is None:
            with Session(self.engine) as own:
                return self.index(own)
        # A new day can bring a procedure into force (or end one): the date is part of it.
        revision = (current_revision(session), dt.datetime.now(dt.timezone.utc).date())
        if self._index is None or revision != self._revision:
            with self._lock:
                if self._index is None or revision != self._revision:
                    self._index = SearchIndex(index_rows(session))
                    self._revision = revision
        return self._index

    def search(self, text: str, limit: int = 5, session: Session | None = None) -> SearchResult:
        """Rank procedures for a citizen's message.

        Raises:
            InvalidQuery: the text is empty, too long, or has nothing to search.
        """
        cleaned = validate_query(text)
        settings = get_settings()
        return self.index(session).search(
            cleaned,
            limit,
            threshold=settings.search_threshold,
            ambiguity_margin=settings.search_ambiguity_margin,
        )


_services: dict[str, ProcedureSearch] = {}
_services_lock = threading.Lock()


def get_search(engine: Engine | None = None) -> ProcedureSearch:
    """Return the process's search service for ``engine`` (default: the settings' database)."""
    engine = engine or get_engine()
    key = str(engine.url)
    with _services_lock:
        service = _services.get(key)
        if service is None:
            service = _services[key] = ProcedureSearch(engine)
    return service


def search_procedures(text: str, limit: int = 5, engine: Engine | None = None) -> SearchResult:
    """Rank procedures for a citizen's whole chat message (see :class:`ProcedureSearch`)."""
    return get_search(engine).search(text, limit)
