"""Three measured fixes to Rasa 3.6.21 hot paths, and the action deadline, installed from
one explicit entry point.

:func:`install` is called by :mod:`rasa_ext.engine`, the command that starts the engine
(``python -m rasa_ext.engine run ...``), before Rasa builds anything. It refuses to patch
any Rasa version but 3.6.21, and says so in the log: the replaced functions are private, so
another release must be checked by hand first.

1. ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which checks the
   meta-schema again on every call before validating. The replacement builds the validator
   once and validates every action server response against the very same schema, raising
   the same ``ValidationError``.
2. ``rasa.shared.utils.common.all_subclasses`` walks the class tree on every event or slot
   deserialization (``Event.resolve_by_type``). The replacement memoizes the walk per class
   and re-walks when any class of the subtree has gained a direct subclass since.
3. ``EndpointConfig.session`` opens a new aiohttp ``ClientSession`` (so a new TCP
   connection) for every call to the action server. The replacement keeps one session per
   endpoint and event loop, with keep-alive; ``async with`` on it no longer closes it.
   The sessions are closed when the server stops (Rasa's ``close_resources``).
4. ``RemoteAction.run`` waits up to 300 s for the action server, and the turn goes on after
   the edge has told the citizen it gave up. The wait becomes ``ACTION_TIMEOUT_SECONDS``
   (default 4.0: a little shorter than the edge's 4.5 s deadline), so that the engine ends
   a turn the edge has given up on.

Figures (docs/benchmarks.md): action result validation 2.8 ms -> 0.3 ms per custom action.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Dict, List, Text, Tuple

logger = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6.21"
_installed = False
_sessions: Dict[Tuple[int, int], Any] = {}


def install() -> bool:
    """Install the three fixes once; return whether they are installed.

    On any Rasa version but :data:`SUPPORTED_RASA`, nothing is patched and a warning says
    why: the engine then runs as stock Rasa, slower but correct.
    """
    global _installed
    if _installed:
        return True
    import rasa

    version = getattr(rasa, "__version__", "unknown")
    if version != SUPPORTED_RASA:
        logger.warning(
            "rasa_ext.patches: Rasa %s is not %s; its hot-path fixes are NOT installed "
            "(check rasa_ext/patches.py against this release first).",
            version,
            SUPPORTED_RASA,
        )
        return False
    _install_action_result_validator()
    _install_subclass_cache()
    _install_shared_http_sessions()
    _install_action_timeout()
    _installed = True
    return True


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


def memoized_subclasses(original: Callable[[Any], List[Any]]) -> Callable[[Any], List[Any]]:
    """``original`` (a walk of a class's subclasses), remembered per class.

    The remembered walk stays valid while no class of the subtree gained a direct subclass:
    its signature is the number of direct subclasses of the class and of each class found.
    """
    cache: Dict[Any, Tuple[Tuple[int, ...], List[Any]]] = {}

    def signature(cls: Any, found: List[Any]) -> Tuple[int, ...]:
        return (len(cls.__subclasses__()), *(len(c.__subclasses__()) for c in found))

    def all_subclasses(cls: Any) -> List[Any]:
        """Return all known (imported) subclasses of a class (memoized)."""
        cached = cache.get(cls)
        if cached is None or signature(cls, cached[1]) != cached[0]:
            found = original(cls)
            cached = cache[cls] = (signature(cls, found), found)
        return list(cached[1])

    return all_subclasses


def _install_subclass_cache() -> None:
    import rasa.shared.utils.common as common

    common.all_subclasses = memoized_subclasses(common.all_subclasses)


class _SharedSession:
    """An aiohttp session that ``async with`` enters without closing it on exit."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *_exc: Any) -> None:
        return None


async def close_shared_sessions() -> int:
    """Close the kept-alive action-server sessions (at shutdown); return how many."""
    closed = 0
    for key, session in list(_sessions.items()):
        if not session.closed:
            await session.close()
            closed += 1
        del _sessions[key]
    return closed


DEFAULT_ACTION_TIMEOUT = 4.0


def action_timeout() -> float:
    """The action server deadline: ``ACTION_TIMEOUT_SECONDS``, else 4.0 s."""
    import os

    try:
        value = float(os.environ.get("ACTION_TIMEOUT_SECONDS", DEFAULT_ACTION_TIMEOUT))
    except ValueError:
        value = DEFAULT_ACTION_TIMEOUT
    return value if 0 < value <= 300 else DEFAULT_ACTION_TIMEOUT


def _install_action_timeout() -> None:
    import rasa.core.actions.action as action_module

    # RemoteAction.run passes ``timeout=DEFAULT_REQUEST_TIMEOUT`` read from this module.
    action_module.DEFAULT_REQUEST_TIMEOUT = action_timeout()  # type: ignore[attr-defined]


def _install_shared_http_sessions() -> None:
    import rasa.core.run
    from rasa.utils.endpoints import EndpointConfig

    original = EndpointConfig.session

    def session(self: EndpointConfig) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in a loop: behave as before
            return original(self)
        key = (id(self), id(loop))
        shared = _sessions.get(key)
        if shared is None or shared.closed:
            shared = _sessions[key] = original(self)
        return _SharedSession(shared)

    EndpointConfig.session = session  # type: ignore[method-assign]

    close_resources = rasa.core.run.close_resources

    async def close_resources_and_sessions(app: Any, loop: Any) -> None:
        """Rasa's own shutdown, then our kept-alive sessions."""
        await close_resources(app, loop)
        await close_shared_sessions()

    rasa.core.run.close_resources = close_resources_and_sessions
