"""The embeddable web chat widget and its demo page, served by the API (no CDN)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from trolyao.settings import PROJECT_ROOT

router = APIRouter(tags=["widget"])
STATIC = PROJECT_ROOT / "api" / "static"
TEMPLATES = PROJECT_ROOT / "api" / "templates"
# The demo page runs no inline script and loads nothing from elsewhere.
DEMO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)


@router.get("/widget.js", include_in_schema=False)
def widget() -> FileResponse:
    """The widget: one script, embedded with one ``<script>`` line."""
    return FileResponse(
        STATIC / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/", include_in_schema=False)
def demo(request: Request) -> HTMLResponse:
    """A demo page of a provincial site embedding the widget."""
    html = (TEMPLATES / "demo.html").read_text("utf-8")
    html = html.replace("{{WIDGET_URL}}", escape(str(request.url_for("widget")), quote=True))
    return HTMLResponse(
        html, headers={"Content-Security-Policy": DEMO_CSP, "X-Content-Type-Options": "nosniff"}
    )


FAVICON = (Path(__file__).resolve().parent.parent / "static" / "favicon.svg").read_bytes()


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The assistant's icon (an SVG), so that no page logs a 404 for it."""
    return Response(
        FAVICON,
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
