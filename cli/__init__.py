"""``trolyao``: the operator's command line, the top layer (the composition root).

One module per command group: :mod:`cli.database` (``db``, ``users``), :mod:`cli.kb`,
:mod:`cli.places`, :mod:`cli.evaluate` (``eval``, ``redact``) and :mod:`cli.serve` (``api``,
``run``, ``cluster``, ``train``, ``worker``, ``telegram``); :mod:`cli.main` puts them
together. The benchmark commands live with the benchmarks (:mod:`bench.commands`) and are
added when ``bench`` is importable, which it is in a clone but not in the wheel or the image.

Each command imports the part it runs inside its function, so that ``trolyao db upgrade``
loads no web framework.
"""
