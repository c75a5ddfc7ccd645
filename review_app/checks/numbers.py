"""Numbers in English and Chinese text, as sets of values, for ``qa.number_mismatch``.

A number written with digits gives its value and, when a scale word follows, the scaled value
too (``2.5 million`` -> {2.5, 2500000}); thousands separators and decimals are read
(``1,000`` = 1000, ``3.5``), other separators split (``1,2`` -> 1 and 2). Number words
(``twenty-five``, ``two hundred``, ``second``, ``twice``, ``dozen``, month names) only count
as *found* in the MT, never as *expected*: "one" is too often a pronoun. Chinese: ASCII and
full-width digits with 十/百/千/万/亿 after them (``3万`` -> {3, 30000}), and Chinese numerals
(``二〇二〇``, ``三十``, ``一亿五千万``) of ten or more (smaller ones are too often words: 一年 "a year").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
THOUSANDS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
DECIMAL_RE = re.compile(r"^\d+\.\d+$")
SCALE_AFTER_RE = re.compile(r"\s*-?\s*(hundred|thousand|million|billion|trillion|bn|mn)\b|(k|K|m|M|bn|B)\b")
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6,
          "k": 1e3, "m": 1e6, "b": 1e9}

ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000, "millionth": 1e6,
}
OTHER_WORDS = {
    "once": 1, "twice": 2, "thrice": 3, "single": 1, "double": 2, "triple": 3, "dozen": 12, "dozens": 12,
    "half": 0.5, "quarter": 0.25, "noon": 12, "midday": 12, "midnight": 12, "fortnight": 14, "pair": 2,
    "couple": 2, "decade": 10, "decades": 10, "century": 100, "centuries": 100, "millennium": 1000, "hundreds": 100, "thousands": 1000, "millions": 1e6, "billions": 1e9,
    "percent": None, "a": None, "an": None, "and": None,
}
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
BIG = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
WORD_RE = re.compile(r"[a-z]+|[^\sa-z-]+")  # words, and punctuation that ends a number


def key(value: float) -> float:
    """Values compared after rounding away float noise."""
    return round(float(value), 6)


@dataclass(frozen=True)
class Number:
    """A number written with digits: its span, its text, and the values it may stand for."""

    start: int
    end: int
    text: str
    values: frozenset[float]


def parse_digits(token: str) -> list[float]:
    """Values of one digit run: ``1,000.5`` -> [1000.5]; ``1,2`` -> [1, 2]; ``1.2.3`` -> [1, 2, 3]."""
    if THOUSANDS_RE.match(token):
        return [float(token.replace(",", ""))]
    if "," in token:
        return [v for piece in token.split(",") for v in parse_digits(piece)]
    if DECIMAL_RE.match(token):
        return [float(token)]
    if "." in token:
        return [float(piece) for piece in token.split(".") if piece]
    return [float(token)]


def digit_numbers(text: str) -> list[Number]:
    """Numbers written with digits in ``text`` (English), with scale words read."""
    numbers = []
    for match in DIGITS_RE.finditer(text):
        token = match.group()
        try:
            values = parse_digits(token)
        except ValueError:
            continue
        scale = SCALE_AFTER_RE.match(text, match.end())
        multiplier = None
        if scale:
            word = (scale.group(1) or scale.group(2)).lower()
            multiplier = SCALES.get(word)
        for value in values:
            alternatives = {key(value)}
            if multiplier and len(values) == 1:
                alternatives.add(key(value * multiplier))
            numbers.append(Number(match.start(), match.end(), token, frozenset(alternatives)))
    return numbers


def word_values(text: str) -> set[float]:
    """Values of English number words (each word, and compounds like ``twenty-five`` or ``two hundred``)."""
    values: set[float] = set()
    lowered = text.lower()
    words = WORD_RE.findall(lowered)
    current = total = 0.0
    in_number = False

    def close() -> None:
        nonlocal current, total, in_number
        if in_number:
            values.add(key(total + current))
        current = total = 0.0
        in_number = False

    for word in words:
        if word in ONES or word in TENS:
            value = ONES.get(word, TENS.get(word))
            values.add(key(value))
            current += value
            in_number = True
        elif word in BIG:
            values.add(key(BIG[word]))
            if word == "hundred":
                current = (current or 1) * 100
            else:
                total += (current or 1) * BIG[word]
                current = 0.0
            in_number = True
        elif word in ("and", "a", "an") and in_number:
            continue
        else:
            close()
            if not word[0].isalpha():
                continue
            if word in ORDINALS:
                values.add(key(ORDINALS[word]))
            elif word in MONTHS:
                values.add(key(MONTHS[word]))
            elif OTHER_WORDS.get(word) is not None:
                values.add(key(OTHER_WORDS[word]))
    close()
    return values


def english_values(text: str) -> set[float]:
    """Every value ``text`` can be read to contain (digits with scales, and number words)."""
    values = set(word_values(text))
    for number in digit_numbers(text):
        values |= number.values
    return values


def found_in(values: frozenset[float] | set[float], found: set[float]) -> bool:
    """Whether a number (its alternative values) is among ``found``, allowing 12/24-hour clock
    forms (3 p.m. = 15:00), percentages as fractions (50% = half) and two-digit years (95 = 1995)."""
    for value in values:
        if value in found:
            return True
        if 0 <= value < 100 and value == int(value) and (key(1900 + value) in found or key(2000 + value) in found):
            return True
        if 1900 <= value < 2100 and key(value % 100) in found:
            return True
        if 0 < value <= 12 and key(value + 12) in found:
            return True
        if 12 < value <= 24 and key(value - 12) in found:
            return True
        if 0 < value <= 100 and key(value / 100) in found:
            return True
    return False


# --- Chinese --------------------------------------------------------------------------------------

CN_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
CN_RUN_RE = re.compile("[" + "".join(CN_DIGITS) + "".join(CN_UNITS) + "".join(CN_BIG) + "]+")
CN_SCALED_RE = re.compile(r"(\d+(?:\.\d+)?)\s*[多余]?\s*([十百千万萬亿億]+)")


def parse_chinese_numeral(run: str) -> set[float]:
    """Values of a run of Chinese numerals: ``三十`` -> {30}; ``二〇二〇`` -> {2020}; ``三四`` -> {34, 3, 4}."""
    if not any(ch in CN_UNITS or ch in CN_BIG for ch in run):
        digits = [CN_DIGITS[ch] for ch in run]
        values = {float(d) for d in digits}
        if len(digits) > 1:
            values.add(float("".join(str(d) for d in digits)))
        return values
    total = section = number = 0.0
    last_big = 0.0
    for ch in run:
        if ch in CN_DIGITS:
            number = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (number or 1) * CN_UNITS[ch]
            number = 0
        else:
            big = CN_BIG[ch]
            if last_big and big > last_big:
                total = (total + section + number) * big
            else:
                total += (section + number or 1) * big
            last_big = big
            section = number = 0
    return {total + section + number}


def chinese_values(text: str) -> set[float]:
    """Every value a Chinese text shows: digits (ASCII or full-width, scaled by 万/亿...) and numerals."""
    text = unicodedata.normalize("NFKC", text)
    values: set[float] = set()
    for number in digit_numbers(text):
        values |= number.values
    for match in CN_SCALED_RE.finditer(text):
        multiplier = 1.0
        for ch in match.group(2):
            multiplier *= CN_UNITS.get(ch) or CN_BIG.get(ch) or 1
        values.add(key(float(match.group(1)) * multiplier))
    for match in CN_RUN_RE.finditer(text):
        # Numerals under ten are not evidence: 一 is also "a"/"one"/"the same" (一年 "a year",
        # 一起 "together"), and 第一部分 may well be "Part I".
        values |= {key(v) for v in parse_chinese_numeral(match.group()) if v >= 10}
    return values


def source_digit_numbers(text: str) -> list[Number]:
    """Numbers a Chinese source shows with digits (the unambiguous ones), scaled by 万/亿 when followed by them."""
    text = unicodedata.normalize("NFKC", text)
    numbers = []
    for number in digit_numbers(text):
        scaled = CN_SCALED_RE.match(text, number.start)
        values = set(number.values)
        if scaled and scaled.end(1) == number.end:
            multiplier = 1.0
            for ch in scaled.group(2):
                multiplier *= CN_UNITS.get(ch) or CN_BIG.get(ch) or 1
            values |= {key(v * multiplier) for v in number.values}
        numbers.append(Number(number.start, number.end, number.text, frozenset(values)))
    return numbers
