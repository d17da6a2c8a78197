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
# Byte-code caches on: without them (PYTHONDONTWRITEBYTECODE=1 in some CI images) every pytest worker
# and every server the browser tests start re-compiles the app and re-rewrites every test's asserts
# (measured: most of a 30 s collection)
unset PYTHONDONTWRITEBYTECODE
# Two pytest workers (pytest-xdist) share the 2 cores; CLUSTERDASH_TEST_WORKERS=0 runs in one process.
workers=${CLUSTERDASH_TEST_WORKERS:-2}
xdist=(); [ "$workers" != "0" ] && xdist=(-n "$workers" --dist worksteal)  # an idle worker takes over queued tests
for arg in "$@"; do
  case "$arg" in -n|-n*|--numprocesses*|load) xdist=() ;; esac  # the caller chose; load tests run alone
done
check() {  # pytest's exit status; 5 (nothing collected) is a failure
  if [ "$1" -eq 5 ]; then echo "pytest collected no tests" >&2; return 1; fi
  return "$1"
}
set +e
if [ "$#" -eq 0 ]; then
  # the whole suite on the workers, except the load tests (marker load: 10–20 browser sessions
  # against one server, ~12 minutes on 2 cores, a measurement more than a check): they run with
  # `bash scripts/test.sh -m load` and in the benchmark (bench/run.py), never beside other tests
  .venv/bin/python -m pytest "${xdist[@]}" -m "not load"
  rc=$?
  set -e
  check "$rc"
else
  .venv/bin/python -m pytest "${xdist[@]}" "$@"
  rc=$?
  set -e
  check "$rc"
fi
