#!/usr/bin/env bash
# Install what is needed (Python packages, Debian's chromium for the browser tests), run ruff
# (a finding fails the run) and then the test suite; arguments go to pytest unchanged.
#   bash scripts/test.sh                                   # everything (what CI runs)
#   bash scripts/test.sh -m "not browser and not slow"     # the fast loop (see CONTRIBUTING.md)
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
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$rc"
