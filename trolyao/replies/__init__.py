"""What the assistant says: one home for every citizen-facing sentence.

The texts live in ``domain.yml`` (Rasa's responses, where translators find them and
``rasa data validate`` checks them). This package is the only reader of that file in the
app env: the actions fill responses with facts (:mod:`.answers`), the admin's preview renders
an unsaved record with the same code (:mod:`.preview`), the edge says its own few sentences
(:func:`edge_reply`), and feedback polarity is decided once (:mod:`.feedback`) for the
actions and analytics alike.

May import: ``trolyao.kb``, ``trolyao.helpdesk``, ``trolyao.db``, ``trolyao.schema``,
``trolyao.settings``, ``vntext``. Never Rasa, never the web.
"""

from trolyao.replies.contact import contact_bullets, contact_values
from trolyao.replies.domain import edge_reply, fragment, load_domain, response_text
from trolyao.replies.feedback import feedback_polarity

__all__ = [
    "contact_bullets",
    "contact_values",
    "edge_reply",
    "feedback_polarity",
    "fragment",
    "load_domain",
    "response_text",
]
