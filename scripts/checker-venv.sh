#!/usr/bin/env bash
# Makes, once, the Python virtual environment of the test suite's independent checkers:
# .build/checker-venv with the packages pinned in scripts/checker-requirements.txt (pycanon, a
# reference k-anonymity library, and its dependencies, from the Python package index). Prints
# the path of its python on standard output. While the requirements are unchanged, running it
# again only prints the path. Fails (exit 1, with the reason) when the environment cannot be
# built; never falls back to another python.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SAFEGUARD_CHECKER_VENV:-$root/.build/checker-venv}"
requirements="$root/scripts/checker-requirements.txt"
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
  echo "checker-venv: python3 cannot create a virtual environment; install python3-venv (scripts/install-deps.sh)" >&2
  exit 1
fi
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2; then
  rm -rf "$venv"
  echo "checker-venv: pip could not install scripts/checker-requirements.txt (is the Python package index reachable?)" >&2
  exit 1
fi
echo "$want" >"$stamp"
echo "$venv/bin/python"
