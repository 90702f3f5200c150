#!/usr/bin/env bash
# Installs the system packages the build and tests need (Lua 5.4's C library, pkg-config,
# python3 with venv, a PostgreSQL server, openssl, the report's JavaScript libraries and Chromium)
# when they are missing. Uses apt-get, with sudo when not root. Does nothing when all is present.
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ! pkg-config --exists lua5.4 2>/dev/null; then missing+=(liblua5.4-dev); fi
# Pseudonyms are HMAC-SHA-256 over OpenSSL's libcrypto (Sources/CKeyedHash).
if ! pkg-config --exists libcrypto 2>/dev/null; then missing+=(libssl-dev); fi
# The run ledger is SQLite through GRDB, which builds against the system's libsqlite3.
if ! pkg-config --exists sqlite3 2>/dev/null; then missing+=(libsqlite3-dev); fi
# CIN Census returns (XML) are read with libxml2's streaming reader (Sources/CLibXML2).
if ! pkg-config --exists libxml-2.0 2>/dev/null; then missing+=(libxml2-dev); fi
# The disclosure audit solves its linear programs with GLPK (Sources/CGLPK).
[ -f /usr/include/glpk.h ] || missing+=(libglpk-dev)
# The tests cross-check k-anonymity with pycanon (scripts/checker-venv.sh) and spatial weights and
# statistics with libpysal and esda (scripts/spatial-venv.sh), each in its own virtual
# environment, which needs venv and ensurepip.
# The export-postgres tests start a real PostgreSQL server (initdb into a temporary folder) and
# give it a self-signed certificate made with the openssl command.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
# The report stage embeds Leaflet (maps) and Chart.js (the funnel plot) in each report, reading
# them, with their licences, from where Debian installs them (docs/exports.md).
[ -f /usr/share/javascript/leaflet/leaflet.min.js ] || missing+=(libjs-leaflet)
[ -f /usr/share/javascript/chart.js/chart.min.js ] || missing+=(libjs-chart.js)
# The report's browser test renders it in headless Chromium.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "safeguard needs: ${missing[*]} (Lua 5.4, OpenSSL, SQLite, libxml2 and GLPK development files, a PostgreSQL server, Leaflet, Chart.js, Chromium). Install them with your package manager." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "safeguard needs: ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing ${missing[*]} with apt-get..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
