#!/usr/bin/env bash
# One command for the benchmarks: bench/run.sh [seconds]. Starts two throw-away redis-servers on loopback
# (fsync every second, and fsync always), runs the store benchmark beside the embedded Garnet, and writes
# bench/results/store-<date>.md. Copy the table into docs/benchmarks.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install redis-server (or run ./test.sh once)" >&2; exit 1; }
seconds=${1:-5}
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
start_redis() { # port fsync
  mkdir -p "$work/$1"
  redis-server --port "$1" --bind 127.0.0.1 --dir "$work/$1" --save "" --appendonly yes --appendfsync "$2" --loglevel warning >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "redis-server on $1 did not start" >&2; exit 1
}
p1=$((30000 + RANDOM % 10000)); p2=$((p1 + 1))
start_redis "$p1" everysec
start_redis "$p2" always
mkdir -p bench/results
dotnet build bench/BalcaoVirtual.Bench -c Release -nologo -v quiet >/dev/null
dotnet bench/BalcaoVirtual.Bench/bin/Release/net10.0/BalcaoVirtual.Bench.dll \
  --redis "127.0.0.1:$p1" --redis-always "127.0.0.1:$p2" --seconds "$seconds" \
  --out "bench/results/store-$(date -u +%Y%m%d-%H%M).md"
