"""The documents of a procedure as the answers show them: the common case first, the other
cases a button away, and the forms (with their codes in full) when a form is asked."""

from __future__ import annotations

import re
from typing import Any

from trolyao.kb.models import Document, Procedure
from trolyao.replies.buttons import button
from trolyao.replies.domain import Domain, fragment
from trolyao.replies.format import (
    DOCUMENT_CHARS,
    MAX_DOCUMENTS,
    NOTE_CHARS,
    bullets,
    short,
    short_block,
)


def is_note(doc: Document) -> bool:
    """A row the portal lists with no copy at all: a remark, not a paper to bring."""
    return doc.originals == 0 and not doc.copies


def common_documents(procedure: Procedure) -> list[Document]:
    """The documents of the common case: no case of their own, and not remarks."""
    return [d for d in procedure.documents if not d.case and not is_note(d)]


def other_documents(procedure: Procedure) -> list[Document]:
    """The documents of other cases (and the remarks), in the source's order."""
    common = {id(d) for d in common_documents(procedure)}
    return [d for d in procedure.documents if id(d) not in common]


def document_line(doc: Document, domain: Domain, limit: int = DOCUMENT_CHARS) -> str:
    line = short(doc.name, limit)
    if doc.form_name:
        line += f" — {fragment(domain, 'utter_fragment_form', form=doc.form_name)}"
    counts = []
    if doc.originals:
        counts.append(fragment(domain, "utter_fragment_originals", count=doc.originals))
    if doc.copies:
        counts.append(fragment(domain, "utter_fragment_copies_only", count=doc.copies))
    if counts:
        line += " — " + ", ".join(counts)
    if doc.form_url:
        line += f": {doc.form_url}"
    return line


def _button(title: str, procedure: Procedure, intent: str, detail: str) -> dict[str, str]:
    return button(title, intent, procedure_key=procedure.key, detail=detail)


def documents_values(
    procedure: Procedure, domain: Domain, detail: str | None
) -> dict[str, Any] | None:
    """The documents answer: the common case (the others one press away), or, with
    ``detail="other_cases"``, the documents of the other cases."""
    if not procedure.documents:
        return None
    common, others = common_documents(procedure), other_documents(procedure)
    if detail == "other_cases" and others:
        lines, case = [], None
        for doc in others:
            if doc.case and doc.case != case and not doc.name.startswith(doc.case):
                lines.append(f"▸ {short(doc.case, NOTE_CHARS)}:")
            case = doc.case
            lines.append(f"• {document_line(doc, domain)}")
        text = "\n".join(lines)
        return {
            "documents_title": fragment(domain, "utter_fragment_documents_other"),
            "documents": short_block(text, domain),
        }
    shown = (common or others)[:MAX_DOCUMENTS]
    items = [document_line(d, domain) for d in shown]
    rest = len(common) - len(shown) if common else len(others) - len(shown)
    if rest > 0:
        items.append(fragment(domain, "utter_fragment_more_items", count=rest))
    values: dict[str, Any] = {
        "documents_title": fragment(domain, "utter_fragment_documents_common"),
        "documents": bullets(items),
    }
    if common and others:
        values["buttons"] = [
            _button(
                fragment(domain, "utter_fragment_other_cases_button", count=len(others)),
                procedure,
                "ask_procedure_documents",
                "other_cases",
            )
        ]
    return values


def forms_values(procedure: Procedure, domain: Domain) -> dict[str, Any] | None:
    """The documents that are a form (a form code, or "mẫu" in their name), each with its
    code in full; the documents answer when none is."""
    forms = [
        d
        for d in procedure.documents
        if d.form_name or re.search(r"\b(?:[Mm]ẫu|[Tt]ờ khai)\b", d.name)
    ]
    if not forms:
        return documents_values(procedure, domain, None)
    lines = []
    for doc in forms[:MAX_DOCUMENTS]:
        line = document_line(doc, domain)
        if doc.case:
            line = f"{line} ({short(doc.case, NOTE_CHARS)})"
        lines.append(line)
    return {
        "documents_title": fragment(domain, "utter_fragment_documents_forms"),
        "documents": bullets(lines),
    }
