#!/usr/bin/env bash
# Fuzz Kabar's parsers of outside bytes with AFL++ through SharpFuzz (docs/reliability.md,
# "The fuzz harness"): the request-body text guard, the SMS delivery report, phone numbers, CSV
# imports and Meta's webhook envelope. Installs afl++ (Debian) and the SharpFuzz instrumenter
# (NuGet) when missing, builds fuzz/Kabar.Fuzz in Release, instruments Kabar.dll and runs each
# target for SECONDS (default 300). Findings land in fuzz/findings/TARGET (not committed); each
# crash is replayed at the end, and the script exits 1 if any target crashed.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET…]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json-text sms-report phone csv webhook)

command -v afl-fuzz >/dev/null || { apt-get update -qq && apt-get install -y -qq afl++; }
tools=fuzz/.tools
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null

out=fuzz/bin
dotnet build fuzz/Kabar.Fuzz -c Release -v quiet -nologo
rm -f "$out/kabar.dll" # publish copies it anew, so it is instrumented exactly once
dotnet publish fuzz/Kabar.Fuzz -c Release -o "$out" -v quiet -nologo
# Only Kabar's own code is instrumented: coverage there is what steers AFL++.
"$tools/sharpfuzz" "$out/kabar.dll"

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
crashed=0
for target in "${targets[@]}"; do
  rm -rf "fuzz/findings/$target"; mkdir -p fuzz/findings
  afl-fuzz -i "fuzz/corpus/$target" -o "fuzz/findings/$target" -V "$seconds" -t 5000 -m none -- \
    dotnet "$out/Kabar.Fuzz.dll" "$target" > "fuzz/findings/$target.log" 2>&1 || true
  stats="fuzz/findings/$target/default/fuzzer_stats"
  execs=$(awk -F' *: *' '$1=="execs_done"{print $2}' "$stats" 2>/dev/null || echo "?")
  paths=$(awk -F' *: *' '$1=="corpus_count"{print $2}' "$stats" 2>/dev/null || echo "?")
  crashes=$(find "fuzz/findings/$target/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
  echo "$target: $execs executions in ${seconds} s, $paths inputs in the queue, $crashes crashes"
  if [ "$crashes" -gt 0 ]; then
    crashed=1
    # Replayed on the uninstrumented build: instrumented code needs AFL++ running beside it.
    dotnet fuzz/Kabar.Fuzz/bin/Release/net10.0/Kabar.Fuzz.dll "$target" --replay "fuzz/findings/$target/default/crashes" || true
  fi
done
exit $crashed
