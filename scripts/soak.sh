#!/usr/bin/env bash
# Soak: runs the hub crash tests (SIGKILL of a hub process under random load, failpoints between a git commit
# and its Redis update, redis-server restarted empty) and the shared-repository soak (agents through the real binary
# while a scripted person commits, pulls with conflicts, merges, rebases, resets and switches branch) over and over,
# with more rounds (and a longer person) per run, until the time is up.
# Usage: scripts/soak.sh [MINUTES=30] [FACTOR=5]   — FACTOR multiplies the rounds of each test (base: 32 kills per run).
set -uo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
factor=${2:-5}
deadline=$(( $(date +%s) + minutes * 60 ))
command -v redis-server >/dev/null 2>&1 || { echo "soak.sh: redis-server is required (apt-get install -y redis-server)" >&2; exit 1; }
dotnet build tests/Thermocline.Hub.Tests -c Release -nologo -v quiet >/dev/null || { echo "soak.sh: build failed" >&2; exit 1; }
runs=0 failed=0
while [ "$(date +%s)" -lt "$deadline" ]; do
  runs=$((runs + 1))
  log="artifacts/soak/run-$runs.log"
  mkdir -p artifacts/soak
  if THERMO_SOAK_FACTOR=$factor dotnet test tests/Thermocline.Hub.Tests -c Release --no-build -nologo \
      --filter "FullyQualifiedName~HubCrashTests|FullyQualifiedName~SharedRepositorySoakTests" --logger "console;verbosity=detailed" >"$log" 2>&1; then
    echo "soak.sh: run $runs passed ($(grep -o '[0-9]* kills' "$log" | awk '{s+=$1} END {print s}') hub kills)"
  else
    failed=$((failed + 1))
    echo "soak.sh: run $runs FAILED — see $log"
  fi
done
echo "soak.sh: $runs runs, $failed failed"
[ "$failed" -eq 0 ]
