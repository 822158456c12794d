#!/usr/bin/env bash
# Runs Kabar's throughput benchmarks (docs/benchmarks.md) on SQLite and on a throwaway
# PostgreSQL server started from the installed binaries. Usage: bench/run.sh [COUNT]
# (the console scenario runs at smoke size here; its full size is 1M contacts, 10M attempts).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20000}
dotnet build -c Release bench/Kabar.Bench -v q -nologo
bench="dotnet bench/Kabar.Bench/bin/Release/net10.0/Kabar.Bench.dll"

bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || command -v initdb)")
pgdir=$(mktemp -d /tmp/kabar-bench-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$pgdir"; as_pg=(runuser -u postgres --); fi
"${as_pg[@]}" "$bin/initdb" -D "$pgdir/data" -U kabar --auth=trust -E UTF8 >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=on -c max_connections=200" start >/dev/null
trap '"${as_pg[@]}" "$bin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null; rm -rf "$pgdir"' EXIT
pg="Host=127.0.0.1;Port=$port;Username=kabar;Database=postgres"

$bench send --db sqlite --count "$count"
$bench send --db postgres --pg "$pg" --count "$count"
$bench statuses --db sqlite --count 50000
$bench statuses --db postgres --pg "$pg" --count 50000
$bench scheduler-scan --db sqlite --count 1000000
$bench console --db sqlite --contacts 10000 --attempts 100000
