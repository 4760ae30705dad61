"""Two measured fixes to Rasa 3.6.21 hot paths, installed by our tracker store at start-up.

Rasa Open Source 3.6.21 is the last open-source release, so these targets do not move.

1. ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which checks the
   meta-schema again on every call before validating. The replacement builds the validator
   once and validates every action server response against the very same schema, raising
   the same ``ValidationError``.
2. ``rasa.shared.utils.common.all_subclasses`` walks the class tree on every event or slot
   deserialization (``Event.resolve_by_type``). The replacement memoizes it per class and
   recomputes when the class gains a direct subclass.

3. ``EndpointConfig.session`` opens a new aiohttp ``ClientSession`` (so a new TCP
   connection) for every call to the action server. The replacement keeps one session per
   endpoint and event loop, with keep-alive; ``async with`` on it no longer closes it.

Figures (docs/benchmarks.md): action result validation 2.8 ms -> 0.3 ms per custom action.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Dict, List, Text

_installed = False


def install() -> None:
    """Install both fixes (idempotent)."""
    global _installed
    if _installed:
        return
    _install_action_result_validator()
    _install_subclass_cache()
    _install_shared_http_sessions()
    _installed = True


def _install_action_result_validator() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:
            e.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def _install_subclass_cache() -> None:
    import rasa.shared.utils.common as common

    original = common.all_subclasses

    @functools.cache
    def _cached(cls: Any, _direct: int) -> List[Any]:
        return original(cls)

    def all_subclasses(cls: Any) -> List[Any]:
        """Return all known (imported) subclasses of a class (memoized)."""
        return list(_cached(cls, len(cls.__subclasses__())))

    common.all_subclasses = all_subclasses


class _SharedSession:
    """An aiohttp session that ``async with`` enters without closing it on exit."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *_exc: Any) -> None:
        return None


def _install_shared_http_sessions() -> None:
    from rasa.utils.endpoints import EndpointConfig

    original = EndpointConfig.session
    sessions: Dict[Any, Any] = {}

    def session(self: EndpointConfig) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in a loop: behave as before
            return original(self)
        key = (id(self), id(loop))
        shared = sessions.get(key)
        if shared is None or shared.closed:
            shared = sessions[key] = original(self)
        return _SharedSession(shared)

    EndpointConfig.session = session  # type: ignore[method-assign]
