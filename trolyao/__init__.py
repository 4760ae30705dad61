"""The domain of the assistant, by stage: the knowledge base (``kb``), what the assistant
says (``replies``), usage analytics (``analytics``), staff ``accounts``, ``redaction`` and
``deletion`` of personal data, and the ``runtime`` that runs it all.

No web framework, no Rasa, no channel here: the API, the action server, the edge and the
channels build on this package. The one exception is :mod:`trolyao.cli`, the operator's
command line and the composition root, which starts or calls every part.
See docs/architecture.md for what each package may import.
"""

__version__ = "0.1.0"
