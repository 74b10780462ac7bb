"""Detects personal data (BSN, e-mail, phone, postcode, birth date, IBAN, a person's name, a street address) in
free text (S19). static/js/pii.js mirrors these rules for the phone; tests/data/pii_cases.json holds the shared
vectors, tests/data/pii_names_labelled.json the labelled set the name and address rules are measured on."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

__all__ = ["Finding", "find_personal_data", "is_valid_bsn"]


@dataclass(frozen=True)
class Finding:
    kind: str  # one of: "bsn", "email", "phone", "postcode", "birthdate", "iban", "name", "address"
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
# The windows count code points, in JS too (an emoji is one character there as well).
_CUT_BEFORE = re.compile("[!?;]|\\.[ ]*\\n|\\.[ ]+(?=[A-Z])", re.A)
_CUT_AFTER = re.compile("[.!?;\\n]", re.A)
_BEFORE, _AFTER = 40, 30
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


# Names and addresses. Letters include Latin-1's accented ones (Aimée, Daniël); no re.I: capitals matter here.
_UP, _LOW = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_LETTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    + "".join(chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7))
)
# A surname, double-barrelled or not, after up to three particles (tussenvoegsels): "de Vries", "van der Berg",
# "Van Dam", "in 't Veld"; a capital starts it, and it must end where the word ends.
_PARTICLES = "(?:[Vv]an|[Dd]e[nr]?|[Hh]et|[Tt]e[nr]?|[Ii]n|[Oo]p|[Uu]it|[Vv]on|'[Tt]|[Ll][ae]|[Dd]u|[Dd]a|[Ee]l|[Aa]l)"
_SURNAME = f"((?:{_PARTICLES} ){{0,3}})([{_UP}][{_LOW}']{{1,25}}(?:-[{_UP}][{_LOW}']{{1,25}})?)(?![{_UP}{_LOW}])"
# Decision: a first name alone is not flagged. Case texts are pseudonymised with first names ("moeder Sanne"),
# and a warning on every one would teach people to ignore it. A first name from the list with a surname after
# it is, and so is a surname after a title (mevrouw, dhr., familie) or after initials.
_NAME = re.compile(f"([{_UP}][{_LOW}]{{1,20}})(?:-[{_UP}][{_LOW}]{{1,20}})? {_SURNAME}")
_TITLED = re.compile(
    "(?:[Mm]evrouw|[Mm]evr\\.|[Mm]w\\.|[Mm]eneer|[Mm]nr\\.|[Dd]hr\\.|[Dd]e heer|[Ff]amilie|[Ff]am\\.|Mr\\.|Mrs\\.) "
    + _SURNAME
)
# Two or more initials ("A.B. Jansen"), or one with a particle ("J. de Vries"): one initial alone before a
# capital is as often the end of "groep A. Daarna".
_INITIALS = re.compile(f"((?:[{_UP}]\\.){{1,4}}) ?{_SURNAME}")
_DATA = Path(__file__).with_name("data")
_FIRST_NAMES = frozenset(
    line.strip()
    for line in (_DATA / "first_names_nl.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
# Capitalised words after a first name that are not a surname: the words a Dutch sentence or heading starts
# with, days, months, and the social domain's own names (a name list entry followed by "Wmo" is no person).
_NOT_SURNAMES = frozenset(
    (
        "de het een dit dat deze die er hij zij ze we wij ik je jij u in op met voor na daarna toen ook maar en of "
        "als wat wie waar hoe niet geen wel zo nu dan bij door om tot uit van aan over naar onder tijdens volgens "
        "sinds omdat want dus nog al alle veel meer moeder vader ouders gezin kind kinderen school zorg gemeente "
        "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april mei juni juli "
        "augustus september oktober november december wmo jeugdwet participatiewet ggz ggd veilig thuis jeugdzorg "
        "jeugdhulp wijkteam sociaal team raad stichting centrum nederland the and of for"
    ).split()
)
# Capitalised words that head the name of an institution, a place or a thing with a particle after them: before
# "van", "de", "op" ... they are no first name the list lacks (see _unlisted_name_ok).
_NOT_FIRST_NAMES = frozenset(
    (
        "raad kamer ministerie huis hof hoek bergen gemeente centrum bureau stichting vereniging college afdeling "
        "dienst team wijk koninkrijk provincie staten tweede eerste hoge zorg jeugd bank post kerk markt plein "
        "school hogeschool universiteit ziekenhuis politie rechtbank openbaar nationale nationaal algemene "
        "algemeen sint st wet besluit regeling dag week maand jaar directeur hoofd afdelingshoofd wethouder "
        "burgemeester minister staatssecretaris kantoor vader moeder opa oma oom tante zoon dochter broer zus "
        "vanaf namens alleen binnen buiten zowel tegen zonder behalve dankzij ondanks rond rondom via per vanuit "
        "richting ook daarom eigenlijk kerst pasen"
    ).split()
)
# First names that are also ordinary Dutch (or English) words: at the start of a sentence their capital says
# nothing ("Door Veilig Thuis ...", "Will Smith" aside), so there they do not count.
_WORD_NAMES = frozenset(
    "ben bas mark will may roos lot fleur iris job toon jade noor mare kick ties lex jet amber mees bo kim sterre "
    "rosa luna ivy dean joy wil bob linde".split()
)
# Streets: a word ending in a street suffix, then a house number (12, 12a, 12-2, 12 B). The suffixes of the
# second group are also ordinary words or place names (Rotterdam, Kinderdijk, onderweg): they count only with a
# capital and with nothing but an end, a comma, "in" or "te" after the number.
_STREET_SUFFIXES = "straat|laan|plein|singel|gracht|kade|steeg|dreef|plantsoen|boulevard|allee|straatweg".split("|")
_OTHER_SUFFIXES = "weg|dijk|hof|park|pad|markt|wal|haven|veld|baan|ring|erf|weide|akker|kanaal".split("|")
# the word first, its ending checked in code: an alternation of suffixes after a lazy prefix would try every
# split of every word (slow on long words)
_STREET = re.compile(
    f"([{_UP}{_LOW}][{_UP}{_LOW}'-]{{2,60}}) "
    "([1-9][0-9]{0,3}(?:-[0-9]{1,3}|[ -]?[A-Za-z])?)(?![0-9A-Za-z]|[.,][0-9])"
)
_WORD_END = f"(?![{_UP}{_LOW}0-9])"
_UNIT_AFTER = re.compile(
    " (?:jaar|keer|uur|dag|dagen|week|weken|maand|maanden|minuten|euro|procent|kinderen|mensen|gezinnen|personen|x)"
    + _WORD_END
)
_CLEAR_AFTER = re.compile(f"(?:[ ]?[,.;:)!?\\n]|[ ](?:in|te|en|bij){_WORD_END}|[ ]?\\Z)")  # JS: $ for \Z


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


def _after_letter(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] in _LETTERS


def _sentence_start(text: str, start: int) -> bool:
    """At the start of the text, a line, a sentence or a Markdown list item or heading."""
    before = text[:start].rstrip(" \t\"'(*_-#>")
    return not before or before[-1] in ".!?:\n"


def _surname_ok(m: re.Match[str]) -> bool:
    """After a particle ("van der Meer") any capitalised word is a surname; without one, not a common word."""
    last = m.lastindex
    assert last is not None  # every name pattern ends in _SURNAME's two groups
    particles, surname = m.group(last - 1), m.group(last)
    return bool(particles) or surname.split("-")[0].lower() not in _NOT_SURNAMES


def _unlisted_name_ok(m: re.Match[str]) -> bool:
    """A first name the list lacks (it holds the names Faker lists, few of the older generations: Kees, Cor,
    Annemarie) still counts before a lower-case particle and a surname ("Kees de Vries", "Cor van Dijk"), unless
    it is a common word or the head of an institution's or a place's name ("Raad van State", "Bergen op Zoom")."""
    first, particles, surname = m.group(1), m.group(2), m.group(3).split("-")[0]
    common = _NOT_SURNAMES | _NOT_FIRST_NAMES
    if not particles or not particles[0].islower() or first.lower() in common or surname.lower() in common:
        return False
    # "Burgerservicenummer van Sem", "Dossier van Sanne": a long compound noun, or a listed first name after the
    # particle, is a thing of someone, not a first name and a surname
    return len(first) <= 12 and surname not in _FIRST_NAMES


def _name_end(text: str, m: re.Match[str]) -> int | None:
    first = m.group(1)
    if _after_letter(text, m.start()) or not _surname_ok(m):
        return None
    if first not in _FIRST_NAMES and not _unlisted_name_ok(m):
        return None
    if first.lower() in _WORD_NAMES and _sentence_start(text, m.start()):
        return None
    return m.end()


def _titled_end(text: str, m: re.Match[str]) -> int | None:
    return None if _after_letter(text, m.start()) or not _surname_ok(m) else m.end()


def _initials_end(text: str, m: re.Match[str]) -> int | None:
    if _after_letter(text, m.start()) or not _surname_ok(m) or m.group(1) in ("N.B.", "P.S."):
        return None
    return m.end() if len(m.group(1)) > 2 or m.group(2) else None


def _street_end(text: str, m: re.Match[str]) -> int | None:
    word = m.group(1)
    clear = next((x for x in _STREET_SUFFIXES if word.endswith(x) and len(word) - len(x) >= 2), None)
    other = next((x for x in _OTHER_SUFFIXES if word.endswith(x) and len(word) - len(x) >= 2), None)
    if _after_letter(text, m.start()) or not (clear or other) or _UNIT_AFTER.match(text, m.end()):
        return None
    if not clear and not (word[0].isupper() and _CLEAR_AFTER.match(text, m.end())):
        return None
    return m.end()


_Accept = Callable[[str, re.Match[str]], int | None]

# The order matters only for exact ties, which these rules cannot produce; pii.js uses the same.
_DETECTORS: tuple[tuple[str, re.Pattern[str], _Accept], ...] = (
    ("bsn", _BSN, _bsn_end),
    ("email", _EMAIL, _email_end),
    ("phone", _PHONE, _phone_end),
    ("postcode", _POSTCODE, _postcode_end),
    ("birthdate", _DATE, _birthdate_end),
    ("iban", _IBAN, _iban_end),
    ("name", _NAME, _name_end),
    ("name", _TITLED, _titled_end),
    ("name", _INITIALS, _initials_end),
    ("address", _STREET, _street_end),
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


#: what a case description may not hold unless the facilitator confirms it is not a real person's
BLOCKING_CASE_KINDS = ("address", "bsn", "name")


def case_text_blockers(text: str, confirmed: bool) -> list[str]:
    """A case is pseudonymised: a valid BSN (the AVG gives this app no basis to hold one), a person's name or a
    street address in it blocks saving until the facilitator confirms that it is not a real person's."""
    return [] if confirmed else [k for k in personal_data_kinds(text) if k in BLOCKING_CASE_KINDS]


def blocks_case_text(text: str, confirmed: bool) -> bool:
    return bool(case_text_blockers(text, confirmed))
