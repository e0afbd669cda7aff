#!/usr/bin/env bash
# Installs what the tests need, builds, checks formatting, and runs every test.
# Tests that need PostgreSQL start their own throwaway cluster (scripts/postgres.sh). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scripts/postgres.sh install

# The dashboard's browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

solution=MySchool.Integration.sln
results=artifacts/test-results
rm -rf "$results"

dotnet restore "$solution"
dotnet build "$solution" --no-restore -c Release
# Code style and the analyzers are errors in the build itself (EnforceCodeStyleInBuild, warnings as errors); layout is
# not, so only whitespace is checked here (the whole `dotnet format` took 58 s to check again what the build had).
dotnet format whitespace "$solution" --verify-no-changes --no-restore
status=0
dotnet test "$solution" --no-build -c Release --results-directory "$results" --logger "trx" || status=$?

# One plain closing line over every test project's results, for CI and for people.
awk 'match($0, /<Counters [^>]*>/) {
       c = substr($0, RSTART, RLENGTH)
       if (match(c, /passed="[0-9]+"/)) passed += substr(c, RSTART + 8, RLENGTH - 9)
       if (match(c, /failed="[0-9]+"/)) failed += substr(c, RSTART + 8, RLENGTH - 9)
     }
     END { printf "tests: %d passed, %d failed\n", passed, failed }' "$results"/*.trx
exit "$status"
