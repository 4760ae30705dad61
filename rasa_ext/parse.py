"""``python -m rasa_ext.parse MODEL``: one message per stdin line in, one JSON object per line
out, ``{"text", "intent", "confidence"}``, from the trained model, with no server and no HTTP
API (engine env; ``trolyao nlu parse`` runs it). Lines are answered as they come, so a caller
can write one and read one."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from typing import Any, TextIO

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


async def parse_lines(model: str, lines: TextIO, out: TextIO) -> int:
    """Parse each line of ``lines`` with ``model``; write one JSON object per line."""
    from rasa.core.agent import Agent

    from rasa_ext.patches import install

    install()
    agent = Agent.load(model)
    count = 0
    for raw in lines:
        text = raw.rstrip("\r\n")
        if text.strip():
            result: dict[str, Any] = await agent.parse_message(text)
            intent = result.get("intent") or {}
            name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        else:
            name, confidence = None, 0.0
        out.write(
            json.dumps(
                {"text": text, "intent": name, "confidence": round(confidence, 4)},
                ensure_ascii=False,
            )
            + "\n"
        )
        out.flush()
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m rasa_ext.parse MODEL < messages", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    asyncio.run(parse_lines(args[0], sys.stdin, sys.stdout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
