"""The help desk's contact details, as the replies show them."""

from __future__ import annotations

from collections.abc import Iterable

from trolyao.db import get_engine
from trolyao.helpdesk import HelpDesk, current_from
from trolyao.replies.domain import Domain, fragment
from trolyao.settings import get_settings


def contact_bullets(domain: Domain | None, details: Iterable[tuple[str, str | None]]) -> str:
    """ "• Địa chỉ: …" lines for the known ``(field, value)`` details (empty when none is
    known); the field names are those of the ``utter_fragment_contact_<field>`` responses."""
    return "\n".join(
        fragment(domain, f"utter_fragment_contact_{name}", value=value)
        for name, value in details
        if value
    )


def contact_values(domain: Domain | None = None, desk: HelpDesk | None = None) -> dict[str, str]:
    """The help desk's details (the admins' values, else the settings'), ready for the
    responses: each field (unset ones point to the provincial portal), ``contact_lines``
    (only the known details, or one plain sentence that there are none yet and the portal
    once) and ``contact_call`` ("Cần người hỗ trợ, bạn gọi …", empty without a phone)."""
    settings = get_settings()
    desk = desk if desk is not None else current_from(get_engine())
    portal = settings.provincial_portal_url
    fallback = fragment(domain, "utter_fragment_see_portal", url=portal)
    known = contact_bullets(
        domain,
        (
            ("address", desk.address),
            ("phone", desk.phone),
            ("email", desk.email),
            ("hours", desk.hours),
        ),
    )
    lines = known or fragment(domain, "utter_fragment_contact_none", url=portal)
    return {
        "contact_phone": desk.phone or fallback,
        "contact_email": desk.email or fallback,
        "contact_address": desk.address or fallback,
        "contact_hours": desk.hours or fallback,
        "contact_lines": lines,
        "contact_call": fragment(domain, "utter_fragment_contact_call", phone=desk.phone)
        if desk.phone
        else "",
        "portal_url": settings.portal_url,
    }
