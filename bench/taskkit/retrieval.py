"""Okapi BM25 retrieval over a small document collection, for the RAG tasks.

Pure Python and deterministic: the same question always retrieves the same documents, so
the retrieved context is part of the task data rather than a moving part of the run.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = {
    # German and English function words that carry no topic; kept short on purpose.
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "und",
    "oder", "ist", "sind", "wird", "werden", "für", "mit", "von", "im", "in", "an", "am", "auf",
    "zu", "zum", "zur", "ich", "wir", "sie", "es", "wie", "was", "wo", "wann", "welche",
    "welcher", "welches", "muss", "kann", "bei", "nicht", "the", "a", "and", "or", "is",
    "are", "be", "for", "with", "of", "on", "at", "to", "i", "we", "you", "it", "how",
    "what", "where", "when", "which", "do", "does", "can", "my", "your", "if", "by",
}  # fmt: skip


SUBWORD_N = 4
"""Length of the character n-grams added for long words when `subwords` is on."""


def tokenize(text: str, subwords: bool = False) -> list[str]:
    """Lower-cased word tokens without stop words; umlauts kept, accents folded.

    With `subwords`, every word longer than SUBWORD_N + 2 letters also yields its character
    n-grams. German compounds share no whole word with their parts ("Sperrmüllabholung" vs
    "Sperrmüll"), so whole-word BM25 misses many German matches; the n-grams let them meet.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    words = [t for t in _WORD.findall(text) if t not in _STOPWORDS]
    if not subwords:
        return words
    out = []
    for word in words:
        out.append(word)
        if len(word) > SUBWORD_N + 2:
            out += [f"#{word[i : i + SUBWORD_N]}" for i in range(len(word) - SUBWORD_N + 1)]
    return out


class BM25:
    """BM25 index over `documents` (k1=1.5, b=0.75, the usual defaults).

    `subwords` adds character n-grams of long words (see `tokenize`); on for German.
    """

    def __init__(
        self, documents: Sequence[str], k1: float = 1.5, b: float = 0.75, subwords: bool = False
    ):
        self.k1, self.b, self.subwords = k1, b, subwords
        self.docs = [Counter(tokenize(d, subwords)) for d in documents]
        self.lengths = [sum(c.values()) for c in self.docs]
        self.avg_len = sum(self.lengths) / max(len(self.docs), 1)
        df = Counter(term for doc in self.docs for term in doc)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: str) -> list[float]:
        """BM25 score of every document for `query`."""
        terms = tokenize(query, self.subwords)
        out = []
        for doc, length in zip(self.docs, self.lengths, strict=True):
            norm = self.k1 * (1 - self.b + self.b * length / self.avg_len)
            out.append(
                sum(
                    self.idf[t] * doc[t] * (self.k1 + 1) / (doc[t] + norm)
                    for t in terms
                    if t in doc
                )
            )
        return out

    def top_k(self, query: str, k: int) -> list[int]:
        """Indices of the k best documents, ties broken by position (deterministic)."""
        scores = self.scores(query)
        return sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
