"""`python -m scuff` is the `scuff` command."""

import sys

from .cli import main

sys.exit(main())
