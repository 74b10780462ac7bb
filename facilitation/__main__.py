"""`python -m facilitation`: the same as `python app.py` and the `leertafels` command."""

import sys

from facilitation.launch import main

if __name__ == "__main__":
    sys.exit(main())
