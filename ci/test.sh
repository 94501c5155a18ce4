#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: system packages, then `nox -s tests`.
set -euo pipefail
exec bash "$(dirname "$0")/nox.sh" -s tests -- "$@"
