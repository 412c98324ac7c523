"""The forms aliases and mentions are compared in.

`normal(text)` is the candidate index's key: case, diacritics, possessives ("Korea's"),
apostrophes, periods ("U.S." = "US"), hyphens and other punctuation, a leading "the" and
runs of white space make no difference. `surface(text)` is the gazetteer's: the same
length as the text, so a match's offsets are the text's; it folds case and Latin
diacritics and unifies dashes, quotes and spaces, nothing else.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Words an acronym may leave out ("Ministry of Foreign Affairs" -> MFA as well as MOFA).
STOPWORDS = frozenset(
    "a an and the of for in on at to by de del des du la le les van von der und".split()
)
_POSSESSIVE = re.compile(r"(?<=\w)['’ʼ]s?(?=\W|$)")
_DROP = re.compile(r"['’ʼ`´.]")
_SPLIT = re.compile(r"[^\w]+|_")
_DASHES = "‐‑‒–—―−"  # hyphen, non-breaking hyphen, figure dash, en, em, bar, minus
_QUOTES = "’‘ʼ`´"
_SPACES = "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\t"


def fold(text: str) -> str:
    """Case-folded, without diacritics ("Ádám" -> "adam")."""
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=65536)
def normal(text: str) -> str:
    """The comparison form: 'The Republic of Korea’s' -> 'republic of korea'."""
    text = _POSSESSIVE.sub("", text)
    text = _DROP.sub("", fold(text))
    words = [w for w in _SPLIT.split(text) if w]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def words(text: str) -> list[str]:
    return normal(text).split()


def initials(text: str) -> set[str]:
    """The acronyms a multi-word name may go by: 'Ministry of Foreign Affairs' ->
    {'mofa', 'mfa'}; hyphenated words count each part ('Kazakh-Korean Commission' ->
    'kkc'). Empty for a single word."""
    parts = [w for w in re.split(r"[\s\-‐–—/]+", fold(_DROP.sub("", text))) if w]
    parts = [w for w in parts if w[0].isalnum()]
    if len(parts) < 2:
        return set()
    found = {"".join(w[0] for w in parts)}
    content = [w for w in parts if w not in STOPWORDS]
    if len(content) >= 2:
        found.add("".join(w[0] for w in content))
    return found


def is_acronym(text: str) -> bool:
    """'MFA', 'OSCE', 'U.S.', 'BAKAD': written in capitals, at most 6 letters."""
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 6 and all(c.isupper() for c in letters)


@functools.lru_cache(maxsize=1)
def _surface_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        c = chr(cp)
        base = unicodedata.normalize("NFKD", c)[0].lower()
        if len(base) == 1 and base.isascii() and base.isalpha():
            table[cp] = base
    for c, to in {"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i"}.items():
        table[ord(c)] = to
    for c in _DASHES:
        table[ord(c)] = "-"
    for c in _QUOTES:
        table[ord(c)] = "'"
    for c in _SPACES:
        table[ord(c)] = " "
    return table


def surface(text: str) -> str:
    """Same length as `text`: lower case, Latin diacritics folded, dashes, quotes and
    spaces unified, so offsets into it are offsets into `text`."""
    lowered = text.lower()
    if len(lowered) != len(text):  # 'İ' lowers to two code points
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(_surface_table())
