"""Tests for facilitation.privacy.detect: shared vectors, the BSN eleven-test, ReDoS safety and fuzzing."""

from __future__ import annotations

import json
import time
from dataclasses import FrozenInstanceError, fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from facilitation.privacy.detect import Finding, find_personal_data, is_valid_bsn

CASES = json.loads((Path(__file__).parent.parent / "data" / "pii_cases.json").read_text(encoding="utf-8"))
KINDS = {"bsn", "email", "phone", "postcode", "birthdate", "iban", "name", "address"}

# No example database: the suite must not leave a .hypothesis/ directory behind, and
# no deadline: the timing guard is test_adversarial_input_is_fast, not Hypothesis.
FUZZ = settings(max_examples=500, deadline=None, database=None)
PROPERTY = settings(max_examples=200, deadline=None, database=None)

# Characters that drive the detectors into their partial-match paths.
PII_ALPHABET = "0123456789 0123456789 .-/:()+@,\n€NLABSDnlabsdgeborn"

# One string per detector family that makes a naive regex backtrack, 100,000 characters each.
N = 100_000
ADVERSARIAL = {
    "digits": "1" * N,
    "letters": "a" * N,
    "spaced_zeros": "0 " * (N // 2),
    "phone_prefixes": "+31 (0)" * (N // 7),
    "phone_separators": "0-) " * (N // 4),
    "email_local_part": "a." * (N // 2),
    "email_at_signs": "a@" * (N // 2),
    "email_domain": "a@" + "b-." * (N // 3),
    "bsn_groups": "123.456. " * (N // 9),
    "postcode": "1234 A" * (N // 6),
    "iban": "NL91 ABNA 0417 " * (N // 15),
    "numeric_dates": "1-1-" * (N // 4),
    "month_dates": "geboren 1 maart " * (N // 16),
    "birth_context": "geb. 1-1-11 " * (N // 12),
    "sentence_cuts": ". A" * (N // 3),
}


def kinds(text: str) -> list[str]:
    return sorted({f.kind for f in find_personal_data(text)})


def spans(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in find_personal_data(text)]


def check_invariants(text: str, found: list[Finding]) -> None:
    for f in found:
        assert f.kind in KINDS
        assert 0 <= f.start < f.end <= len(text)
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start  # ordered and non-overlapping


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['text'][:30]}" for i, c in enumerate(CASES)])
def test_shared_vectors(case: dict[str, Any]) -> None:
    assert kinds(case["text"]) == case["kinds"]


def test_shared_vectors_cover_every_kind() -> None:
    for case in CASES:
        assert case["kinds"] == sorted(set(case["kinds"])) and set(case["kinds"]) <= KINDS
    assert set().union(*(c["kinds"] for c in CASES)) == KINDS
    assert sum(not c["kinds"] for c in CASES) >= 15  # false positives matter as much


@pytest.mark.parametrize("bsn", ["123456782", "249566758", "111222333", "10000008", "010000008"])
def test_valid_bsns(bsn: str) -> None:
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize(
    "value",
    [
        "123456789",  # fails the eleven-test
        "000000000",  # passes the arithmetic, but is a placeholder
        "1234567",
        "1234567820",
        "",
        "12345678a",
        " 123456782",
        "123.456.782",  # callers strip separators first
        "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0662",  # 123456782 in Arabic-Indic digits
    ],
)
def test_invalid_bsns(value: str) -> None:
    assert not is_valid_bsn(value)


def test_spans_point_at_the_personal_data() -> None:
    text = "Moeder (BSN 111222333) belde op 06-12345678 en mailde j.de.vries@school.nl."
    assert spans(text) == [("bsn", "111222333"), ("phone", "06-12345678"), ("email", "j.de.vries@school.nl")]


def test_finding_keeps_no_copy_of_the_text() -> None:
    assert [f.name for f in fields(Finding)] == ["kind", "start", "end"]
    finding = find_personal_data("bsn 123456782")[0]
    with pytest.raises(FrozenInstanceError):
        finding.kind = "email"  # type: ignore[misc]


def test_bsn_context_rule() -> None:
    # 9 digits passing the eleven-test are flagged with or without a context word ...
    assert kinds("BSN 249566758") == kinds("kenmerk 249566758") == ["bsn"]
    # ... 8 digits (a BSN without its leading zero) only with one.
    assert kinds("sofi-nummer 10000008") == ["bsn"]
    assert kinds("kenmerk 10000008") == []
    # Separators must be consistent; amounts and longer numbers are not BSNs.
    assert kinds("BSN 123.456 782") == []
    assert kinds("€ 123.456.782") == kinds("123.456.782,00") == kinds("1234567820") == []


def test_birthdate_needs_birth_context_in_the_same_sentence() -> None:
    assert kinds("Noah (12-03-2015) zit in groep 4.") == []
    assert kinds("Noah, geboren 12-03-2015, zit in groep 4.") == ["birthdate"]
    assert kinds("Sem is geboren in Utrecht op 3 mei 2012.") == ["birthdate"]
    assert kinds("Hij is in 2012 geboren. Op 3 mei 2024 was er een MDO.") == []
    assert kinds("geboren op 3 maanden 2012") == []  # not a month name


def test_postcode_rules() -> None:
    assert spans("1234AB 12 en 9999 ZZ") == [("postcode", "1234AB"), ("postcode", "9999 ZZ")]
    assert kinds("3511ab") == ["postcode"]
    assert kinds("3511 ab") == []  # would otherwise flag "in 2023 en 2024"
    assert kinds("1234 SA 1234 sd 1234ss 0234 AB 1234 ABC") == []


def test_overlapping_findings_keep_the_longest() -> None:
    # The 9 digits after +31 pass the eleven-test, and the IBAN contains a phone-like run.
    assert spans("+31 612345683") == [("phone", "+31 612345683")]
    assert spans("NL91 ABNA 0417 1643 00") == [("iban", "NL91 ABNA 0417 1643 00")]


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_input_is_fast(name: str) -> None:
    text = ADVERSARIAL[name]
    assert len(text) >= N - 16
    started = time.perf_counter()
    find_personal_data(text)
    assert time.perf_counter() - started < 1.0


@FUZZ
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    check_invariants(text, find_personal_data(text))


@FUZZ
@given(st.text(alphabet=PII_ALPHABET, max_size=200))
def test_never_raises_on_near_misses(text: str) -> None:
    check_invariants(text, find_personal_data(text))


@PROPERTY
@given(st.text())
def test_is_valid_bsn_never_raises(text: str) -> None:
    if is_valid_bsn(text):
        assert len(text) in (8, 9) and text.isascii() and text.isdigit()


@PROPERTY
@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8), st.sampled_from(["BSN: ", "Burgerservicenummer ", "bsn "])
)
def test_any_valid_bsn_with_context_is_found(prefix: str, label: str) -> None:
    valid = [prefix + d for d in "0123456789" if is_valid_bsn(prefix + d)]
    assume(valid)  # 10 in 11 prefixes have exactly one valid check digit
    text = f"Het kind heeft {label}{valid[0]} volgens de brief."
    assert spans(text) == [("bsn", valid[0])]


@PROPERTY
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.integers(0, 8), st.integers(1, 9))
def test_one_wrong_digit_fails_the_eleven_test(prefix: str, position: int, delta: int) -> None:
    valid = [prefix + d for d in "0123456789" if is_valid_bsn(prefix + d)]
    assume(valid)
    bsn = valid[0]
    typo = bsn[:position] + str((int(bsn[position]) + delta) % 10) + bsn[position + 1 :]
    assert not is_valid_bsn(typo)


@PROPERTY
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.sampled_from(["06-", "06 ", "+31 6 ", "+316"]))
def test_any_mobile_number_is_found(digits: str, prefix: str) -> None:
    text = f"Bel {prefix}{digits} na vijf uur."
    assert spans(text) == [("phone", prefix + digits)]
