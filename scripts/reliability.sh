#!/usr/bin/env bash
# The reliability and security suites at full size (docs/reliability.md): fuzzing, the webhook
# storm, the fault suite with minutes-long outages, then the crash trials (20 random kills per
# database). About 35 minutes on two cores; CI runs the same tests at a reduced size.
# Usage: scripts/reliability.sh [extra xUnit runner arguments, e.g. -class Kabar.Tests.Reliability.FaultTests]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Kabar.slnx -v quiet -nologo
tests=tests/Kabar.Tests/bin/Debug/net10.0/Kabar.Tests.dll
export KABAR_RELIABILITY=full
if [ "$#" -gt 0 ]; then
  exec dotnet "$tests" -showLiveOutput "$@"
fi
dotnet "$tests" -showLiveOutput -namespace Kabar.Tests.Reliability
dotnet "$tests" -showLiveOutput -class Kabar.Tests.Notifications.CrashRecoveryTests
