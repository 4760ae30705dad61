"""The staff web pages (officials' dashboard and review; admins' knowledge base), served by
the API: one HTML shell, our own script and style, no CDN, no inline script.

A page needs the session cookie of ``POST /api/auth/session``; without it the browser is
sent to the login page. The data comes from the JSON API, which checks roles again.
"""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SESSION_COOKIE, SessionDep
from trolyao.accounts.auth import user_for_token
from trolyao.accounts.models import User
from trolyao.accounts.roles import ANALYTICS_ROLES, HANDOFF_ROLES, KNOWLEDGE_BASE_ROLES
from trolyao.kb.repository import KEY_PATTERN
from trolyao.settings import PROJECT_ROOT

router = APIRouter(include_in_schema=False)
TEMPLATE = PROJECT_ROOT / "api" / "templates" / "staff.html"
STAFF_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": STAFF_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
ROLE_NAMES = {"admin": "Quản trị", "editor": "Biên tập", "official": "Cán bộ theo dõi"}


def render(
    page: str, title: str, user: User | None, *, status: int = 200, data: str = ""
) -> HTMLResponse:
    """The shell with ``page`` for the script to build; everything inserted is escaped."""
    html = TEMPLATE.read_text("utf-8")
    values = {
        "PAGE": page,
        "TITLE": title,
        "USERNAME": user.username if user else "",
        "ROLE": user.role if user else "",
        "ROLE_NAME": ROLE_NAMES.get(user.role, user.role) if user else "",
        "DATA": data,
    }
    for key, value in values.items():
        html = html.replace("{{" + key + "}}", escape(value, quote=True))
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _page(
    request: Request,
    session: SessionDep,
    page: str,
    title: str,
    roles: tuple[str, ...],
    data: str = "",
) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    user = user_for_token(session, token) if token else None
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/dashboard/login?next={quote(target, safe='')}", status_code=303)
    if user.role not in roles:
        return render("forbidden", "Không có quyền truy cập", user, status=403)
    return render(page, title, user, data=data)


@router.get("/dashboard/login")
def login_page() -> HTMLResponse:
    """Sign in (the same accounts and lockout as the API)."""
    return render("login", "Đăng nhập", None)


@router.get("/dashboard")
def dashboard(request: Request, session: SessionDep) -> Response:
    """Usage and the plan's measures, with charts."""
    return _page(request, session, "dashboard", "Tổng quan", ANALYTICS_ROLES)


@router.get("/dashboard/conversations")
def conversations(request: Request, session: SessionDep) -> Response:
    """The conversation list with filters."""
    return _page(request, session, "conversations", "Hội thoại", ANALYTICS_ROLES)


@router.get("/dashboard/conversations/{conversation_id}")
def conversation(
    request: Request, session: SessionDep, conversation_id: Annotated[int, Path(ge=1, le=2**62)]
) -> Response:
    """One conversation's transcript, tags and note."""
    return _page(
        request,
        session,
        "conversation",
        "Chi tiết hội thoại",
        ANALYTICS_ROLES,
        str(conversation_id),
    )


@router.get("/dashboard/unanswered")
def unanswered(request: Request, session: SessionDep) -> Response:
    """The unanswered-questions inbox."""
    return _page(request, session, "unanswered", "Câu hỏi chưa trả lời được", ANALYTICS_ROLES)


@router.get("/dashboard/handoffs")
def handoffs(request: Request, session: SessionDep) -> Response:
    """The hand-off queue."""
    return _page(request, session, "handoffs", "Yêu cầu gặp cán bộ", HANDOFF_ROLES)


@router.get("/admin")
def admin_home() -> RedirectResponse:
    """The knowledge base's list."""
    return RedirectResponse("/admin/procedures", status_code=303)


@router.get("/admin/procedures")
def admin_procedures(request: Request, session: SessionDep) -> Response:
    """Procedures: search, filter, import and export."""
    return _page(request, session, "kb-list", "Thủ tục hành chính", KNOWLEDGE_BASE_ROLES)


@router.get("/admin/procedures/new")
def admin_new(request: Request, session: SessionDep) -> Response:
    """A new procedure."""
    return _page(request, session, "kb-edit", "Thêm thủ tục", KNOWLEDGE_BASE_ROLES)


@router.get("/admin/procedures/{code}")
def admin_edit(
    request: Request,
    session: SessionDep,
    code: Annotated[str, Path(pattern=KEY_PATTERN)],
) -> Response:
    """Edit a procedure: form, preview, publish, history."""
    return _page(request, session, "kb-edit", "Sửa thủ tục", KNOWLEDGE_BASE_ROLES, code)


@router.get("/admin/users")
def admin_users(request: Request, session: SessionDep) -> Response:
    """Staff accounts and roles."""
    return _page(request, session, "kb-users", "Người dùng", ("admin",))


@router.get("/admin/help-desk")
def admin_help_desk(request: Request, session: SessionDep) -> Response:
    """The help desk's contact details."""
    return _page(request, session, "help-desk", "Thông tin liên hệ", ("admin",))


@router.get("/admin/places")
def admin_places(request: Request, session: SessionDep) -> Response:
    """The communes' offices: contacts, import and export."""
    return _page(request, session, "places", "Xã, phường", KNOWLEDGE_BASE_ROLES)


@router.get("/admin/audit")
def admin_audit(request: Request, session: SessionDep) -> Response:
    """The audit log."""
    return _page(request, session, "kb-audit", "Nhật ký thay đổi", ("admin",))
