#!/usr/bin/env bash
# Makes, once, a Python virtual environment of the test suite's independent checks:
# .build/<name>-venv with the packages pinned in scripts/<name>-requirements.txt, from the
# Python package index. Usage: scripts/python-venv.sh NAME [VENV_PATH]. Prints the path of its
# python on standard output. While the requirements are unchanged, running it again only prints
# the path. Fails (exit 1, with the reason) when the environment cannot be built; never falls
# back to another python. scripts/checker-venv.sh (pycanon) and scripts/spatial-venv.sh
# (libpysal, esda) and scripts/bench-venv.sh (duckdb, pandas) call it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
name="$1"
venv="${2:-$root/.build/$name-venv}"
requirements="$root/scripts/$name-requirements.txt"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
stamp="$venv/requirements.sha256"

mkdir -p "$(dirname "$venv")"
# Tests running at once wait for one build instead of racing.
exec 9>"$venv.lock"
flock 9
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$want" ]; then
  echo "$venv/bin/python"
  exit 0
fi
rm -rf "$venv"
if ! python3 -m venv "$venv" >&2; then
  rm -rf "$venv"
  echo "$name-venv: python3 cannot create a virtual environment; install python3-venv (scripts/install-deps.sh)" >&2
  exit 1
fi
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2; then
  rm -rf "$venv"
  echo "$name-venv: pip could not install scripts/$name-requirements.txt (is the Python package index reachable?)" >&2
  exit 1
fi
echo "$want" >"$stamp"
echo "$venv/bin/python"
