"""The domain of the assistant, by stage: the knowledge base (``kb``), the province's
``places``, what the assistant says (``replies``), usage ``analytics``, staff ``accounts``,
``handoffs`` to officials and the ``helpdesk`` contact, ``redaction`` and ``deletion`` of
personal data, and the ``runtime`` that runs it all.

No web framework, no Rasa, no channel here: the API, the action server, the edge and the
channels build on this package, and the operator's command line (the top-level ``cli``
package) on all of them. See docs/architecture.md for what each package may import.
"""

__version__ = "0.1.0"
