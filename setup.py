"""The wheel build: templates/, static/ and sessions/ (top-level folders of the checkout, where `python app.py`
uses them) are copied into the package as facilitation/_data/, and the translations are compiled to .mo.

Everything else is in pyproject.toml. An editable install (`pip install -e .`) copies nothing: it runs from
the checkout, which compiles its translations into the instance folder at start (facilitation/text/i18n.py)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_FOLDERS = ("templates", "static", "sessions")


class build_py_with_data(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "facilitation"
        for name in DATA_FOLDERS:
            target = package / "_data" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(HERE / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self._compile_catalogs(package / "translations")

    @staticmethod
    def _compile_catalogs(translations: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in translations.glob("*/LC_MESSAGES/messages.po"):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": build_py_with_data})
