"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from api.errors import install_error_handlers
from api.headers import PrivateByDefault, docs_headers
from api.limits import BodyLimit
from api.logs import install_log_redaction
from api.routes import (
    accounts,
    admin,
    analytics,
    auth,
    chat,
    handoffs,
    health,
    helpdesk,
    places,
    procedures,
    staff,
    telegram,
    widget,
    zalo,
)
from bot.telegram import TelegramBridge
from bot.zalo import build_bridge as build_zalo_bridge
from edge.engine_client import RasaClient
from edge.handoffs import HandoffDesk
from edge.pipeline import Edge
from edge.shared import limiter
from trolyao import __version__
from trolyao.db import get_engine
from trolyao.kb.search import ProcedureSearch
from trolyao.settings import PROJECT_ROOT, get_settings


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the API; ``engine`` defaults to the settings' database."""

    settings = get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine or get_engine()
        app.state.search = ProcedureSearch(app.state.engine)
        # The citizen's wait is the edge's deadline; a turn with a message id may finish
        # after it (for its retry), within the engine's own action timeout and this bound.
        app.state.edge = Edge(settings, RasaClient(timeout=30.0), HandoffDesk(app.state.engine))
        # sign-in fails closed: with Redis unreachable, guesses wait rather than go unlimited
        app.state.login_limiter = limiter(app.state.edge.redis, "login", 30, 60.0, fail_closed=True)
        app.state.telegram = None
        app.state.zalo = None
        app.state.zalo_tasks = set()
        if settings.zalo_app_id and settings.zalo_oa_secret_key:
            app.state.zalo = build_zalo_bridge(settings, app.state.edge, app.state.engine)
        if settings.telegram_bot_token and settings.telegram_mode == "webhook":
            bridge = TelegramBridge(settings, app.state.edge)
            app.state.telegram = bridge.build(settings, webhook=True)
            await app.state.telegram.initialize()
            await app.state.telegram.start()
        try:
            yield
        finally:
            if app.state.telegram is not None:
                await app.state.telegram.stop()
                await app.state.telegram.shutdown()
            if app.state.zalo is not None:
                if app.state.zalo_tasks:  # answers in flight finish before the process ends
                    await asyncio.wait(app.state.zalo_tasks, timeout=10)
                await app.state.zalo.api.aclose()
            await app.state.edge.aclose()

    app = FastAPI(
        title="Trợ lý ảo TTHC Lạng Sơn",
        version=__version__,
        description="Tra cứu thủ tục hành chính cho người dân và doanh nghiệp.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    install_log_redaction()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
    )
    app.add_middleware(BodyLimit)
    app.add_middleware(PrivateByDefault)
    app.include_router(health.router)
    app.include_router(procedures.router)
    app.include_router(procedures.events_router)
    app.include_router(chat.router)
    app.include_router(auth.router)
    app.include_router(analytics.router)
    app.include_router(handoffs.router)
    app.include_router(helpdesk.router)
    app.include_router(places.router)
    app.include_router(admin.router)
    app.include_router(accounts.router)
    app.include_router(telegram.router)
    app.include_router(zalo.router)
    app.include_router(widget.router)
    app.include_router(staff.router)
    app.mount(
        "/static/staff",
        StaticFiles(directory=PROJECT_ROOT / "api" / "static" / "staff"),
        name="staff-static",
    )
    app.mount(
        "/static/widget",
        StaticFiles(directory=PROJECT_ROOT / "api" / "static"),
        name="widget-static",
    )

    # API docs: Swagger UI 5 (reads OpenAPI 3.1) from the installed fastapi-swagger
    # package's files; nothing is fetched from a CDN at run time.
    app.mount(
        "/static/swagger-ui",
        StaticFiles(directory=str(resources.files("fastapi_swagger.resources"))),
        name="swagger-ui",
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Trợ lý ảo TTHC Lạng Sơn — API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon-32x32.png",
        )
        html = bytes(page.body).decode()
        return HTMLResponse(html, headers=docs_headers(html))

    return app
