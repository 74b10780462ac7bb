"""Checks static/js/pii.js under node: shared vectors, parity with facilitation.privacy.detect, ReDoS safety."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from facilitation.privacy.detect import find_personal_data, is_valid_bsn

ROOT = Path(__file__).resolve().parents[2]
PII_JS = ROOT / "static" / "js" / "pii.js"
CASES = json.loads((ROOT / "tests" / "data" / "pii_cases.json").read_text(encoding="utf-8"))

# Reads a JSON payload on stdin, runs every text through the module and prints the results.
NODE_SCRIPT = """
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
const { findPersonalData, isValidBsn } = await import(process.argv[1]);
const input = JSON.parse(readFileSync(0, 'utf8'));
const timings = {};
for (const [name, [unit, count]] of Object.entries(input.adversarial)) {
  const text = unit.repeat(count);
  const started = performance.now();
  findPersonalData(text);
  timings[name] = performance.now() - started;
}
process.stdout.write(JSON.stringify({
  findings: input.texts.map((t) => findPersonalData(t).map((f) => [f.kind, f.start, f.end])),
  bsn: input.bsn.map((d) => isValidBsn(d)),
  nonStrings: [findPersonalData(null).length, findPersonalData(42).length, isValidBsn(123456782)],
  timings,
}));
"""

# Same strings as ADVERSARIAL in test_privacy.py, sent as (unit, repeat count) to keep stdin small.
ADVERSARIAL = {
    "digits": ("1", 100_000),
    "letters": ("a", 100_000),
    "spaced_zeros": ("0 ", 50_000),
    "phone_prefixes": ("+31 (0)", 14_285),
    "phone_separators": ("0-) ", 25_000),
    "email_local_part": ("a.", 50_000),
    "email_at_signs": ("a@", 50_000),
    "bsn_groups": ("123.456. ", 11_111),
    "postcode": ("1234 A", 16_666),
    "iban": ("NL91 ABNA 0417 ", 6_666),
    "numeric_dates": ("1-1-", 25_000),
    "month_dates": ("geboren 1 maart ", 6_250),
    "birth_context": ("geb. 1-1-11 ", 8_333),
    "sentence_cuts": (". A", 33_333),
}

# Pieces for the differential corpus: near misses of every rule, plus non-ASCII look-alikes
# (fullwidth and Arabic-Indic digits, the Kelvin sign, long s) and characters outside the BMP.
PIECES = [
    "06",
    "-",
    " ",
    "+31",
    "0031",
    "(0)",
    "(020)",
    ")",
    "BSN ",
    "bsn:",
    "sofinummer ",
    "geboren ",
    "geb. ",
    "Geboortedatum: ",
    "mei",
    "maart",
    "May",
    " 2012",
    "12-03-",
    "3/5/",
    "2012-05-03",
    "NL91",
    "ABNA",
    "0417 1643 00",
    "@",
    ".",
    ",",
    "jan",
    "nl",
    "€",
    "SS",
    "AB",
    "ab",
    "\n",
    ". ",
    "123456782",
    "249566758",
    "10000008",
    "1234",
    "5678",
    "0",
    "1",
    "9",
    "\uff10\uff16",
    "\u0661\u0662",
    "\u212a",
    "\u017f",
    "\U0001f44d",
    "\U0001d7ce",
    "é",
    # names and addresses
    "Jan",
    "Mark",
    " Jansen",
    "Jansen",
    " de ",
    "van der ",
    "-Vries",
    "Daniël ",
    "Øst",
    "mevrouw ",
    "Fam. ",
    "A.B.",
    "J. ",
    "N.B. ",
    "Dorpsstraat",
    "Kerkweg",
    "Rotterdam",
    " 12",
    "a",
    " in ",
    " jaar",
]


def differential_corpus(size: int = 3000) -> list[str]:
    rng = random.Random(20261123)  # fixed seed: a failure must reproduce
    corpus = [c["text"] for c in CASES]
    for _ in range(size):
        pieces = rng.choices(PIECES, k=rng.randint(1, 14))
        if rng.random() < 0.3:
            pieces.insert(rng.randrange(len(pieces) + 1), rng.choice(CASES)["text"])
        corpus.append("".join(pieces))
    return corpus


def utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("node is not installed, but CI must check static/js/pii.js")
        pytest.skip("node is not installed; static/js/pii.js is checked in CI")
    return path


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return differential_corpus()


@pytest.fixture(scope="module")
def bsn_inputs() -> list[str]:
    return [
        "123456782",
        "249566758",
        "111222333",
        "10000008",
        "123456789",
        "000000000",
        "",
        "12345678a",
        "123.456.782",
        "1234567820",
        "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0662",
    ]


@pytest.fixture(scope="module")
def js(node: str, corpus: list[str], bsn_inputs: list[str]) -> dict[str, Any]:
    payload = {"texts": corpus, "bsn": bsn_inputs, "adversarial": ADVERSARIAL}
    result = subprocess.run(
        [node, "--input-type=module", "-e", NODE_SCRIPT, PII_JS.as_uri()],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    # stderr may carry node's MODULE_TYPELESS_PACKAGE_JSON warning; only the exit code counts.
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_js_module_is_small() -> None:
    # the rules only; the first names are static/js/pii-names.js (about 4 KB over the wire, gzip)
    assert PII_JS.stat().st_size < 8 * 1024


def test_js_matches_shared_vectors(js: dict[str, Any]) -> None:
    # The differential corpus starts with the vector texts, in order.
    for case, found in zip(CASES, js["findings"][: len(CASES)], strict=True):
        assert sorted({kind for kind, _, _ in found}) == case["kinds"], case["text"]


def test_js_matches_python_on_differential_corpus(js: dict[str, Any], corpus: list[str]) -> None:
    mismatches = []
    for text, found in zip(corpus, js["findings"], strict=True):
        expected = [[f.kind, utf16_offset(text, f.start), utf16_offset(text, f.end)] for f in find_personal_data(text)]
        if found != expected:
            mismatches.append((text, expected, found))
    assert not mismatches, mismatches[:5]
    assert sum(bool(found) for found in js["findings"]) > len(corpus) // 4  # the corpus does hit the rules


def test_js_is_valid_bsn_matches_python(js: dict[str, Any], bsn_inputs: list[str]) -> None:
    assert js["bsn"] == [is_valid_bsn(d) for d in bsn_inputs]


def test_js_tolerates_non_strings(js: dict[str, Any]) -> None:
    assert js["nonStrings"] == [0, 0, False]


def test_js_adversarial_input_is_fast(js: dict[str, Any]) -> None:
    assert set(js["timings"]) == set(ADVERSARIAL)
    slow = {name: ms for name, ms in js["timings"].items() if ms >= 1000}
    assert not slow
