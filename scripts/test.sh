#!/usr/bin/env bash
# Install what is needed (Python packages, Debian's chromium for the browser tests), run ruff
# (a finding fails the run) and then the test suite; arguments go to pytest unchanged.
#   bash scripts/test.sh                                   # everything (what CI runs)
#   bash scripts/test.sh -m "not browser and not slow"     # the fast loop (see CONTRIBUTING.md)
#   bash scripts/test.sh tests/test_x.py -n0                # one file, one process
# Screenshots land in test-artifacts/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
needs_browser=1
for arg in "$@"; do
  case "$arg" in *"not browser"*) needs_browser=0 ;; esac  # -m "not browser…": no Chromium needed
done
if [ "$needs_browser" -eq 1 ] && [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi
.venv/bin/ruff check .
# Two pytest workers (pytest-xdist) share the 2 cores; CLUSTERDASH_TEST_WORKERS=0 runs in one process.
workers=${CLUSTERDASH_TEST_WORKERS:-2}
xdist=(); [ "$workers" != "0" ] && xdist=(-n "$workers")
for arg in "$@"; do
  case "$arg" in -n|-n*|--numprocesses*) xdist=() ;; esac  # the caller chose
done
check() {  # pytest's exit status; 5 (nothing collected) is a failure
  if [ "$1" -eq 5 ]; then echo "pytest collected no tests" >&2; return 1; fi
  return "$1"
}
set +e
if [ "$#" -eq 0 ]; then
  # the whole suite: everything but the load tests on the workers, then the load tests alone (they
  # measure a server under many sessions, so nothing else may share the cores with them)
  .venv/bin/python -m pytest "${xdist[@]}" -m "not load"
  rc1=$?
  .venv/bin/python -m pytest -m load
  rc2=$?
  set -e
  check "$rc1" && check "$rc2"
else
  .venv/bin/python -m pytest "${xdist[@]}" "$@"
  rc=$?
  set -e
  check "$rc"
fi
