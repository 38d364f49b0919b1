#!/usr/bin/env bash
# Mutation testing (Stryker.NET, pinned in .config/dotnet-tools.json): changes the code of a src project one mutant at a
# time and checks that one of its tests fails. Too slow for every CI run (README: "Coverage and mutation testing").
#
#   scripts/mutation.sh                     Domain, Sync and HotStore, one after the other
#   scripts/mutation.sh Domain              only these projects (Domain, Sync, HotStore)
#   scripts/mutation.sh --since[=REF] ...   only mutants in files changed since REF (default: main)
#   scripts/mutation.sh Domain -- ARGS      ARGS go to Stryker as they are, e.g. -- --mutate '**/States/*.cs'
#
# Each project is mutated with its own test project (tests/Thermocline.X.Tests/stryker-config.json: per-test coverage,
# so a mutant runs only the tests that reach it; two at a time). Reports: artifacts/mutation/X/reports/
# mutation-report.html and .json; the log of the run beside them. Prints one line per project, e.g.
# "mutation: Thermocline.Domain  score 81.3 %  (killed 900, survived 180, no coverage 20, timeout 5)  in 14m02s",
# and exits non-zero when a run failed (not when a score is low: the target, 80 %, is not a gate yet).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

since=()
projects=()
extra=()
while [ "$#" -gt 0 ]; do
  arg=$1
  shift
  case "$arg" in
    --) extra=("$@"); break ;;
    --since) since=(--since:main) ;;
    --since=*) since=("--since:${arg#--since=}") ;;
    Domain|Sync|HotStore) projects+=("$arg") ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "mutation.sh: unknown argument '$arg' (projects: Domain, Sync, HotStore; option: --since[=REF]; -- ARGS for Stryker)" >&2; exit 2 ;;
  esac
done
[ "${#projects[@]}" -gt 0 ] || projects=(Domain Sync HotStore)

if ! dotnet tool restore > /dev/null; then
  echo "mutation.sh: dotnet tool restore failed (the tools are pinned in .config/dotnet-tools.json)" >&2
  exit 1
fi

# Sync's and HotStore's tests start redis-server (the embedded Garnet needs nothing); scripts/test.sh installs it.
if ! command -v redis-server >/dev/null 2>&1; then
  echo "mutation.sh: redis-server is required (scripts/test.sh installs it)" >&2
  exit 1
fi

# Counts a status in a Stryker JSON report ("status":"Killed" once per mutant).
count() { grep -oE "\"status\": ?\"$1\"" "$2" | wc -l | tr -d ' '; }

lines=()
failed=0
for p in "${projects[@]}"; do
  out="$root/artifacts/mutation/$p"
  rm -rf "$out"
  mkdir -p "$out"
  echo "mutation.sh: Thermocline.$p (log: $out/stryker.log)" >&2
  start=$(date +%s)
  (cd "tests/Thermocline.$p.Tests" && dotnet tool run dotnet-stryker -- --skip-version-check --output "$out" "${since[@]}" "${extra[@]}") \
    > "$out/stryker.log" 2>&1
  rc=$?
  seconds=$(( $(date +%s) - start ))
  took=$(printf '%dm%02ds' $((seconds / 60)) $((seconds % 60)))
  report="$out/reports/mutation-report.json"
  if [ "$rc" -ne 0 ] || [ ! -f "$report" ]; then
    tail -n 30 "$out/stryker.log" >&2
    lines+=("mutation: Thermocline.$p  failed (exit $rc) after $took; log: $out/stryker.log")
    failed=1
    continue
  fi
  killed=$(count Killed "$report") survived=$(count Survived "$report")
  nocoverage=$(count NoCoverage "$report") timeout=$(count Timeout "$report")
  # Stryker's score: killed and timed-out mutants over every mutant that could have been detected.
  score=$(awk -v k="$killed" -v t="$timeout" -v s="$survived" -v n="$nocoverage" \
    'BEGIN { d = k + t + s + n; if (d == 0) print "n/a"; else printf "%.1f %%", (k + t) * 100 / d }')
  lines+=("$(printf 'mutation: %-22s score %s  (killed %s, survived %s, no coverage %s, timeout %s)  in %s' \
    "Thermocline.$p" "$score" "$killed" "$survived" "$nocoverage" "$timeout" "$took")")
done

for line in "${lines[@]}"; do
  echo "$line"
done
[ "$failed" -eq 0 ]
