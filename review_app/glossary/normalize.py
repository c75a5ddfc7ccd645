"""Text normalisation for matching, with a map from normalised offsets back to the original text.

What counts as "the same" text when matching terms:

* Unicode NFKC (so NFD ``é`` = NFC ``é``, full-width ``Ｔｉａｎｗｅｎ`` = ``Tianwen``, ligatures split);
* apostrophes ``' ’ ‘ ʼ ′ ＇ ` ´`` are one character;
* hyphen-like dashes ``- ‐ ‑ ‒ – − ﹣ －`` are one character (the em dash ``—`` is punctuation, not a hyphen);
* a hyphen is **not** a space: ``Tianwen 1`` does not match ``Tianwen-1``. A glossary lists the
  spaced (or unhyphenated) form as a variant when it is wrong, or as admitted when it is fine;
* runs of white space (including no-break and ideographic spaces) are one space; zero-width
  characters and soft hyphens are ignored;
* with ``fold=True`` letters are lower-cased (case is compared afterwards, on the original text).

Spans found in the normalised text are mapped back, so a finding points at the characters the
user typed, whatever normalisation did to their length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

APOSTROPHES = "'’‘ʼ′＇`´ʹ"
HYPHENS = "-‐‑‒–−﹣－"
SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\v\f\r\n"
IGNORED = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

ONE_TO_ONE = str.maketrans(
    {**{c: "'" for c in APOSTROPHES}, **{c: "-" for c in HYPHENS}, **{c: " " for c in SPACES}}
)
DELETE = str.maketrans({c: None for c in IGNORED})

# Han, kana, Hangul, CJK symbols: no word boundaries between these, and they are "source script" in English.
CJK_RANGES = (
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3190, 0x31FF),  # Kanbun, Katakana extensions
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK Extensions B-H
)
CJK_CLASS = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in CJK_RANGES)
CJK_RE = re.compile(f"[{CJK_CLASS}]")


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in CJK_RANGES)


def is_word_char(ch: str) -> bool:
    """Letters, digits, marks and ``_`` of alphabetic scripts; CJK characters are not (no spaces there)."""
    if ch.isalnum() or ch == "_":
        return not is_cjk(ch)
    return unicodedata.category(ch).startswith("M")


@dataclass(frozen=True)
class Normalized:
    """``text`` normalised; ``starts[i]``/``ends[i]`` give the original span of normalised character i.

    ``starts is None`` means the normalised text has the same length as the original and
    character i comes from original character i (the fast path for most segments).
    """

    original: str
    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the normalised span [start, end)."""
        if self.starts is None:
            return start, end
        if start >= end:
            position = self.starts[start] if start < len(self.starts) else len(self.original)
            return position, position
        return self.starts[start], self.ends[end - 1]


def normalize(text: str, fold: bool = True) -> Normalized:
    """Normalise ``text`` for matching (see the module docstring), keeping the offset map."""
    mapped = text.translate(ONE_TO_ONE)
    if (
        "  " not in mapped
        and (mapped.isascii() or (unicodedata.is_normalized("NFKC", mapped) and not _has_ignored(mapped)))
    ):
        folded = mapped.lower() if fold else mapped
        if len(folded) == len(mapped):
            return Normalized(text, folded)
    return _normalize_slow(text, fold)


def _has_ignored(text: str) -> bool:
    return any(c in text for c in IGNORED)


def _clusters(text: str):
    """(start, end) of each base character with the combining marks that follow it."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.combining(text[i]):
            yield start, i
            start = i


@lru_cache(maxsize=4096)
def _normalize_piece(cluster: str, fold: bool) -> str:
    piece = unicodedata.normalize("NFKC", cluster.translate(DELETE))
    piece = piece.translate(ONE_TO_ONE).translate(DELETE)
    return piece.lower() if fold else piece


def _normalize_slow(text: str, fold: bool) -> Normalized:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _clusters(text):
        for ch in _normalize_piece(text[start:end], fold):
            if ch == " " and out and out[-1] == " ":
                ends[-1] = end
                continue
            out.append(ch)
            starts.append(start)
            ends.append(end)
    return Normalized(text, "".join(out), tuple(starts), tuple(ends))


def match_key(text: str) -> str:
    """The key two spellings must share to match: normalised, folded, stripped."""
    return normalize(text.strip(), fold=True).text.strip()


def exact_key(text: str) -> str:
    """Like :func:`match_key` but keeping case: equal exact keys differ at most in apostrophe,
    hyphen, space or Unicode form, which the checks accept."""
    return normalize(text.strip(), fold=False).text.strip()
