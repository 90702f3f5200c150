#!/usr/bin/env bash
# The virtual environment of the spatial cross-checks (libpysal and esda, pinned in
# scripts/spatial-requirements.txt); see scripts/python-venv.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/scripts/python-venv.sh" spatial "${SAFEGUARD_SPATIAL_VENV:-$root/.build/spatial-venv}"
