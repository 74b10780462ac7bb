"""The concept lexicon of the social domain (facilitation/live/lexicon/<language>/*.toml): loading, and finding
concepts and the remaining content words in a reflection. Pure Python, no project imports; see lexicon/README.md."""

from __future__ import annotations

import gzip
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LEXICON = Path(__file__).parent / "lexicon"
# Inflections a plain form word also matches (Dutch plurals, diminutives, adjective -e; English plural -s).
SUFFIXES = ("'s", "s", "en", "n", "e", "je", "jes", "tje", "tjes", "etje", "es")
# A memo of token -> matched word patterns; bounded so a flood of unique words cannot grow it without end.
MEMO_LIMIT = 200_000
_TOKEN = re.compile(r"\d+[+\-]?|[^\W\d_]+(?:'[^\W\d_]+)?")


def tokens(text: str) -> list[str]:
    """Lower-case words and numbers; punctuation separates ("jeugd-ggz" -> jeugd, ggz; "18-/18+" -> 18-, 18+)."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def cased_tokens(text: str) -> list[str]:
    """The words and numbers of tokens(), as written."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


def capitalised_inside_sentence(text: str) -> list[bool]:
    """Per token of tokens(): written with a capital first letter (not all capitals) and not opening a sentence;
    in Dutch that is a name (Petra, Spanje), not a common noun."""
    text = unicodedata.normalize("NFC", text)
    out, end = [], 0
    opens = True
    for m in _TOKEN.finditer(text):
        between = text[end : m.start()].strip()
        opens = (opens and not between) or (bool(between) and between[-1] in ".!?:;\"'(\n-*")
        word, end = m.group(), m.end()
        out.append(word[:1].isupper() and not word.isupper() and not opens)
        opens = False
    return out


def shouted(written: list[str]) -> bool:
    """Whether a text is typed (mostly) in capitals: more than half of its words, when it has a few."""
    words = [w for w in written if any(c.isalpha() for c in w)]
    return len(words) >= 3 and sum(w.isupper() for w in words) * 2 > len(words)


@dataclass(frozen=True)
class Concept:
    key: str
    nl: str
    en: str
    theme: str
    proper: bool  # keeps its case inside a title (acronyms, laws, organisations)
    weight: float = 1.0  # below 1 for words every case uses (moeder, school, gemeente): they say little alone
    # Families besides its theme's: a cost under the Wmo (eigen bijdrage) is a money matter as well (grouping.py).
    also: tuple[str, ...] = ()

    def name(self, language: str) -> str:
        return self.en if language.startswith("en") else self.nl


@dataclass
class Lexicon:
    language: str
    concepts: dict[str, Concept]
    themes: dict[str, dict[str, str]]
    # word pattern -> id; a pattern is (kind, word) with kind exact/prefix/suffix/infix
    _patterns: dict[tuple[str, str], int] = field(default_factory=dict)
    # first pattern id -> forms starting with it: (pattern ids, concept key or None for a theme-less phrase)
    _forms: dict[int, list[tuple[tuple[int, ...], str | None]]] = field(default_factory=dict)
    # the same forms indexed for lookup (finish()): one-word forms by their word, longer ones by their first two
    # words, so a common first word ("geen", "niet", "van") does not make every one of its forms be tried
    _single: dict[int, list[tuple[tuple[int, ...], str | None]]] = field(default_factory=dict)
    _pairs: dict[tuple[int, int], list[tuple[tuple[int, ...], str | None]]] = field(default_factory=dict)
    _memo: dict[str, frozenset[int]] = field(default_factory=dict)

    def _pattern(self, word: str) -> int:
        if word.isupper():
            # An acronym that is also a common Dutch word (OM/om, MEE/mee) counts only when typed in capitals.
            return self._patterns.setdefault(("upper", word.lower()), len(self._patterns))
        word = word.lower()
        if word.startswith("*") and word.endswith("*") and len(word) > 2:
            key = ("infix", word[1:-1])
        elif word.endswith("*"):
            key = ("prefix", word[:-1])
        elif word.startswith("*"):
            key = ("suffix", word[1:])
        else:
            key = ("exact", word)
        return self._patterns.setdefault(key, len(self._patterns))

    def add_form(self, form: str, concept: str | None) -> None:
        words = form.split()
        ids = tuple(self._pattern(p) for w in words for p in _split_pattern(w))
        if ids:
            self._forms.setdefault(ids[0], []).append((ids, concept))

    def finish(self) -> None:
        for forms in self._forms.values():
            forms.sort(key=lambda f: -len(f[0]))  # longest match first
            for ids, concept in forms:
                if len(ids) == 1:
                    self._single.setdefault(ids[0], []).append((ids, concept))
                else:
                    self._pairs.setdefault((ids[0], ids[1]), []).append((ids, concept))
        by_kind: dict[str, dict[str, int]] = {"exact": {}, "prefix": {}, "suffix": {}, "infix": {}, "upper": {}}
        for (kind, word), pid in self._patterns.items():
            by_kind[kind][word] = pid
        self._by_kind = by_kind

    def _matches(self, token: str) -> frozenset[int]:
        found = self._memo.get(token)
        if found is not None:
            return found
        kinds = self._by_kind
        bases = {token} | {token[: -len(s)] for s in SUFFIXES if token.endswith(s) and len(token) - len(s) >= 2}
        bases |= {b[:-1] for b in list(bases) if len(b) > 3 and b[-1] == b[-2]}  # plekk(en) -> plek
        ids = {kinds["exact"][b] for b in bases if b in kinds["exact"]}
        ids |= {kinds["prefix"][token[:k]] for k in range(2, len(token) + 1) if token[:k] in kinds["prefix"]}
        for base in bases:
            ids |= {kinds["suffix"][base[k:]] for k in range(len(base)) if base[k:] in kinds["suffix"]}
        if kinds["infix"]:
            ids |= {pid for word, pid in kinds["infix"].items() if word in token}
        if len(self._memo) > MEMO_LIMIT:
            self._memo.clear()
        self._memo[token] = result = frozenset(ids)
        return result

    def analyse(self, text: str) -> tuple[list[str], list[tuple[int, str]]]:
        """(concept keys in order of appearance, remaining tokens with their position). The longest form wins
        where forms overlap; tokens of a concept or of a theme-less phrase are not remaining words."""
        written = cased_tokens(text)
        words = [w.lower() for w in written]
        # in a text typed in capitals, capitals say nothing: "WE GINGEN OM 9 UUR" is no Openbaar Ministerie
        upper = {} if shouted(written) else self._by_kind["upper"]
        matched = [
            self._matches(w) | {upper[w]} if w in upper and c.isupper() else self._matches(w)
            for w, c in zip(words, written)
        ]
        exact = self._by_kind["exact"]
        literal = [exact.get(w, -1) for w in words]
        concepts: list[str] = []
        rest: list[tuple[int, str]] = []
        i = 0
        while i < len(words):
            best = self._best_form(i, matched, literal)
            if best is None:
                rest.append((i, words[i]))
                i += 1
                continue
            if best[1] is not None:
                concepts.append(best[1])
            i += len(best[0])
        return concepts, rest

    def _best_form(self, i: int, matched: list[frozenset[int]], literal: list[int]):
        """The form starting at word i: the longest; among equally long ones the one whose words are written
        exactly so in the text ("hulpverleners" is the form "hulpverleners" before "hulpverlener" + s), so that
        which concept wins does not depend on the order the lexicon files were read in."""
        longest = 0
        ties: list[tuple] = []
        following = matched[i + 1] if i + 1 < len(matched) else frozenset()
        for pid in matched[i]:
            for second in following:
                for ids, concept in self._pairs.get((pid, second), ()):
                    n = len(ids)
                    if n < longest:
                        break  # forms are sorted longest first
                    if i + n > len(matched) or not all(ids[j] in matched[i + j] for j in range(2, n)):
                        continue
                    if n > longest:
                        longest, ties = n, []
                    ties.append((ids, concept))
        if not ties:
            longest = 1
            for pid in matched[i]:
                ties.extend(self._single.get(pid, ()))
        if len(ties) <= 1:
            return ties[0] if ties else None
        return max(ties, key=lambda f: (sum(f[0][j] == literal[i + j] for j in range(longest)), f[1] or ""))


def _split_pattern(word: str) -> list[str]:
    # A form word like "jeugd-ggz" or "18-/18+" is split as the text is; wildcards stay on the outer parts.
    head, tail = word.startswith("*"), word.endswith("*") and len(word) > 1
    parts = cased_tokens(word.strip("*"))
    if not word.isupper():
        parts = [p.lower() for p in parts]
    if not parts:
        return []
    if head:
        parts[0] = "*" + parts[0]
    if tail:
        parts[-1] = parts[-1] + "*"
    return parts


def _folder(language: str) -> Path:
    return LEXICON / ("en" if language.lower().startswith("en") else "nl")


@cache
def load(language: str) -> Lexicon:
    """The lexicon of a language (English for "en*", Dutch otherwise), all files of its folder merged."""
    folder = _folder(language)
    themes = tomllib.loads((folder / "themes.toml").read_text(encoding="utf-8"))
    lexicon = Lexicon(folder.name, {}, themes)
    for path in sorted(folder.glob("*.toml")):
        if path.name in ("themes.toml", "ignore.toml"):
            continue
        for key, entry in tomllib.loads(path.read_text(encoding="utf-8")).items():
            if key in lexicon.concepts:
                raise ValueError(f"concept {key!r} defined twice ({path.name})")
            if entry["theme"] not in themes:
                raise ValueError(f"concept {key!r}: unknown theme {entry['theme']!r}")
            if unknown := set(entry.get("also", ())) - {t.get("family", k) for k, t in themes.items()}:
                raise ValueError(f"concept {key!r}: unknown family {sorted(unknown)}")
            lexicon.concepts[key] = Concept(
                key,
                entry["nl"],
                entry["en"],
                entry["theme"],
                entry.get("proper", False),
                entry.get("weight", 1.0),
                tuple(entry.get("also", ())),
            )
            for form in entry["forms"]:
                lexicon.add_form(form, key)
    ignore = folder / "ignore.toml"
    if ignore.exists():
        for phrase in tomllib.loads(ignore.read_text(encoding="utf-8"))["phrases"]:
            lexicon.add_form(phrase, None)
    lexicon.finish()
    return lexicon


@cache
def dutch_verbs() -> frozenset[str]:
    """Dutch word forms that are only verbs (lexicon/nl/verbs.txt.gz, from spaCy's lookup tables): never a title."""
    return frozenset(gzip.decompress((LEXICON / "nl" / "verbs.txt.gz").read_bytes()).decode().split())


def looks_like_english_verb(word: str) -> bool:
    """English has no verb list here: past tenses and gerunds are the forms that read as bare verbs."""
    return word.endswith(("ed", "ing"))
