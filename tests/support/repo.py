"""Where the repository is, for tests that read its files."""

import pathlib

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
