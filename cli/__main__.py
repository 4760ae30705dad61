"""``python -m cli``: the ``trolyao`` command."""

import sys

from cli.main import main

sys.exit(main())
