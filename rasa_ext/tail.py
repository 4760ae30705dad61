"""A featurizer for the question at the end of a message (engine env only: imports Rasa).

Citizens tell a story and ask at the end: "Bố tôi mất hôm kia ở nhà, đã lo hậu sự xong,
giờ phải làm giấy tờ gì". Bag-of-words features weigh every word alike, so a long story
about a procedure outweighs the few words that say *what* is asked (documents, place, fee,
time …). ``QuestionTailFeaturizer`` adds a second, separate bag of the last clause's words
and word pairs, so that "cần giấy tờ gì" at the end of a message counts as the question,
wherever the story went before it.

The tail is the words after the last clause break (comma, full stop, semicolon, colon, a
question or exclamation mark not at the very end), at most ``max_tail_tokens`` of them and
at least ``min_tail_tokens``. Features are hashed (no vocabulary to train or store), added
as sentence features, which is what the logistic-regression classifier reads. Loaded from
``config.yml`` as ``rasa_ext.tail.QuestionTailFeaturizer`` after the tokenizer.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import HashingVectorizer

_BREAK_RE = re.compile(r"[,.;:!?…\n]")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class QuestionTailFeaturizer(SparseFeaturizer, GraphComponent):
    """Hashed word and word-pair features of a message's last clause."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Return the component's default config."""
        return {
            **SparseFeaturizer.get_default_config(),
            "min_tail_tokens": 3,
            "max_tail_tokens": 8,
            "n_features": 16384,
        }

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "QuestionTailFeaturizer":
        """Create the component (see the parent class)."""
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        """Create the hashing vectorizer."""
        super().__init__(name, config)
        self._vectorizer = HashingVectorizer(
            n_features=int(config["n_features"]),
            ngram_range=(1, 2),
            alternate_sign=False,
            norm=None,
            binary=True,
            lowercase=False,
            token_pattern=None,
            tokenizer=str.split,
        )

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Check that the tail bounds make sense."""
        if not 1 <= int(config["min_tail_tokens"]) <= int(config["max_tail_tokens"]):
            raise ValueError("QuestionTailFeaturizer needs 1 <= min_tail_tokens <= max_tail_tokens")

    @staticmethod
    def required_packages() -> List[Text]:
        """scikit-learn (a dependency of Rasa)."""
        return ["sklearn"]

    def tail(self, message: Message) -> List[str]:
        """The folded words of the message's last clause."""
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        text = message.get(TEXT) or ""
        if not tokens:
            return []
        end = len(text.rstrip(" ?!.…\n\t"))
        breaks = [m.end() for m in _BREAK_RE.finditer(text, 0, end)]
        start = breaks[-1] if breaks else 0
        tail = [t for t in tokens if t.start >= start]
        low, high = int(self._config["min_tail_tokens"]), int(self._config["max_tail_tokens"])
        if len(tail) < low:
            tail = tokens[-low:]
        return [t.text for t in tail[-high:]]

    def _featurize(self, message: Message) -> None:
        words = self.tail(message)
        if not words:
            return
        sentence = self._vectorizer.transform([" ".join(words)])
        self.add_features_to_message(
            sequence=None,
            sentence=scipy.sparse.coo_matrix(sentence),
            attribute=TEXT,
            message=message,
        )

    def process(self, messages: List[Message]) -> List[Message]:
        """Add the tail features to messages being parsed."""
        for message in messages:
            self._featurize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Add the tail features to the training examples."""
        for example in training_data.training_examples:
            self._featurize(example)
        return training_data
