#!/usr/bin/env bash
# Shared by start.sh and test.sh: a virtual environment in .venv with requirements.txt.
# Idempotent: re-running only installs what changed.
#
# A fresh Debian/Ubuntu has Python but not its venv support (the package python3.X-venv, which
# carries ensurepip): `python3 -m venv` then fails half-way and leaves a .venv without pip. This
# script checks first and installs that package with apt-get (with sudo when not root, as test.sh
# does for chromium), or stops with the exact command to run. A .venv left without pip by such a
# failed run is rebuilt.
#
#   PYTHON=python3.12 bash scripts/setup.sh     # another interpreter (default python3)
#   CLUSTERDASH_NO_APT=1 bash scripts/setup.sh  # never install system packages: say what to run
#   bash scripts/setup.sh --check-only          # only the venv-support check (used by the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${CLUSTERDASH_VENV:-.venv}

# The Debian/Ubuntu package that gives "$PY" its venv + ensurepip, e.g. python3.11-venv.
venv_package() {
  local ver
  ver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || ver=3
  echo "python${ver}-venv"
}

has_venv_support() {
  "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1
}

# Make sure "$PY" can create a virtual environment with pip; install the venv package via apt-get
# when it cannot, or stop (status 1) with the exact command.
ensure_venv_support() {
  if ! command -v "$PY" >/dev/null 2>&1; then
    echo "setup: $PY not found; install Python 3 (Debian/Ubuntu: sudo apt-get install -y python3 python3-venv)" >&2
    return 1
  fi
  if has_venv_support; then
    return 0
  fi
  local pkg sudo="" cmd
  pkg=$(venv_package)
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo "; fi
  cmd="${sudo}apt-get install -y $pkg"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: $PY has no venv/ensurepip support; install your distribution's package for it" \
         "(on Debian/Ubuntu: $cmd) and run this again" >&2
    return 1
  fi
  if [ -n "${CLUSTERDASH_NO_APT:-}" ] || { [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; }; then
    echo "setup: $PY has no venv/ensurepip support (Debian's $pkg is missing). Run:" >&2
    echo "  $cmd" >&2
    return 1
  fi
  echo "setup: $PY lacks venv/ensurepip; installing $pkg with apt-get" >&2
  if ! { ${sudo}apt-get update -q && DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install -y -q "$pkg"; }; then
    echo "setup: installing $pkg failed. Run:" >&2
    echo "  $cmd" >&2
    return 1
  fi
  if ! has_venv_support; then
    echo "setup: $pkg is installed but $PY still cannot create a virtual environment. Run:" >&2
    echo "  $cmd" >&2
    return 1
  fi
}

if [ "${1:-}" = "--check-only" ]; then
  ensure_venv_support
  exit $?
fi

# a .venv whose pip is missing (left by a venv creation that failed half-way) is rebuilt
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  echo "setup: $VENV has no working pip (an earlier setup failed half-way); rebuilding it" >&2
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  ensure_venv_support
  "$PY" -m venv "$VENV"
fi
stamp=$VENV/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
fi
