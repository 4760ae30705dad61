"""The engine's command: ``python -m rasa_ext.engine ARGS`` is ``rasa ARGS`` with our patches.

Every Rasa process the project starts (``make run``, the tests, the benchmarks) goes
through here, so the hot-path fixes of :mod:`rasa_ext.patches` are installed once,
explicitly, before Rasa builds anything, and never as a side effect of another component.
"""

from __future__ import annotations

import sys

from rasa_ext import patches


def main() -> None:
    """Install the patches, then run Rasa's own command line."""
    patches.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    sys.argv[0] = "rasa"
    main()
