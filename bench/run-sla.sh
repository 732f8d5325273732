#!/usr/bin/env bash
# One command for the SLA benchmark: bench/run-sla.sh [conversations]. Starts a throw-away redis-server on loopback (no
# persistence: the benchmark measures memory and timing, not durability) and writes bench/results/sla-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install redis-server (or run ./test.sh once)" >&2; exit 1; }
work=$(mktemp -d)
port=$((30000 + RANDOM % 10000))
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no --loglevel warning >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
dotnet build bench/BalcaoVirtual.Bench -c Release -nologo -v quiet >/dev/null
mkdir -p bench/results
dotnet bench/BalcaoVirtual.Bench/bin/Release/net10.0/BalcaoVirtual.Bench.dll sla --redis "127.0.0.1:$port,allowAdmin=true" \
  --conversations "${1:-1000000}" --out "bench/results/sla-$(date -u +%Y%m%d-%H%M).md"
