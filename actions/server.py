"""The action server, behind the engine's shared secret.

``python -m actions.server --port 5055`` serves the ``actions`` package like
``python -m rasa_sdk``, but every call except ``GET /health`` must carry
``ACTION_SERVER_TOKEN`` (at least 32 characters), as Rasa sends it from ``endpoints.yml``
(``action_endpoint.token``: the ``token`` query parameter) or as a bearer token; anything
else gets 401. It binds to ``SANIC_HOST`` (127.0.0.1 unless set) and refuses to start
without a token.
"""

from __future__ import annotations

import argparse
import hmac
import os
import sys
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sanic import Sanic

MIN_TOKEN = 32


def authorized(token: str, query_token: str | None, authorization: str | None) -> bool:
    """Whether a call carries ``token`` (query parameter or bearer), in constant time."""
    expected = token.encode()
    given = (query_token or "").encode()
    bearer = (authorization or "").removeprefix("Bearer ").encode()
    return hmac.compare_digest(given, expected) or hmac.compare_digest(bearer, expected)


def create_guarded_app(actions: str, token: str) -> Sanic:  # type: ignore[type-arg]
    """rasa_sdk's app for ``actions``, answering 401 to calls without ``token``."""
    from rasa_sdk.endpoint import create_app_for_serve
    from rasa_sdk.executor import ActionExecutor
    from sanic import response
    from sanic.request import Request
    from sanic.response import HTTPResponse

    executor = ActionExecutor()
    executor.register_package(actions)
    app = create_app_for_serve(executor, cors_origins=[])

    @app.on_request  # type: ignore[untyped-decorator]
    async def authenticate(request: Request) -> HTTPResponse | None:
        if request.path == "/health":
            return None
        if authorized(token, request.args.get("token"), request.headers.get("authorization")):
            return None
        return response.json({"error": "unauthorized"}, status=401)

    return app  # type: ignore[no-any-return]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    token = os.environ.get("ACTION_SERVER_TOKEN", "")
    if len(token) < MIN_TOKEN:
        print(
            f"action server: ACTION_SERVER_TOKEN of at least {MIN_TOKEN} characters is "
            "required (make run generates one in var/secrets.env)",
            file=sys.stderr,
        )
        return 2
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    loader = AppLoader(factory=partial(create_guarded_app, args.actions, token))
    app = loader.load()
    app.prepare(host=os.environ.get("SANIC_HOST", "127.0.0.1"), port=args.port, workers=1)
    Sanic.serve(primary=app, app_loader=loader)
    return 0


if __name__ == "__main__":
    sys.exit(main())
