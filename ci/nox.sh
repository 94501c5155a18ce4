#!/usr/bin/env bash
# Runs a nox session from a private virtual environment (Debian's own Python refuses
# pip installs outside one), after installing the system packages it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/install-system-packages.sh
python=${PYTHON:-python3}
venv=build/ci-venv
if [ ! -x "$venv/bin/nox" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet nox
fi
exec "$venv/bin/nox" "$@"
