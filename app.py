"""Entry point: `python app.py` runs the app on SQLite; `python app.py --help` lists the flags and commands.

The same as `python -m facilitation` and, once installed, the `leertafels` command (facilitation/launch.py)."""

import sys

from facilitation.launch import main

if __name__ == "__main__":
    sys.exit(main())
