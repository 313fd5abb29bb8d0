"""Paper text to terms: the words that can tell one paper's topic from another's.

Only generic English is written here (a stop-word list and plural endings); everything about a
topic is learned from the references and the store, so the ranker works for any field.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import unicodedata

logger = logging.getLogger(__name__)

# Letters and digits; "_" and every other symbol split words. Hyphenated compounds become
# separate words, and their pairing survives as a bigram.
_WORD = re.compile(r"[^\W_]+")

STOP_WORDS = frozenset(
    """
    a about above across after again against all almost along already also although always am
    among an and another any anyone anything are around as at be because been before being below
    between both but by can cannot could did do does doing done down during each either else
    enough etc even ever every few for from further furthermore had has have having he her here
    hers herself him himself his how however i if in into is it its itself just least less let
    like made make makes making many may me might more moreover most mostly much must my myself
    namely near nearly neither never nevertheless no nor not now of off often on once one only
    onto or other others otherwise our ours ourselves out over own per perhaps quite rather
    really same several shall she should since so some such than that the their theirs them
    themselves then there thereby therefore these they this those though through throughout thus
    to together too toward towards under until up upon us use used uses using very via was we
    well were what whatever when whenever where whereas wherever whether which while who whom
    whose why will with within without would yet you your yours yourself yourselves
    paper propose proposed proposes present presents show shows shown introduce introduces
    approach method methods work works result results based new novel existing recent
    recently first second two three furthermore specifically significantly achieve achieves
    achieved demonstrate demonstrates extensive experiments experimental
    """.split()
)
"""Words every abstract uses whatever its topic: function words and the phrases of the genre."""


def _stem(word: str) -> str:
    """Fold plain English plurals so that a term and its plural count as one."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The content words of ``text`` in order, case- and width-folded, plurals folded.

    A stop word is removed but leaves a gap (an empty string), so that no bigram spans it.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [_word(raw) for raw in _WORD.findall(folded)]


@functools.lru_cache(maxsize=1 << 16)
def _word(raw: str) -> str:
    """A folded token as a content word, or "" for one that tells no topic. A store repeats
    the same few thousand words, so each is folded once."""
    if len(raw) < 2 or raw in STOP_WORDS or raw.isdigit():
        return ""
    return _stem(raw)


_CAMEL = re.compile(r"[a-z][A-Z]")
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+s?")


def parts(text: str) -> list[str]:
    """The words inside the CamelCase names of ``text``, each once: "InternVideo" and
    "SpikeVideoFormer" both hold "video", which as whole names they do not share."""
    if not _CAMEL.search(text):
        return []
    names = (name for name in _WORD.findall(text) if _CAMEL.search(name))
    found = (p for name in names for p in _PART.findall(name))
    return list(dict.fromkeys(w for w in words(" ".join(found)) if w))


def terms(text: str, bigrams: bool = True) -> list[str]:
    """The unigrams of ``text`` and, optionally, the bigrams of neighbouring content words."""
    return terms_of(words(text), bigrams)


def terms_of(seq: list[str], bigrams: bool = True) -> list[str]:
    """``terms`` of a text already split by ``words``."""
    result = [w for w in seq if w]
    if bigrams:
        result.extend(f"{a} {b}" for a, b in itertools.pairwise(seq) if a and b)
    return result
