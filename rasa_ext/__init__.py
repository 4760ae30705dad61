"""The engine side (engine env only, Python 3.10 with Rasa 3.6.21): our Rasa components.

- :mod:`.nlu`: the Vietnamese tokenizer of ``config.yml``;
- :mod:`.stores`: the tuned SQL tracker store and event broker of ``endpoints.yml``;
- :mod:`.patches`: measured fixes to Rasa 3.6.21 internals, installed from one entry point.

May import: Rasa, ``vntext``. Never ``trolyao``, ``api``, ``bot``, ``edge`` or ``actions``
(they live in the app env, with SQLAlchemy 2 and pydantic 2).
"""
