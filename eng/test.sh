#!/usr/bin/env bash
# Runs every test of the solution, then eng/fresh-app.sh (a `dotnet new web` app built from the packed packages by
# following docs/getting-started.md, counted as one test), and ends with one line: "tests: N passed, N failed".
# Usage: ./eng/test.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Under CI a missing approved snapshot is a failure, never a silently created file.
if [ "${CI:-}" = "true" ]; then export SNAPSHOOTER_STRICT_MODE=true; fi

log=$(mktemp)
# Throwaway PostgreSQL and Redis for the provider tests, and Chromium for the shop's browser test (all
# installed from Debian's packages when missing).
source eng/services.sh
trap 'stop_services; rm -f "$log"' EXIT
if ! start_postgres || ! start_redis || ! ensure_chromium; then
  if [ "${CI:-}" = "true" ]; then
    echo "tests: 0 passed, 1 failed, 0 skipped (a test server or Chromium could not be set up)"
    exit 1
  fi
  echo "test.sh: a test server or Chromium is missing; the tests that need it will fail" >&2
fi

dotnet test CommunitySdk.sln -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# A fresh app built from the packed packages by following docs/getting-started.md, as a new user would.
fresh=0
./eng/fresh-app.sh || { fresh=1; status=1; }

# Each test assembly prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T" (or "Failed!  - ...").
sum() { grep -Eo "$1" "$log" | grep -Eo '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(sum 'Passed: +[0-9]+')
failed=$(sum '(Passed|Failed)! +- Failed: +[0-9]+')
skipped=$(sum 'Skipped: +[0-9]+')
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
if [ "$fresh" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or a test host failed before any test could report
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
