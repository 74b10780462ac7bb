"""Entry point: `python app.py` runs the app on SQLite; `python app.py --help` lists the flags and commands."""

import sys

from facilitation.cli import main

if __name__ == "__main__":
    sys.exit(main())
