#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: renders a test signal through a real
# installed plugin in a sandbox and prints what happened.
set -euo pipefail
exec bash "$(dirname "$0")/nox.sh" -s demo -- "$@"
