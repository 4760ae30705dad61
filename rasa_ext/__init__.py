"""The engine side (engine env only, Python 3.10 with Rasa 3.6.21): our Rasa components.

- :mod:`.nlu`: the Vietnamese tokenizer of ``config.yml``;
- :mod:`.tail`: the featurizer of the question at the end of a message;
- :mod:`.stores`: the tuned SQL tracker store and event broker of ``endpoints.yml``;
- :mod:`.locks`: the Redis lock store that keeps a conversation in order across replicas;
- :mod:`.channels`: the edge's channel, the engine's only way in;
- :mod:`.patches`: measured fixes to Rasa 3.6.21 internals;
- :mod:`.engine`: the engine's command, which installs the patches in every Rasa process.

May import: Rasa, ``vntext``. Never ``trolyao``, ``api``, ``bot``, ``edge`` or ``actions``
(they live in the app env, with SQLAlchemy 2 and pydantic 2).
"""
