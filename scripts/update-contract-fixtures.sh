#!/usr/bin/env bash
# Rewrites contract-fixtures/ from the mocks' live answers. Run it after a deliberate change to a mock's
# contract, then review the diff: the fixtures test fails whenever a mock's answer changes shape unannounced.
set -euo pipefail
cd "$(dirname "$0")/.."
UPDATE_CONTRACT_FIXTURES=1 dotnet test tests/MySchool.Integration.Tests --filter "FullyQualifiedName~ContractFixtureTests"
