#!/usr/bin/env bash
# Runs Kabar's benchmarks (docs/benchmarks.md) on SQLite and on a throwaway PostgreSQL server
# started from the installed binaries. Every command prints its figures and one JSON line.
#   bench/run.sh            the budgets' sizes (about an hour; the console's 1M/10M seed is not included:
#                           run `console` on its own, see docs/benchmarks.md)
#   bench/run.sh --smoke    every command at a tiny size and the micro-benchmarks dry, checking only
#                           that each prints its JSON line with the expected keys (CI; no timings judged)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-full}
dotnet build -c Release bench/Kabar.Benchmarks -v q -nologo
bench="dotnet bench/Kabar.Benchmarks/bin/Release/net10.0/Kabar.Benchmarks.dll"

bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || command -v initdb)")
pgdir=$(mktemp -d /tmp/kabar-bench-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$pgdir"; as_pg=(runuser -u postgres --); fi
"${as_pg[@]}" "$bin/initdb" -D "$pgdir/data" -U kabar --auth=trust -E UTF8 >/dev/null
# At nice 10 like Kabar (bench/Kabar.Benchmarks/BenchSupport.cs): the simulator in the benchmark's
# own process stands for Meta's servers, which do not wait for Kabar's database.
"${as_pg[@]}" nice -n 10 "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=on -c max_connections=300" start >/dev/null
trap '"${as_pg[@]}" "$bin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null; rm -rf "$pgdir"' EXIT
pg="Host=127.0.0.1;Port=$port;Username=kabar;Database=postgres"

# Runs one command, keeps its output, and checks that its last line is JSON with the given keys.
run() {
  local keys=$1; shift
  echo "\$ Kabar.Benchmarks $*" >&2
  local out
  out=$($bench "$@")
  echo "$out"
  echo "$out" | tail -1 | python3 -c '
import json, sys
line = json.loads(sys.stdin.read())
missing = [k for k in sys.argv[1].split(",") if k not in line]
if missing:
    sys.exit("missing keys in the JSON line: " + ", ".join(missing))
' "$keys"
}

dispatch_keys=scenario,db,numbers,mps_per_number,send_latency_ms,send_latency_jitter_ms,messages_per_s,of_configured_rate,second_half_of_configured_rate,max_in_any_second_per_number,arrivals_over_rate,simulator_pauses_over_spread,refused_after_simulator_pause,duplicates,latency_p50_ms,latency_p99_ms,kabar_peak_rss_mb,kabar_cpu_ms_per_message
instances_keys=$dispatch_keys,instances,one_instance_messages_per_s,one_instance_duplicates,of_one_instance
statuses_keys=$dispatch_keys,status_posts,status_posts_refused,status_posts_abandoned,attempts_read,all_read_s_after_last_send
hangfire_keys=$dispatch_keys,unthrottled_messages_per_s,hangfire_messages_per_s,hangfire_tuned_messages_per_s,ratio_to_hangfire
webhook_keys=scenario,db,per_post,concurrency,updates_per_s,p50_ms,p99_ms,bare_updates_per_s,of_bare_ceiling,repeat_updates_per_s,repeat_of_bare_ceiling,applied_per_s_end_to_end,kabar_cpu_ms_per_status,kabar_cpu_ms_per_repeat,kabar_peak_rss_mb
scan_keys=scenario,permits,due,scan_s,created,kabar_peak_rss_mb
bulk_keys=scenario,db,contacts,decided,bulk_ms,single_decisions_per_s,ratio_to_single_calls,kabar_peak_rss_mb
console_keys=scenario,contacts,attempts,rollup_first_run_s,asks,dashboard_year_p50_ms,dashboard_year_asks_p50_ms,dashboard_year_asks_max_ms,dashboard_year_asks_ratio_to_without,pages,kabar_peak_rss_mb
startup_keys=scenario,start_to_ready_ms,bare_start_to_ready_ms,ratio_to_bare
recovery_keys=scenario,db,count,send_latency_ms,kill_to_ready_s,kill_to_first_send_s,messages_per_s_after,of_configured_rate_after,in_doubt,not_sent,duplicates,kabar_peak_rss_mb
sicantik_keys=scenario,db,applications,backfill_requests,backfill_s,incremental_requests,incremental_pages_plus_changed,incremental_s,of_rate_floor,kabar_peak_rss_mb

if [ "$mode" = "--smoke" ]; then
  run "$statuses_keys" dispatch --db sqlite --numbers 1 --count 300 --mps 200 --statuses --warmup 2
  run "$dispatch_keys" dispatch --db postgres --pg "$pg" --numbers 2 --count 600 --mps 200 --latency 300 --jitter 100 --no-hangfire
  run "$hangfire_keys" dispatch --db postgres --pg "$pg" --numbers 4 --count 400 --mps 100
  run "$instances_keys" dispatch --db postgres --pg "$pg" --numbers 1 --count 300 --mps 200 --instances 2 --no-hangfire
  run "$recovery_keys" recovery --db sqlite --count 600 --mps 200 --latency 300 --jitter 100
  run "$webhook_keys" webhooks --db sqlite --count 300 --per-post 1
  run "$webhook_keys" webhooks --db postgres --pg "$pg" --count 300 --per-post 1 --concurrency 64
  run "$webhook_keys" webhooks --db sqlite --count 500
  run "$webhook_keys" webhooks --db postgres --pg "$pg" --count 500
  run "$scan_keys" scheduler-scan --db sqlite --count 20000
  run "$bulk_keys" decisions-bulk --db sqlite --count 2000
  run "$bulk_keys" decisions-bulk --db postgres --pg "$pg" --count 2000
  run "$console_keys" console --db sqlite --contacts 2000 --attempts 10000
  run "$startup_keys" startup --runs 1
  run "$sicantik_keys" sicantik --db sqlite --count 300
  run scenario,benchmarks micro --smoke
  echo "bench smoke: every command printed its figures" >&2
  exit 0
fi

# At Meta's latency first: each send answered 300 ± 100 ms after it arrives, the rate counted at arrival.
run "$dispatch_keys" dispatch --db sqlite --numbers 1 --count 20000 --latency 300 --jitter 100
run "$dispatch_keys" dispatch --db sqlite --numbers 4 --count 80000 --latency 300 --jitter 100
run "$dispatch_keys" dispatch --db postgres --pg "$pg" --numbers 1 --count 20000 --latency 300 --jitter 100 --no-hangfire
run "$dispatch_keys" dispatch --db postgres --pg "$pg" --numbers 4 --count 80000 --latency 300 --jitter 100 --no-hangfire
# The same with Meta's status webhooks posted back while Kabar sends: sent, delivered and read, one per POST.
run "$statuses_keys" dispatch --db sqlite --numbers 1 --count 20000 --latency 300 --jitter 100 --statuses
run "$statuses_keys" dispatch --db postgres --pg "$pg" --numbers 1 --count 20000 --latency 300 --jitter 100 --no-hangfire --statuses
run "$statuses_keys" dispatch --db sqlite --numbers 4 --count 80000 --latency 300 --jitter 100 --statuses
# The same once Kabar has compiled its code, as a process that has been running has: 15 s of the
# rate sent (and read) first, then the timed backlog (docs/benchmarks.md).
run "$dispatch_keys" dispatch --db sqlite --numbers 4 --count 80000 --latency 300 --jitter 100 --warmup 15
run "$statuses_keys" dispatch --db sqlite --numbers 1 --count 20000 --latency 300 --jitter 100 --statuses --warmup 15
run "$statuses_keys" dispatch --db postgres --pg "$pg" --numbers 1 --count 20000 --latency 300 --jitter 100 --no-hangfire --statuses --warmup 15
# Four numbers sharing 1,000 mps: the rate model over several numbers at the total one number has.
run "$dispatch_keys" dispatch --db sqlite --numbers 4 --count 20000 --mps 250 --latency 300 --jitter 100
run "$dispatch_keys" dispatch --db postgres --pg "$pg" --numbers 4 --count 20000 --mps 250 --latency 300 --jitter 100 --no-hangfire
run "$dispatch_keys" dispatch --db sqlite --numbers 1 --count 20000
run "$dispatch_keys" dispatch --db sqlite --numbers 4 --count 80000
run "$hangfire_keys" dispatch --db postgres --pg "$pg" --numbers 1 --count 20000
run "$hangfire_keys" dispatch --db postgres --pg "$pg" --numbers 4 --count 80000
run "$instances_keys" dispatch --db postgres --pg "$pg" --numbers 1 --count 6000 --mps 200 --instances 2 --no-hangfire
run "$recovery_keys" recovery --db sqlite --count 20000 --latency 300 --jitter 100
run "$recovery_keys" recovery --db postgres --pg "$pg" --count 20000 --latency 300 --jitter 100
# Webhooks: one status per POST (Meta's usual shape) at 8 and 64 in flight, then 100 per POST.
for concurrency in 8 64; do
  run "$webhook_keys" webhooks --db sqlite --count 20000 --per-post 1 --concurrency "$concurrency"
  run "$webhook_keys" webhooks --db postgres --pg "$pg" --count 20000 --per-post 1 --concurrency "$concurrency"
done
run "$webhook_keys" webhooks --db sqlite --count 50000
run "$webhook_keys" webhooks --db postgres --pg "$pg" --count 50000
run "$scan_keys" scheduler-scan --db sqlite --count 1000000
run "$bulk_keys" decisions-bulk --db sqlite --count 100000
run "$bulk_keys" decisions-bulk --db postgres --pg "$pg" --count 100000
run "$sicantik_keys" sicantik --db sqlite --count 50000
# Start-up is judged on what an office deploys: the ReadyToRun publish (README, "Deploying").
published=$(mktemp -d /tmp/kabar-bench-publish.XXXXXX)
dotnet publish src/Kabar -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$published" -v q -nologo
run "$startup_keys" startup --runs 5 --published "$published"
rm -rf "$published"
run scenario,benchmarks micro
