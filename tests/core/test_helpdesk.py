"""The help desk's contact details are data admins keep: the bot gives what is known,
says plainly what is not, and points to the portal once, never three times."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.support.staff import bearer, staff_client
from trolyao.audit import AuditEntry
from trolyao.helpdesk import HelpDesk, current
from trolyao.replies import contact_values
from trolyao.replies.domain import fragment, load_domain


def test_nothing_known_is_said_plainly_with_the_portal_once() -> None:
    domain = load_domain()
    values = contact_values(domain, HelpDesk())
    text = fragment(domain, "utter_contact", **values)
    assert "chưa có số điện thoại" in text
    assert text.count("dichvucong.langson.gov.vn") == 1
    assert values["contact_call"] == ""
    handoff = fragment(domain, "utter_handoff", **values)
    assert handoff.count("dichvucong.langson.gov.vn") == 1


def test_only_the_known_details_are_listed() -> None:
    domain = load_domain()
    values = contact_values(domain, HelpDesk(phone="0205 3 812 345", hours="7h30–17h"))
    assert values["contact_lines"] == "• Điện thoại: 0205 3 812 345\n• Giờ làm việc: 7h30–17h"
    assert values["contact_call"] == "Cần người hỗ trợ, bạn gọi 0205 3 812 345."
    assert "Thư điện tử" not in fragment(domain, "utter_contact", **values)


def test_admins_keep_them_and_the_next_answer_uses_them(engine: Engine) -> None:
    with staff_client(engine) as client:
        assert client.get("/api/admin/help-desk").status_code == 401
        assert (
            client.get("/api/admin/help-desk", headers=bearer(client, "canbo")).status_code == 403
        )
        admin = bearer(client, "quantri")
        body = {
            "phone": "0205 3 812 345",
            "email": "",
            "address": "Số 1 Hoàng Văn Thụ",
            "hours": None,
        }
        saved = client.put("/api/admin/help-desk", json=body, headers=admin)
        assert saved.status_code == 200
        assert saved.json() == {
            "phone": "0205 3 812 345",
            "email": None,
            "address": "Số 1 Hoàng Văn Thụ",
            "hours": None,
        }
        assert client.get("/api/admin/help-desk", headers=admin).json() == saved.json()
        too_long = client.put("/api/admin/help-desk", json={"phone": "9" * 101}, headers=admin)
        assert too_long.status_code == 422
    with Session(engine) as session:
        assert current(session).phone == "0205 3 812 345"
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "update_help_desk")
        ).one()
        assert entry.username == "quantri"
