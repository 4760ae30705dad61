"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from api.errors import install_error_handlers
from api.routes import health, procedures
from trolyao import __version__
from trolyao.db import get_engine
from trolyao.search import ProcedureSearch


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the API; ``engine`` defaults to the settings' database."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine or get_engine()
        app.state.search = ProcedureSearch(app.state.engine)
        yield

    app = FastAPI(
        title="Trợ lý ảo TTHC Lạng Sơn",
        version=__version__,
        description="Tra cứu thủ tục hành chính cho người dân và doanh nghiệp.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(procedures.router)

    # API docs served from the installed swagger-ui-bundle package: no CDN at run time.
    app.mount(
        "/static/swagger-ui",
        StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
        name="swagger-ui",
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Trợ lý ảo TTHC Lạng Sơn — API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon-32x32.png",
        )

    return app
