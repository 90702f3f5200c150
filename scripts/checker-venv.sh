#!/usr/bin/env bash
# The virtual environment of the independent k-anonymity checker (pycanon, pinned in
# scripts/checker-requirements.txt); see scripts/python-venv.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/scripts/python-venv.sh" checker "${SAFEGUARD_CHECKER_VENV:-$root/.build/checker-venv}"
