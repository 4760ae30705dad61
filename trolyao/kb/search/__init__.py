"""Procedure search: rank procedures for a citizen's whole chat message."""

from trolyao.kb.search.index import SearchHit, SearchIndex, SearchResult
from trolyao.kb.search.service import ProcedureSearch, get_search, search_procedures, validate_query

__all__ = [
    "ProcedureSearch",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
    "get_search",
    "search_procedures",
    "validate_query",
]
