#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, builds, runs every test project
# against real redis-server, embedded Garnet and real git, and ends with the line "N passed, N failed". Every test run
# collects line and branch coverage of src/ (coverlet); the merged report is artifacts/coverage/ and one line per src
# project is printed before the last line. A project below its floor (scripts/coverage-floors.txt) fails the run.
# COVERAGE=0 runs the tests without it (no report, no floors).
set -uo pipefail
cd "$(dirname "$0")/.."

# What the tests run beside the code: redis-server, strace (the durability test counts a commit's fsyncs), and Debian's
# chromium (the board's browser tests drive /usr/bin/chromium through Playwright; Playwright's own browser download
# cannot work here). Each is installed on its own, so one that cannot be had does not keep the others out.
apt_install() {
  echo "test.sh: installing $* with apt-get" >&2
  if [ "$(id -u)" -eq 0 ]; then
    { [ -n "${apt_updated:-}" ] || apt-get update -qq; } >/dev/null && apt_updated=1 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
  else
    { [ -n "${apt_updated:-}" ] || sudo -n apt-get update -qq; } >/dev/null && apt_updated=1 \
      && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
  fi
}
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v strace >/dev/null 2>&1 || missing+=(strace)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
fi
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
  [ -x /usr/bin/chromium ] || echo "test.sh: chromium could not be installed (apt-get install -y chromium): the browser tests will skip, or fail under CI=true" >&2
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "test.sh: redis-server is required (apt-get install -y redis-server) and could not be installed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
if ! command -v git >/dev/null 2>&1; then
  echo "test.sh: git is required" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# The MCP Inspector's CLI (npm, pinned in tests/mcp-inspector) drives the MCP server as a client nobody here wrote
# (McpInspectorTests). Installed again only when the lock file changed; without node/npm those tests skip, except under
# CI=true, where they fail.
inspector=tests/mcp-inspector
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  if ! cmp -s "$inspector/package-lock.json" "$inspector/node_modules/.installed-lock.json" 2>/dev/null; then
    echo "test.sh: installing the MCP Inspector (npm ci --prefix $inspector)" >&2
    # npm ci once left a partial node_modules and exited 0 here: the install counts only when the CLI is there, and is
    # tried a second time before the tests are told it is missing.
    installed() { [ -x "$inspector/node_modules/.bin/mcp-inspector" ]; }
    if { npm ci --prefix "$inspector" --no-audit --no-fund --loglevel=error >/dev/null 2>"$inspector/npm-ci.log" && installed; } \
      || { echo "test.sh: the MCP Inspector's install is incomplete; running npm ci again" >&2 \
        && npm ci --prefix "$inspector" --no-audit --no-fund --loglevel=error >/dev/null 2>>"$inspector/npm-ci.log" && installed; }; then
      cp "$inspector/package-lock.json" "$inspector/node_modules/.installed-lock.json"
      rm -f "$inspector/npm-ci.log"
    else
      tail -n 20 "$inspector/npm-ci.log" >&2
      echo "test.sh: npm ci for the MCP Inspector failed (log: $inspector/npm-ci.log); McpInspectorTests will skip, or fail under CI" >&2
    fi
  fi
else
  echo "test.sh: node/npm not found: McpInspectorTests will skip (fail under CI=true); install Node.js 20+ to run them" >&2
fi

results=artifacts/test-results
coverage_dir=artifacts/coverage
rm -rf "$results" "$coverage_dir" artifacts/board-screenshots   # the browser tests' screenshots of this run only
mkdir -p "$results"

# The coverage tools (reportgenerator; dotnet-stryker for scripts/mutation.sh) come from the local tool manifest,
# .config/dotnet-tools.json, so a fresh machine gets the pinned versions from NuGet.
coverage=${COVERAGE:-1}
coverage_args=()
if [ "$coverage" != 0 ]; then
  if dotnet tool restore > "$results/tool-restore.log" 2>&1; then
    coverage_args=(--settings tests/coverage.runsettings --collect:"XPlat Code Coverage")
  else
    tail -n 20 "$results/tool-restore.log" >&2
    echo "test.sh: dotnet tool restore failed (log: $results/tool-restore.log): no coverage report this run" >&2
    coverage=failed
  fi
fi

echo "test.sh: building (Release)" >&2
if ! dotnet build Thermocline.slnx -c Release -nologo -v quiet > "$results/build.log" 2>&1; then
  grep -E "error|Error" "$results/build.log" | sort -u | head -n 40 >&2
  echo "test.sh: build failed (full log: $results/build.log)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
crashed=0

# The house style is checked like a test: anything 'dotnet format' would change (layout, naming, imports, the
# analyzers' fixes) fails the run, naming the file and line (fix it with 'dotnet format Thermocline.slnx').
echo "test.sh: checking the style (dotnet format --verify-no-changes)" >&2
if ! dotnet format Thermocline.slnx --verify-no-changes --no-restore -v q > "$results/format.log" 2>&1; then
  grep -E "error|warning" "$results/format.log" | head -n 20 >&2
  echo "test.sh: style check failed (full log: $results/format.log); run: dotnet format Thermocline.slnx" >&2
  crashed=$((crashed + 1))
fi

for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "test.sh: running $name" >&2
  # Coverage lands in $results/<run id>/coverage.cobertura.xml. The thermo processes the tests start
  # load the same instrumented assemblies from the test folder and add their hits when they exit by themselves or by
  # SIGTERM; a process killed with SIGKILL (a crash test, a hub disposed at the end of a test) adds nothing.
  if ! dotnet test "$project" -c Release --no-build -nologo "${coverage_args[@]}" \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true >&2; then
    status=1
    [ -f "$results/$name.trx" ] || crashed=$((crashed + 1))
  fi
done

# Count outcomes from each TRX file's <Counters> element: CI reads only the last line.
counter() { local v; v=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2" | head -n 1); echo "${v:-0}"; }
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters[^>]*>' "$trx" | head -n 1)
  passed=$((passed + $(counter passed "$counters")))
  for outcome in failed error timeout aborted; do
    failed=$((failed + $(counter "$outcome" "$counters")))
  done
  skipped=$((skipped + $(counter notExecuted "$counters")))
done

# Coverage: the runs' reports merged into one (artifacts/coverage: Cobertura.xml, index.html, Summary.txt), then one
# line per src project (the Cli's assembly is thermo) and the total, each held to its floor in scripts/coverage-floors.txt.
coverage_lines=()
if [ "$coverage" = 1 ]; then
  if compgen -G "$results/*/coverage.cobertura.xml" >/dev/null \
      && dotnet tool run reportgenerator "-reports:$results/*/coverage.cobertura.xml" "-targetdir:$coverage_dir" \
        "-reporttypes:Cobertura;Html;TextSummary" "-assemblyfilters:+Thermocline.*;+thermo;-*.Tests;-Thermocline.Testing*;-Thermocline.Benchmarks" \
        "-filefilters:-*.g.cs;-*/obj/*" -verbosity:Warning > "$results/reportgenerator.log" 2>&1 \
      && [ -f "$coverage_dir/Cobertura.xml" ]; then
    figures=$(awk '
      /<coverage / { match($0, /line-rate="[0-9.]+"/); l = substr($0, RSTART + 11, RLENGTH - 12)
                     match($0, /branch-rate="[0-9.]+"/); b = substr($0, RSTART + 13, RLENGTH - 14)
                     total = sprintf("all %.1f %.1f", l * 100, b * 100) }
      /<package / { match($0, /name="[^"]+"/); n = substr($0, RSTART + 6, RLENGTH - 7); if (n == "thermo") n = "Thermocline.Cli"
                    match($0, /line-rate="[0-9.]+"/); l = substr($0, RSTART + 11, RLENGTH - 12)
                    match($0, /branch-rate="[0-9.]+"/); b = substr($0, RSTART + 13, RLENGTH - 14)
                    printf "%s %.1f %.1f\n", n, l * 100, b * 100 }
      END { print total }' "$coverage_dir/Cobertura.xml" | sort -k1,1)
    while read -r project lines branches; do
      coverage_lines+=("$(printf 'coverage: %-26s lines %5.1f %%  branches %5.1f %%' "$project" "$lines" "$branches")")
    done < <(grep -v '^all ' <<<"$figures"; grep '^all ' <<<"$figures")
    # Floors: "project lines branches" per line ('#' comments); a project under either floor, or with a floor and no
    # figure, is one failure.
    while read -r project floor_lines floor_branches; do
      case "$project" in ''|'#'*) continue ;; esac
      figure=$(awk -v p="$project" '$1 == p { print $2, $3 }' <<<"$figures")
      if [ -z "$figure" ]; then
        echo "test.sh: coverage: $project has a floor but no figure (was it built and tested?)" >&2
        crashed=$((crashed + 1))
        continue
      fi
      read -r lines branches <<<"$figure"
      below() { awk -v g="$1" -v f="$2" 'BEGIN { exit !(g + 0 < f + 0) }'; }
      if below "$lines" "$floor_lines" || below "$branches" "$floor_branches"; then
        echo "test.sh: coverage: $project is below its floor: lines $lines % (floor $floor_lines %), branches $branches % (floor $floor_branches %); scripts/coverage-floors.txt" >&2
        crashed=$((crashed + 1))
      fi
    done < scripts/coverage-floors.txt
    echo "test.sh: coverage report: $coverage_dir/index.html (merged Cobertura: $coverage_dir/Cobertura.xml)" >&2
  else
    tail -n 20 "$results/reportgenerator.log" >&2 2>/dev/null
    echo "test.sh: no coverage report could be made (log: $results/reportgenerator.log)" >&2
    crashed=$((crashed + 1))
  fi
elif [ "$coverage" = failed ]; then
  crashed=$((crashed + 1))
fi

failed=$((failed + crashed))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
[ "$skipped" -gt 0 ] && echo "test.sh: $skipped skipped (not counted as passed)" >&2
for line in "${coverage_lines[@]}"; do
  echo "$line"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
