"""Rasa NLU components for Vietnamese (engine env only: imports Rasa).

``VietnameseTokenizer`` makes the tokens that featurizers see from the *folded* text:
NFC, no diacritics, lower case, abbreviations expanded ("đk" -> "dang", "ky"). Each token
keeps the character offsets of the word the citizen typed, so entities and replies still
use the raw text. Loaded from ``config.yml`` as ``rasa_ext.nlu.VietnameseTokenizer``.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from vntext.normalize import INVISIBLE, expand_abbreviations, fold

# Words: letters and digits (Unicode), and dotted or dashed codes kept whole (1.001193,
# 000.00.12.H37-251120-0001) so that they reach extractors as one token.
# Combining marks (U+0300-U+036F) belong to words typed in decomposed (NFD) form.
_CHAR = r"(?:[^\W_]|[\u0300-\u036f])"
_WORD_RE = re.compile(rf"\[(?:CCCD|CMND|SĐT|EMAIL|STK)\]|{_CHAR}+(?:[.\-/]{_CHAR}+)*")
# Redaction placeholders ([SĐT], [EMAIL] ...) become one neutral token: the personal data
# they replaced says nothing about what the citizen asks.
PII_WORD = "pii"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(Tokenizer):
    """Tokenizes on words, folds diacritics and expands abbreviations for featurization."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Return the component's default config."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # expand abbreviations such as cccd, gplx, đk, ko, bn
            "expand_abbreviations": True,
        }

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "VietnameseTokenizer":
        """Create the component (see the parent class)."""
        return cls(config)

    @staticmethod
    def required_packages() -> List[Text]:
        """No packages beyond the standard library."""
        return []

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Return folded tokens carrying the raw words' offsets."""
        text: Optional[str] = message.get(attribute)
        if not text:
            return []
        # Invisible characters are replaced one for one, so offsets stay those of the raw text.
        visible = text.translate(dict.fromkeys(INVISIBLE, " "))
        tokens: List[Token] = []
        for match in _WORD_RE.finditer(visible):
            raw = match.group(0)
            if raw.startswith("["):
                tokens.append(Token(PII_WORD, match.start(), match.end()))
                continue
            folded = fold(raw)
            words = [folded]
            if self._config["expand_abbreviations"] and attribute == TEXT:
                words = expand_abbreviations([folded])
            for word in words:
                tokens.append(Token(word, match.start(), match.end(), lemma=word))
        if not tokens:
            # emoji or punctuation only: one token, so that featurizers still see something
            tokens.append(Token(text.strip() or text, 0, len(text)))
        return self._apply_token_pattern(tokens)
