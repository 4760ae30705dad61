"""An in-memory inverted index over procedure names, aliases and situations, scored by
coverage.

Each procedure contributes one *entry* per name, alias and situation. A term's weight is its
inverse document frequency. For a query, an entry's score combines how much of the
query the entry explains and how much of the entry the query mentions (an F-measure
over IDF weights), so a short alias said in full ("làm sổ đỏ") beats a long name that
shares one common word. Scores lie in [0, 1]; the best entry of a procedure counts.

Postings are numpy arrays, so a query touches only the entries that share a term
with it; typos are mapped to the nearest index syllable with rapidfuzz.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from trolyao.kb.repository import IndexRow
from trolyao.kb.search.concepts import concept_words
from trolyao.kb.search.cues import FOREIGN_TERMS, cue_terms
from trolyao.kb.search.paper_actions import action_of_name, wanted_actions
from trolyao.kb.search.text import NOT_TYPOS, STOPWORDS, Token, content_tokens, terms_of
from trolyao.kb.search.variants import MISFIT, VARIANTS, misfits, variants_of
from vntext import fold

NAME_WEIGHT = 1.0
ALIAS_WEIGHT = 0.96
SITUATION_WEIGHT = 0.92  # a situation ("vừa sinh con") says why, not what: a little less
CORRECTED_PENALTY = 0.7
ACCENT_MISMATCH_PENALTY = 0.25  # "vàng" typed, only "vắng" indexed: most likely another word
UNKNOWN_TOKEN_WEIGHT = 0.6
CUE_WEIGHT = 1.2  # a term implied by a cue (search/cues.py), not typed
CONCEPT_WEIGHT = 0.8  # a word of an official name an everyday phrase stands for (concepts.py)
BETA2 = 1.5  # > 1 favours recall of the entry (the entry said in full) over the query's
GENERIC_DOCS = 3
GENERIC_RECALL = 0.75
FAMILY_SHARE = 0.5
DOC_PRECISION_SHARE = 0.5  # part of the score from the query's coverage by the whole record
ACTION_FIT = 1.2  # the procedure does what the citizen asked for (search/paper_actions.py)
ACTION_MISFIT = 0.85  # it does something else with the same paper
FOREIGN_FIT = 1.12  # a foreign country or nationality named: "… có yếu tố nước ngoài"
DOMESTIC_FIT = 0.96  # none named: the domestic procedure is the likelier one
_CODE_RE = re.compile(r"(?<![\d.])([1-9]\.\d{6})(?![\d.])")


@dataclass(frozen=True)
class SearchHit:
    """One ranked procedure."""

    procedure_id: int
    code: str | None
    key: str
    name: str
    field: str
    score: float
    short_name: str | None = None  # for buttons: tells near-identical names apart


@dataclass
class SearchResult:
    """Ranked procedures for one query.

    Attributes:
        hits: the best candidates, best first, whatever their score.
        matched: whether the best candidate reaches the threshold.
        ambiguous: whether the second is too close to the first to pick one.
    """

    hits: list[SearchHit]
    matched: bool
    ambiguous: bool
    terms: list[str] = field(default_factory=list)

    def good_hits(self, threshold: float) -> list[SearchHit]:
        """Return the hits at or above ``threshold``."""
        return [hit for hit in self.hits if hit.score >= threshold]


@lru_cache(maxsize=200_000)
def _entry_of(text: str) -> tuple[tuple[str, ...], tuple[Token, ...]]:
    """Terms and accented words of a name or alias.

    Cached, so that rebuilding the index after an edit re-reads only the new text.
    """
    tokens = content_tokens(text, query=False)
    terms = tuple(dict.fromkeys(terms_of([t[0] if t else None for t in tokens])))
    return terms, tuple(dict.fromkeys(t for t in tokens if t))


def _entries(row: IndexRow) -> list[tuple[str, float]]:
    """The texts that name a record, each scored as a whole, with their weights: the
    official name, the short name and common names, and the situations."""
    return (
        [(row.name, NAME_WEIGHT)]
        + ([(row.short_name, ALIAS_WEIGHT)] if row.short_name else [])
        + [(alias, ALIAS_WEIGHT) for alias in row.aliases]
        + [(situation, SITUATION_WEIGHT) for situation in row.situations]
    )


class SearchIndex:
    """An immutable index of procedures, built from :class:`IndexRow` objects."""

    def __init__(self, rows: Iterable[IndexRow]) -> None:
        self.rows: list[IndexRow] = list(rows)
        self._by_code = {row.code: i for i, row in enumerate(self.rows) if row.code}
        self._accents: dict[str, set[str | None]] = {}
        term_ids: dict[str, int] = {}
        pair_entry: list[int] = []
        pair_term: list[int] = []
        entry_doc: list[int] = []
        entry_weight: list[float] = []
        for doc, row in enumerate(self.rows):
            for text, weight in _entries(row):
                terms, words = _entry_of(text)
                if not terms:
                    continue
                entry = len(entry_doc)
                entry_doc.append(doc)
                entry_weight.append(weight)
                for term in terms:
                    pair_entry.append(entry)
                    pair_term.append(term_ids.setdefault(term, len(term_ids)))
                for folded, accents in words:
                    self._accents.setdefault(folded, set()).add(accents)

        n_terms = len(term_ids)
        entries = np.asarray(pair_entry, dtype=np.int64)
        terms_arr = np.asarray(pair_term, dtype=np.int64)
        self._entry_doc = np.asarray(entry_doc, dtype=np.int64)
        self._entry_weight = np.asarray(entry_weight)
        self._name_entry = np.full(len(self.rows), -1, dtype=np.int64)  # doc -> its name's entry
        for entry, (doc, weight) in enumerate(zip(entry_doc, entry_weight, strict=True)):
            if weight == NAME_WEIGHT and self._name_entry[doc] < 0:
                self._name_entry[doc] = entry
        docs = self._entry_doc[entries] if len(entries) else entries
        # document frequency: distinct (term, doc) pairs per term
        doc_pairs = np.sort(terms_arr * max(len(self.rows), 1) + docs)
        if len(doc_pairs):
            doc_pairs = doc_pairs[np.concatenate(([True], doc_pairs[1:] != doc_pairs[:-1]))]
        doc_pair_term = doc_pairs // max(len(self.rows), 1)
        doc_pair_doc = doc_pairs % max(len(self.rows), 1)
        df = np.bincount(doc_pair_term, minlength=n_terms)
        n_docs = max(len(self.rows), 1)
        idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
        self.idf = dict(zip(term_ids, idf.tolist(), strict=False))
        self._term_ids = term_ids
        self._entry_total = np.bincount(entries, weights=idf[terms_arr], minlength=len(entry_doc))
        # postings in CSR form: the entries (and documents) of term t lie in [ptr[t], ptr[t+1])
        order = np.argsort(terms_arr, kind="stable")
        self._post_entries = entries[order]
        self._post_ptr = np.searchsorted(terms_arr[order], np.arange(n_terms + 1))
        self._doc_post = doc_pair_doc  # already sorted by term, since pairs were sorted
        self._doc_ptr = np.searchsorted(doc_pair_term, np.arange(n_terms + 1))
        self.vocabulary = sorted(t for t in term_ids if "_" not in t)
        actions = np.asarray([action_of_name(row.name) for row in self.rows], dtype=object)
        self._action_docs = {a: actions == a for a in set(actions.tolist())}
        self._foreign = np.asarray(["nuoc ngoai" in fold(row.name) for row in self.rows], bool)
        # which qualified variants (search/variants.py) each procedure's name is
        self._variant = np.zeros((len(VARIANTS), len(self.rows)), dtype=bool)
        for doc, row in enumerate(self.rows):
            for i in variants_of(row.name):
                self._variant[i, doc] = True
        self._joined = {t.replace("_", ""): t for t in term_ids if "_" in t}

    def _postings(self, term: str) -> np.ndarray:
        t = self._term_ids[term]
        return self._post_entries[self._post_ptr[t] : self._post_ptr[t + 1]]

    def _doc_postings(self, term: str) -> np.ndarray:
        t = self._term_ids[term]
        return self._doc_post[self._doc_ptr[t] : self._doc_ptr[t + 1]]

    def __len__(self) -> int:
        return len(self.rows)

    def _correct(self, token: str) -> tuple[list[str], bool]:
        """Map an unknown token to index syllables: a joined pair, or the nearest typo."""
        if token in self.idf or token in NOT_TYPOS or token.isdigit():
            return [token], False
        joined = self._joined.get(token)
        if joined:
            return joined.split("_"), True
        if len(token) >= 4 and self.vocabulary:
            max_distance = 1 if len(token) < 7 else 2
            match = process.extractOne(
                token, self.vocabulary, scorer=OSA.distance, score_cutoff=max_distance
            )
            if match is not None:
                return [match[0]], True
        return [token], False

    def query_terms(self, text: str, cues: tuple[str, ...] | None = None) -> dict[str, float]:
        """Return the weighted terms of a query, typos corrected.

        Unknown words get a negative weight: they count against coverage only.
        """
        if cues is None:
            cues = cue_terms(text)
        words: list[str | None] = []
        penalties: dict[str, float] = {}
        for token in content_tokens(text, query=True):
            if token is None:
                words.append(None)
                continue
            folded, accents = token
            fixed, was_fixed = self._correct(folded)
            words.extend(fixed)
            if was_fixed:
                for word in fixed:
                    penalties[word] = min(penalties.get(word, 1.0), CORRECTED_PENALTY)
            elif accents is not None:
                indexed = self._accents.get(folded)
                if indexed and None not in indexed and accents not in indexed:
                    penalties[folded] = min(penalties.get(folded, 1.0), ACCENT_MISMATCH_PENALTY)
        weights: dict[str, float] = {}
        for term in cues:
            idf = self.idf.get(term)
            if idf is not None:
                weights[term] = idf * CUE_WEIGHT
        for official in concept_words(text):
            for term in terms_of([w if w not in STOPWORDS else None for w in official]):
                idf = self.idf.get(term)
                if idf is not None:
                    weights[term] = max(idf * CONCEPT_WEIGHT, weights.get(term, 0.0))
        for term in terms_of(words):
            idf = self.idf.get(term)
            if idf is None:
                if "_" not in term:
                    weights[term] = -UNKNOWN_TOKEN_WEIGHT
                continue
            weight = idf * min(penalties.get(part, 1.0) for part in term.split("_"))
            weights[term] = max(weight, weights.get(term, 0.0))
        return weights

    def search(
        self, text: str, limit: int = 5, *, ambiguity_margin: float = 0.06, threshold: float = 0.31
    ) -> SearchResult:
        """Rank procedures for ``text``; see the module docstring for the score."""
        limit = max(1, min(limit, 50))
        code_match = _CODE_RE.search(text)
        if code_match and code_match.group(1) in self._by_code:
            doc = self._by_code[code_match.group(1)]
            return SearchResult([self._hit(doc, 1.0)], True, False, [code_match.group(1)])

        cues = cue_terms(text)
        weights = self.query_terms(text, cues)
        known = {t: w for t, w in weights.items() if w > 0}
        if not known or not len(self._entry_doc):
            return SearchResult([], False, False, sorted(weights))
        query_total = sum(known.values()) + sum(-w for w in weights.values() if w < 0)
        matched = np.zeros(len(self._entry_doc))
        doc_matched = np.zeros(len(self.rows))
        for term, weight in known.items():
            # the entry holds the term at full IDF; a corrected query term counts less
            matched[self._postings(term)] += weight
            doc_matched[self._doc_postings(term)] += weight
        entries = np.flatnonzero(matched)
        recall = matched[entries] / self._entry_total[entries]
        precision = matched[entries] / query_total
        f_score = (1 + BETA2) * precision * recall / (BETA2 * precision + recall)
        scores = np.minimum(f_score * self._entry_weight[entries], 1.0)
        doc_scores = np.zeros(len(self.rows))
        np.maximum.at(doc_scores, self._entry_doc[entries], scores)
        doc_recall = np.zeros(len(self.rows))
        np.maximum.at(doc_recall, self._entry_doc[entries], recall)
        # Evidence spread over several names and aliases of one record also counts.
        doc_scores *= (1 - DOC_PRECISION_SHARE) + DOC_PRECISION_SHARE * (doc_matched / query_total)
        # What the citizen wants done (re-issue, exchange, suspend …) picks within a family.
        asked = wanted_actions(text)
        if asked:
            fits = np.zeros(len(self.rows), dtype=bool)
            for action in asked:
                if action in self._action_docs:
                    fits |= self._action_docs[action]
            doc_scores *= np.where(fits, ACTION_FIT, ACTION_MISFIT)
        if FOREIGN_TERMS[-1] in cues:
            doc_scores *= np.where(self._foreign, FOREIGN_FIT, 1.0)
        else:
            doc_scores *= np.where(self._foreign, DOMESTIC_FIT, 1.0)
        # A qualified variant ("… lưu động", "… doanh nghiệp") whose case is not told.
        for i in misfits(text):
            doc_scores *= np.where(self._variant[i], MISFIT, 1.0)
        np.minimum(doc_scores, 1.0, out=doc_scores)

        candidates = np.flatnonzero(doc_scores)
        take = min(limit, len(candidates))
        top = candidates[np.argpartition(-doc_scores[candidates], take - 1)[:take]]
        order = sorted(top.tolist(), key=lambda d: (-doc_scores[d], self.rows[d].name))
        hits = [self._hit(d, float(doc_scores[d])) for d in order]
        best = hits[0].score
        # Generic ("đăng ký", "xe"): several records hold every query term, none says it in full.
        wanted = 0.999 * sum(known.values())
        covering = int(np.count_nonzero(doc_matched >= wanted))
        generic = covering >= GENERIC_DOCS and doc_recall[order[0]] < GENERIC_RECALL
        # Or several official names hold every term and none is the query itself
        # ("hộ kinh doanh", "giấy phép lái xe"): a family of procedures, not one.
        names = self._name_entry[self._name_entry >= 0]
        # Members of the family rank near the best: long official names that merely
        # contain the words ("... ở trong nước (thực hiện tại cấp tỉnh)") do not count.
        near = doc_scores[self._entry_doc[names]] >= FAMILY_SHARE * best
        named = (matched[names] >= wanted) & near
        if int(np.count_nonzero(named)) >= GENERIC_DOCS:
            exact = matched[names][named] >= 0.999 * self._entry_total[names][named]
            generic = generic or not bool(exact.any())
        ambiguous = (len(hits) > 1 and best - hits[1].score < ambiguity_margin) or generic
        return SearchResult(hits, best >= threshold, ambiguous, sorted(known))

    def _hit(self, doc: int, score: float) -> SearchHit:
        row = self.rows[doc]
        return SearchHit(
            row.id,
            row.code,
            row.code or row.slug,
            row.name,
            row.field,
            round(score, 4),
            row.short_name,
        )
