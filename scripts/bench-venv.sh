#!/usr/bin/env bash
# The virtual environment of the benchmark's DuckDB and pandas versions (pinned in
# scripts/bench-requirements.txt); see scripts/python-venv.sh. `make bench` makes it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/scripts/python-venv.sh" bench "${SAFEGUARD_BENCH_VENV:-$root/.build/bench-venv}"
