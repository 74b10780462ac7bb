"""Detects personal data (BSN, e-mail, phone, postcode, birth date, IBAN) in free text (S19).
static/js/pii.js mirrors these rules for the phone; tests/data/pii_cases.json holds the shared vectors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

__all__ = ["Finding", "find_personal_data", "is_valid_bsn"]


@dataclass(frozen=True)
class Finding:
    kind: str  # one of: "bsn", "email", "phone", "postcode", "birthdate", "iban"
    start: int  # character offsets in the text
    end: int
    # no copy of the matched text is kept on purpose (it is personal data)


# Rules shared with pii.js. The regex sources are kept textually equal to the JS ones.
# Every quantifier is bounded and none is nested (ASVS 1.3.12: no ReDoS). re.ASCII makes
# \b and IGNORECASE behave as in JS, so "ſ" or the Kelvin sign never match "s" or "k".
# IGNORECASE only matters for the IBAN and month names; JS uses flags "gi" for all of them.
# A left-hand word boundary is checked in code instead of with a lookbehind, because
# Safari before 16.4 rejects lookbehind and the whole JS module would fail to load.
_FLAGS = re.A | re.I

# BSN: plain, 123.456.782, 123 456 782, 1234.56.782 or 1234 56 782. 8 digits (an old
# number written without its leading zero) only counts next to a context word.
# The lookahead keeps amounts such as 123.456.789,00 and longer numbers out.
_BSN = re.compile(
    "(?:[0-9]{9}|[0-9]{3}([. ])[0-9]{3}\\1[0-9]{3}|[0-9]{4}([. ])[0-9]{2}\\2[0-9]{3}|[0-9]{8})(?![0-9]|[.,][0-9-])",
    _FLAGS,
)
# Nor is a number right after a digit, a decimal comma or a currency sign (€ 249.566.758).
_NOT_BSN_BEFORE = re.compile("(?:[0-9][.,]?|(?:€|eur|euro) ?)\\Z", _FLAGS)  # JS: $ for \Z
_BSN_WORDS = re.compile("\\b(?:bsn|burger ?service ?nummer|sofi(?:[ -]?nummer|\\b)|citizen service number)", _FLAGS)

# Phone: 0 + 9 digits, or +31/0031 (optionally with (0) or 0) + 9 digits. Between two
# digits one ")" or "-" and one space are allowed: 06-12345678, 06 1234 5678,
# 010 123 4567, (020) 1234567. The lookahead rejects longer and hyphenated numbers.
_PHONE = re.compile(
    "(?:(?:\\+31|0031)[ -]?(?:\\(0\\)|0)?[ -]?|0)[1-9]" + "[)-]? ?[0-9]" * 8 + "(?![0-9]|-[0-9])",
    _FLAGS,
)

# Postcode: 1234AB or 1234 AB, never 0xxx, never SA/SD/SS (not issued). Lower-case
# letters only count without the space: "1234ab" is a postcode, "in 2023 en 2024"
# is not. A house number before or after needs no rule: the postcode alone is flagged.
_POSTCODE = re.compile("[1-9][0-9]{3}( ?)([A-Za-z]{2})(?![A-Za-z])", _FLAGS)

# Dutch IBAN, with or without the usual spaces; the mod-97 check makes case safe to ignore.
_IBAN = re.compile("NL[0-9]{2} ?[A-Z]{4} ?[0-9]{4} ?[0-9]{4} ?[0-9]{2}(?![0-9A-Za-z])", _FLAGS)

# E-mail: bounded parts, so a 100,000-letter word costs at most 64 steps per position.
# The domain ends in a letter or digit (not the full stop of the sentence) and, checked
# in code, needs a dot and a letter TLD.
_EMAIL = re.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{0,252}[A-Za-z0-9]", _FLAGS)

# Dates: d-m-yyyy, dd/mm/yy, dd.mm.yyyy (groups 1-4), yyyy-mm-dd (5-7), "3 mei 2012" (8-10).
_DATE = re.compile(
    "(?:([0-9]{1,2})([-/.])([0-9]{1,2})\\2([0-9]{4}|[0-9]{2})|([0-9]{4})-([0-9]{2})-([0-9]{2})"
    "|([0-9]{1,2}) {1,3}([a-z]{3,9})\\.? {1,3}([0-9]{4}))(?![0-9])",
    _FLAGS,
)
# A month word is any prefix (3+ letters) of these names, Dutch and English, or "mrt".
_MONTHS = (
    "januari january,februari february,maart march mrt,april,mei may,juni june,juli july,"
    "augustus august,september,oktober october,november,december"
).split(",")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# "geboren" also catches the Dutch word order "Sem is op 3 mei 2012 geboren"; "geboorte"
# and "birth" are prefixes on purpose (geboortedatum, birthdate).
_BIRTH_WORDS = re.compile("\\b(?:geboren|geboorte|geb\\b|born\\b|birth|dob\\b)", _FLAGS)

# Context windows around a match, cut at sentence ends so that "Sem is in 2012 geboren.
# Op 12-03-2024 was er overleg." does not make the meeting a birth date. A period only
# ends the sentence before a capital or a line break, so "geb. 03-05-2012" keeps "geb.".
# The windows count code points here and UTF-16 units in JS: an emoji near the edge of
# a window can shift it by one character.
_CUT_BEFORE = re.compile("[!?;]|\\.[ ]*\\n|\\.[ ]+(?=[A-Z])", re.A)
_CUT_AFTER = re.compile("[.!?;\\n]", re.A)
_BEFORE, _AFTER = 40, 30
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def is_valid_bsn(digits: str) -> bool:
    """Eleven-test (elfproef) with weights 9..2 and -1; 8 digits get a leading zero."""
    # Only ASCII digits: str.isdigit() would also accept, for example, Arabic-Indic digits.
    if not isinstance(digits, str) or re.fullmatch("[0-9]{8,9}", digits) is None:
        return False
    digits = digits.zfill(9)
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    # 000000000 passes the arithmetic but is a placeholder, never an issued number.
    return total % 11 == 0 and digits != "000000000"


def _glued(text: str, start: int) -> bool:
    """True when a letter or digit precedes start, i.e. the match is part of a longer token."""
    return start > 0 and text[start - 1] in _ALNUM


def _near(words: re.Pattern[str], text: str, start: int, end: int) -> bool:
    before = _CUT_BEFORE.split(text[max(0, start - _BEFORE) : start])[-1]
    after = _CUT_AFTER.split(text[end : end + _AFTER], maxsplit=1)[0]
    return words.search(before) is not None or words.search(after) is not None


# Each accept function returns the end of an accepted match, or None to reject it.


def _bsn_end(text: str, m: re.Match[str]) -> int | None:
    s = m.start()
    digits = m.group().replace(".", "").replace(" ", "")
    if _NOT_BSN_BEFORE.search(text[max(0, s - 6) : s]) or not is_valid_bsn(digits):
        return None
    # Decision: a 9-digit number that passes the eleven-test is flagged even without a
    # context word. About 1 in 11 random numbers pass, but a 9-digit number in a
    # reflection is nearly always an identifier (BSN, client or file number), and the
    # tool has no legal basis for a BSN at all (UAVG art. 46). A false warning costs
    # one tap; a stored BSN does not. 8 digits are too common (e.g. KvK numbers) to
    # flag without a context word.
    if len(digits) == 8 and not _near(_BSN_WORDS, text, s, m.end()):
        return None
    return m.end()


def _email_end(text: str, m: re.Match[str]) -> int | None:
    domain = m.group()[m.group().index("@") + 1 :]
    dot = domain.rfind(".")
    tld = domain[dot + 1 :]
    return m.end() if dot > 0 and len(tld) >= 2 and tld.isalpha() else None


def _phone_end(text: str, m: re.Match[str]) -> int | None:
    return None if _glued(text, m.start()) else m.end()


def _postcode_end(text: str, m: re.Match[str]) -> int | None:
    letters = m.group(2)
    upper = letters.upper()
    if _glued(text, m.start()) or upper in ("SA", "SD", "SS") or (m.group(1) and letters != upper):
        return None
    return m.end()


def _birthdate_end(text: str, m: re.Match[str]) -> int | None:
    if m.group(1):
        day, month, year = int(m.group(1)), int(m.group(3)), m.group(4)
    elif m.group(5):
        day, month, year = int(m.group(7)), int(m.group(6)), m.group(5)
    else:
        word = " " + m.group(9).lower()
        month = next((i for i, names in enumerate(_MONTHS, 1) if word in " " + names), 0)
        day, year = int(m.group(8)), m.group(10)
    if _glued(text, m.start()) or not (1 <= month <= 12 and 1 <= day <= _DAYS[month - 1]):
        return None
    # Decision: a full date is a birth date only when it is plausible (year 1900 up to
    # this year; a 2-digit year is always plausible) AND a birth word is near. Case
    # texts are full of dated events ("vergadering op 12-03-2024", "sinds 1 maart 2022
    # bij oma"); warning on all of them would teach people to ignore the warning.
    if len(year) == 4 and not 1900 <= int(year) <= date.today().year:
        return None
    return m.end() if _near(_BIRTH_WORDS, text, m.start(), m.end()) else None


def _iban_end(text: str, m: re.Match[str]) -> int | None:
    iban = m.group().replace(" ", "").upper()
    # ISO 13616: move the country code and check digits to the end, A=10 .. Z=35, mod 97.
    number = int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4]))
    return None if _glued(text, m.start()) or number % 97 != 1 else m.end()


_Accept = Callable[[str, re.Match[str]], int | None]

# The order matters only for exact ties, which these rules cannot produce; pii.js uses the same.
_DETECTORS: tuple[tuple[str, re.Pattern[str], _Accept], ...] = (
    ("bsn", _BSN, _bsn_end),
    ("email", _EMAIL, _email_end),
    ("phone", _PHONE, _phone_end),
    ("postcode", _POSTCODE, _postcode_end),
    ("birthdate", _DATE, _birthdate_end),
    ("iban", _IBAN, _iban_end),
)


def _scan(kind: str, rx: re.Pattern[str], accept: _Accept, text: str) -> Iterator[Finding]:
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        end = accept(text, m)
        if end is not None:
            yield Finding(kind, m.start(), end)
        # After a rejected candidate, retry one character on rather than after it, so a
        # valid match overlapping the rejected one is not skipped.
        pos = m.start() + 1 if end is None else end


def find_personal_data(text: str) -> list[Finding]:
    """Return likely personal data in text as non-overlapping findings, ordered by position.

    A finding is a warning to show the writer, not proof: the person may still send.
    """
    found = [f for kind, rx, accept in _DETECTORS for f in _scan(kind, rx, accept, text)]
    # Of overlapping findings the earliest, then the longest, wins: an IBAN, not the
    # phone-like digits inside it; a +31 number, not the 9 digits after +31.
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[Finding] = []
    for f in found:
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


def personal_data_kinds(text: str) -> list[str]:
    """The kinds of personal data found, sorted and without positions: what a flag on a reflection keeps."""
    return sorted({finding.kind for finding in find_personal_data(text or "")})
