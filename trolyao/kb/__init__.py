"""The knowledge base: procedure records in the national shape, their tables, versions and
publication workflow, search, import and export, and the seed.

May import: ``trolyao.places``, ``trolyao.db``, ``trolyao.schema``, ``trolyao.audit``,
``trolyao.settings``, ``trolyao.errors``, ``vntext``. Never the web, Rasa, analytics or the
channels.
"""
