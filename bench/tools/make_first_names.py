"""Regenerate facilitation/privacy/data/first_names_nl.txt and static/js/pii-names.js: first names common in the
Netherlands, for the personal-name check (facilitation/privacy/detect.py, static/js/pii.js).

Public sources, not run-time dependencies (download with `pip download --no-deps faker==40.54.0
gender-guesser==0.4.0`, unzip both into one folder and pass it):
- Faker's nl_NL person provider (MIT licence): the 500 most given first names of recent years (young people);
- Jörg Michael's nam_dict.txt as shipped by gender-guesser (GNU Free Documentation License 1.2; the subset in
  the data file stays under that licence): names with a frequency of 3 or more (of 13) in its Netherlands
  column, which brings in the older generations (Henk, Ingrid, Kees, Marieke).
`python bench/tools/make_first_names.py /tmp/names` writes both files; tests/privacy/test_detect_names.py checks
that the JavaScript copy matches the data file.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "facilitation" / "privacy" / "data" / "first_names_nl.txt"
JS = ROOT / "static" / "js" / "pii-names.js"
NL_COLUMN = 10  # nam_dict.txt's country columns start at character 30; the Netherlands is the 11th
MIN_FREQUENCY = 3

HEADER = """\
# First names common in the Netherlands, one per line (bench/tools/make_first_names.py).
# Sources: Faker's nl_NL person provider (MIT licence), and the names with frequency >= 3 in the Netherlands
# column of Joerg Michael's nam_dict.txt (2007-2008, as shipped by gender-guesser 0.4.0), licensed under the
# GNU Free Documentation License 1.2 or later, no Invariant Sections; this subset is under that licence too.
"""


def faker_names(folder: Path) -> set[str]:
    source = (folder / "faker" / "providers" / "person" / "nl_NL" / "__init__.py").read_text(encoding="utf-8")
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "").startswith("first_names_"):
            names.update(e.value for e in node.value.elts if isinstance(e, ast.Constant))
    return names


def nam_dict_names(folder: Path) -> set[str]:
    names = set()
    for raw in (folder / "gender_guesser" / "data" / "nam_dict.txt").open(encoding="utf-8"):
        line = raw.rstrip("\r\n").rstrip("$")
        if line.startswith("#") or len(line) <= 30 + NL_COLUMN:
            continue
        name, frequency = line[3:29].strip(), line[30 + NL_COLUMN].strip()
        if frequency and int(frequency, 16) >= MIN_FREQUENCY and name.isalpha() and name[0].isupper():
            names.add(name)
    return names


def write_js(names: list[str]) -> None:
    JS.write_text(
        "// First names for pii.js, generated from facilitation/privacy/data/first_names_nl.txt (sources and\n"
        "// licences there) by bench/tools/make_first_names.py: do not edit.\n"
        f'export const FIRST_NAMES = new Set("{"|".join(names)}".split("|"));\n',
        encoding="utf-8",
    )


def main(folder: str) -> None:
    names = sorted(faker_names(Path(folder)) | nam_dict_names(Path(folder)))
    OUT.write_text(HEADER + "\n".join(names) + "\n", encoding="utf-8")
    write_js(names)
    print(len(names), "first names ->", OUT, JS)


if __name__ == "__main__":
    main(sys.argv[1])
