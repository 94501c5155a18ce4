#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: system packages, then `nox -s tests`,
# then a short form of `nox -s sanitize` (docs/robustness.md): the fuzz tests and a render
# on the native parts built with AddressSanitizer and UndefinedBehaviorSanitizer.
# Arguments choose the tests of `nox -s tests`, and skip the sanitizer run.
set -euo pipefail
here="$(dirname "$0")"
bash "$here/nox.sh" -s tests -- "$@"
if [ "$#" -eq 0 ]; then
  SCUFF_FUZZ_EXAMPLES=${SCUFF_FUZZ_EXAMPLES:-1500} bash "$here/nox.sh" -s sanitize -- \
    tests/test_hostile_client.py tests/test_lying_sandbox.py tests/test_render.py
fi
