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
# The wheel sessions run one virtual environment per Python (3.10 to 3.13): with pyenv,
# make its installed versions findable as python3.X without changing its global choice.
if command -v pyenv >/dev/null && [ -z "${PYENV_VERSION:-}" ]; then
  versions=$(pyenv versions --bare --skip-aliases | grep -E '^3\.1[0-3]\.[0-9]+$' | sort -rV | paste -sd: -)
  export PYENV_VERSION="$(pyenv version-name)${versions:+:$versions}"
fi
exec "$venv/bin/nox" "$@"
