"""Mapping of domain errors to HTTP responses: clear messages, never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.limits import BodyTooLarge
from trolyao.errors import InvalidQuery, InvalidRecord, NotFound, TroLyAoError
from trolyao.kb.admin import VersionConflict, VersionRequired

log = logging.getLogger(__name__)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn domain errors into 4xx JSON answers."""

    @app.exception_handler(BodyTooLarge)
    async def _too_large(_request: Request, _exc: BodyTooLarge) -> JSONResponse:
        return JSONResponse(
            {"detail": "Nội dung gửi lên quá lớn.", "code": "payload_too_large"},
            status_code=413,
            headers={"Connection": "close"},
        )

    @app.exception_handler(InvalidQuery)
    async def _invalid_query(_request: Request, exc: InvalidQuery) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": exc.reason}, status_code=422)

    @app.exception_handler(NotFound)
    async def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": "not_found"}, status_code=404)

    @app.exception_handler(InvalidRecord)
    async def _invalid_record(_request: Request, exc: InvalidRecord) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.message, "code": "invalid_record", "errors": exc.errors},
            status_code=422,
        )

    @app.exception_handler(VersionConflict)
    async def _conflict(_request: Request, exc: VersionConflict) -> JSONResponse:
        return JSONResponse(
            {
                "detail": exc.message,
                "code": "version_conflict",
                "current_version": exc.current,
                "updated_by": exc.by,
                "updated_at": exc.at.isoformat() if exc.at else None,
            },
            status_code=409,
        )

    @app.exception_handler(VersionRequired)
    async def _version_required(_request: Request, exc: VersionRequired) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": "version_required"}, status_code=428)

    @app.exception_handler(TroLyAoError)
    async def _domain_error(_request: Request, exc: TroLyAoError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": "error"}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
            for err in exc.errors()
        ]
        return JSONResponse(
            {"detail": "Yêu cầu không hợp lệ.", "code": "invalid_request", "errors": errors},
            status_code=422,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "Hệ thống đang gặp sự cố, vui lòng thử lại sau.", "code": "server_error"},
            status_code=500,
        )
