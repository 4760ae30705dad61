"""Turning a procedure record into the domain's answer responses and their values."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from trolyao.kb.models import Fee, Procedure, SubmissionChannel
from trolyao.replies.buttons import button
from trolyao.replies.documents import documents_values, forms_values
from trolyao.replies.domain import Domain, fragment
from trolyao.replies.format import (
    MAX_DOCUMENTS,
    MAX_STEPS,
    NOTE_CHARS,
    STEP_CHARS,
    bullets,
    short,
    short_block,
)
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
#: The intent that asks each attribute; ``forms`` and ``deadline`` are finer readings of a
#: question (trolyao/replies/questions.py) than any intent, asked by the nearest one.
INTENT_OF = {
    **{attribute: intent for intent, attribute in ATTRIBUTES.items()},
    "forms": "ask_procedure_documents",
    "deadline": "ask_procedure_requirements",
}
#: A sentence of the conditions that sets a time limit the citizen must keep.
_DEADLINE = re.compile(
    r"trong (?:thời hạn|vòng|thời gian)\s+\d|chậm nhất|kể từ (?:ngày|khi)"
    r"|trước (?:ngày|khi) hết hạn|không quá \d+ (?:ngày|tháng)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.;\n])\s+|\n+")


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


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def _fee_line(channel: SubmissionChannel, fee: Fee, domain: Domain, today: dt.date) -> str:
    if fee.amount_vnd is not None and fee.text.startswith(_vnd(fee.amount_vnd) + " ("):
        # An imported fee: its amount, then the source's note, shortened.
        note = fee.text[len(_vnd(fee.amount_vnd)) + 2 :].rsplit(")", 1)[0]
        text = f"{_vnd(fee.amount_vnd)} ({short(note, NOTE_CHARS)})"
    else:
        text = short(fee.text, NOTE_CHARS * 2)
    if fee.exemption and fee.exemption not in fee.text:
        text += f" ({short(fee.exemption, NOTE_CHARS)})"
    if fee.valid_until and fee.valid_until < today:
        text += " — " + fragment(
            domain, "utter_fragment_fee_expired", date=fee.valid_until.strftime("%d/%m/%Y")
        )
    return _labelled(channel.kind, text, domain)


def _fees(procedure: Procedure, domain: Domain, today: dt.date) -> dict[str, Any] | None:
    lines = [
        _fee_line(channel, fee, domain, today)
        for channel in procedure.channels
        for fee in channel.fees
    ]
    if not lines:
        return None
    current = {
        c.kind: f.amount_vnd
        for c in procedure.channels
        for f in c.fees[:1]
        if f.amount_vnd is not None and not (f.valid_until and f.valid_until < today)
    }
    online, direct = current.get("truc_tuyen"), current.get("truc_tiep")
    if online is not None and direct is not None and online < direct:
        lines.append(
            fragment(
                domain,
                "utter_fragment_online_cheaper",
                online=_vnd(online) if online else fragment(domain, "utter_fragment_free"),
                direct=_vnd(direct),
            )
        )
    return {"fees": bullets(lines)}


def _time_text(text: str) -> str:
    """ "7 Ngày làm việc" (the portal's capitals) as a sentence says it: "7 ngày làm việc"."""
    return re.sub(
        r"^(\d+(?:[.,]\d+)?) ([A-ZĐ])", lambda m: f"{m.group(1)} {m.group(2).lower()}", text
    )


def channel_time(channel: SubmissionChannel, domain: Domain) -> str | None:
    """A channel's processing time as the citizen reads it: the source's words, else the
    structured value and unit (an editor who fills only "Số" and "Đơn vị" is heard)."""
    if channel.time_text:
        return _time_text(channel.time_text)
    if channel.time_unit == "trong_ngay":
        return fragment(domain, "utter_fragment_unit_trong_ngay")
    if channel.time_value is not None and channel.time_unit:
        value = f"{channel.time_value:g}".replace(".", ",")
        return f"{value} {fragment(domain, f'utter_fragment_unit_{channel.time_unit}')}"
    return None


def _durations(procedure: Procedure, domain: Domain) -> dict[str, Any] | None:
    times = [
        (c.kind, text) for c in procedure.channels if (text := channel_time(c, domain)) is not None
    ]
    if not times:
        return None
    if len(times) > 1 and len({t for _k, t in times}) == 1 and all(k for k, _t in times):
        return {
            "durations": bullets(
                [fragment(domain, "utter_fragment_all_channels", time=times[0][1])]
            )
        }
    return {
        "durations": bullets([_labelled(k, short(t, NOTE_CHARS * 2), domain) for k, t in times])
    }


def _steps(procedure: Procedure, domain: Domain, detail: str | None) -> dict[str, Any] | None:
    if not procedure.steps:
        return None
    if detail == "full_steps":
        text = "\n".join(f"{i}. {step}" for i, step in enumerate(procedure.steps, 1))
        return {"steps": short_block(text, domain)}
    shown = procedure.steps[:MAX_STEPS]
    lines = [f"{i}. {short(step, STEP_CHARS)}" for i, step in enumerate(shown, 1)]
    values: dict[str, Any] = {}
    cut = len(procedure.steps) > MAX_STEPS or any(len(s) > STEP_CHARS for s in shown)
    if len(procedure.steps) > MAX_STEPS:
        lines.append(
            fragment(domain, "utter_fragment_more_items", count=len(procedure.steps) - MAX_STEPS)
        )
    if cut:
        values["buttons"] = [
            button(
                fragment(domain, "utter_fragment_full_steps_button"),
                "ask_procedure_steps",
                procedure_key=procedure.key,
                detail="full_steps",
            )
        ]
    return {**values, "steps": "\n".join(lines)}


def attribute_values(
    procedure: Procedure,
    attribute: str,
    domain: Domain,
    detail: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any] | None:
    """Values for the ``utter_procedure_<attribute>`` response; ``None`` when unknown.

    ``detail`` asks for what a short answer left out: ``other_cases`` (documents of the
    other cases) or ``full_steps``."""
    unknown = fragment(domain, "utter_fragment_unknown")
    today = today or dt.date.today()
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
        return documents_values(procedure, domain, detail)
    if attribute == "fee":
        return _fees(procedure, domain, today)
    if attribute == "duration":
        return _durations(procedure, domain)
    if attribute == "place":
        places = [
            short(text, NOTE_CHARS * 2)
            for text in (
                procedure.agency_executing,
                procedure.agency_competent,
                procedure.submission_address,
            )
            if text
        ]
        return {"places": bullets(list(dict.fromkeys(places)))} if places else None
    if attribute == "steps":
        return _steps(procedure, domain, detail)
    if attribute == "online":
        if not procedure.online_level:
            if any(c.kind == "truc_tuyen" for c in procedure.channels):
                # The source lists an online channel without saying how far it goes.
                return {
                    "online": fragment(domain, "utter_fragment_online_channel"),
                    "online_url": procedure.source_url or get_settings().portal_url,
                }
            return None
        return {
            "online": fragment(domain, f"utter_fragment_online_{procedure.online_level}"),
            "online_url": online_url(procedure) or "",
        }
    if attribute == "requirements":
        if not procedure.requirements:
            return None
        return {"requirements": short_block(procedure.requirements, domain)}
    if attribute == "forms":
        return forms_values(procedure, domain)
    if attribute == "deadline":
        deadlines = deadline_sentences(procedure)
        return {"deadlines": bullets(deadlines)} if deadlines else None
    raise ValueError(f"unknown attribute {attribute!r}")


def deadline_sentences(procedure: Procedure) -> list[str]:
    """The sentences of the conditions that set a time limit for the citizen ("trong thời
    hạn 02 ngày làm việc kể từ ngày phát hiện"), as written."""
    text = procedure.requirements or ""
    found = [s.strip(" -+•*") for s in _SENTENCE.split(text) if _DEADLINE.search(s)]
    return [short(s, NOTE_CHARS * 3) for s in found if s][:MAX_DOCUMENTS]


def answer_response(
    procedure: Procedure, attribute: str, domain: Domain, detail: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The response the bot gives for ``attribute`` of ``procedure``, and its values
    (``buttons`` among them when part of the answer is one tap away)."""
    values = common_values(procedure, domain)
    if attribute == "online" and procedure.online_level == "khong":
        return "utter_procedure_online_no", values
    if attribute == "deadline" and not deadline_sentences(procedure):
        attribute = "requirements"  # no time limit of the citizen's: where one would be
    facts = attribute_values(procedure, attribute, domain, detail)
    said = "documents" if attribute == "forms" else attribute  # forms: the documents answer
    if facts is None:
        return f"utter_procedure_{said}_unknown", values
    return f"utter_procedure_{said}", {**values, **facts}
