"""Turning a procedure record into the domain's answer responses and their values."""

from __future__ import annotations

from typing import Any

from trolyao.kb.models import Procedure
from trolyao.replies.domain import Domain, fragment
from trolyao.settings import get_settings

ATTRIBUTES = {
    "ask_procedure_overview": "overview",
    "ask_procedure_documents": "documents",
    "ask_procedure_fee": "fee",
    "ask_procedure_duration": "duration",
    "ask_procedure_place": "place",
    "ask_procedure_steps": "steps",
    "ask_procedure_online": "online",
    "ask_procedure_requirements": "requirements",
}


def online_url(procedure: Procedure) -> str | None:
    """Where to submit online: the record's own link, else the portal when it is online."""
    if procedure.online_url:
        return procedure.online_url
    if procedure.online_level in ("toan_trinh", "mot_phan"):
        return get_settings().portal_url
    return None


def common_values(procedure: Procedure, domain: Domain) -> dict[str, Any]:
    """Title (name and code), footer (online link, source, last update) and portal link."""
    if procedure.code:
        title = fragment(domain, "utter_fragment_title", name=procedure.name, code=procedure.code)
    else:
        title = fragment(domain, "utter_fragment_title_nocode", name=procedure.name)
    updated = procedure.updated_at.strftime("%d/%m/%Y")
    if procedure.source_url:
        source = fragment(
            domain, "utter_fragment_source", source=procedure.source_url, updated=updated
        )
    else:
        source = fragment(domain, "utter_fragment_source_unknown", updated=updated)
    lines = []
    url = online_url(procedure)
    if url:
        lines.append(fragment(domain, "utter_fragment_online_link", url=url))
    lines.append(source)
    return {
        "procedure_title": title,
        "footer": "\n".join(lines),
        "portal_url": get_settings().portal_url,
    }


def _labelled(kind: str | None, text: str, domain: Domain) -> str:
    """``text`` preceded by its channel ("Nộp trực tuyến: ...") when the source names one."""
    if kind is None:
        return text
    return f"{fragment(domain, f'utter_fragment_channel_{kind}')}: {text}"


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def attribute_values(procedure: Procedure, attribute: str, domain: Domain) -> dict[str, Any] | None:
    """Values for the ``utter_procedure_<attribute>`` response; ``None`` when unknown."""
    unknown = fragment(domain, "utter_fragment_unknown")
    if attribute == "overview":
        levels = ", ".join(
            fragment(domain, f"utter_fragment_level_{lv}") for lv in procedure.levels
        )
        return {
            "field": procedure.field,
            "agency": procedure.agency_executing or procedure.agency_competent or unknown,
            "levels": levels or unknown,
            "online": fragment(domain, f"utter_fragment_online_{procedure.online_level}")
            if procedure.online_level
            else unknown,
        }
    if attribute == "documents":
        if not procedure.documents:
            return None
        items = []
        for doc in procedure.documents:
            line = doc.name
            if doc.case:
                line += f" — {doc.case}"
            if doc.originals is not None or doc.copies is not None:
                copies = fragment(
                    domain,
                    "utter_fragment_copies",
                    originals=doc.originals if doc.originals is not None else unknown,
                    copies=doc.copies if doc.copies is not None else unknown,
                )
                line += f" ({copies})"
            if doc.form_name:
                line += f" · {doc.form_name}" + (f": {doc.form_url}" if doc.form_url else "")
            items.append(line)
        return {"documents": _bullets(items)}
    if attribute == "fee":
        fees = []
        for channel in procedure.channels:
            for fee in channel.fees:
                line = _labelled(channel.kind, fee.text, domain)
                if fee.exemption and fee.exemption not in fee.text:
                    line += f" ({fee.exemption})"
                fees.append(line)
        return {"fees": _bullets(fees)} if fees else None
    if attribute == "duration":
        times = [_labelled(c.kind, c.time_text, domain) for c in procedure.channels if c.time_text]
        return {"durations": _bullets(times)} if times else None
    if attribute == "place":
        places = [
            text
            for text in (
                procedure.agency_executing,
                procedure.agency_competent,
                procedure.submission_address,
            )
            if text
        ]
        return {"places": _bullets(list(dict.fromkeys(places)))} if places else None
    if attribute == "steps":
        if not procedure.steps:
            return None
        return {"steps": "\n".join(f"{i}. {step}" for i, step in enumerate(procedure.steps, 1))}
    if attribute == "online":
        if not procedure.online_level:
            return None
        return {
            "online": fragment(domain, f"utter_fragment_online_{procedure.online_level}"),
            "online_url": online_url(procedure) or "",
        }
    if attribute == "requirements":
        return {"requirements": procedure.requirements} if procedure.requirements else None
    raise ValueError(f"unknown attribute {attribute!r}")


def answer_response(
    procedure: Procedure, attribute: str, domain: Domain
) -> tuple[str, dict[str, Any]]:
    """The response the bot gives for ``attribute`` of ``procedure``, and its values."""
    values = common_values(procedure, domain)
    if attribute == "online" and procedure.online_level == "khong":
        return "utter_procedure_online_no", values
    facts = attribute_values(procedure, attribute, domain)
    if facts is None:
        return f"utter_procedure_{attribute}_unknown", values
    return f"utter_procedure_{attribute}", {**values, **facts}
