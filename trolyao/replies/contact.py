"""The help desk's contact details, as the replies show them."""

from __future__ import annotations

from trolyao.replies.domain import Domain, fragment
from trolyao.settings import get_settings


def contact_values(domain: Domain | None = None) -> dict[str, str]:
    """The help-desk contact details from settings; unset ones point to the portal."""
    settings = get_settings()
    fallback = fragment(domain, "utter_fragment_see_portal", url=settings.provincial_portal_url)
    return {
        "contact_phone": settings.contact_phone or fallback,
        "contact_email": settings.contact_email or fallback,
        "contact_address": settings.contact_address or fallback,
        "contact_hours": settings.contact_hours or fallback,
        "portal_url": settings.portal_url,
    }
