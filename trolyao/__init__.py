"""The domain of the assistant: procedure knowledge base, search, dossiers.

No web framework and no Rasa here; the API, the action server and the channels
build on this package.
"""

__version__ = "0.1.0"
