#!/usr/bin/env bash
# One command for the case-movement alerts benchmark: bench/run-alerts.sh [cases]. Starts a throw-away redis-server on
# loopback (no persistence: the benchmark measures memory and timing) and writes bench/results/alerts-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
start_redis
dotnet build bench/BalcaoVirtual.Bench -c Release -nologo -v quiet >/dev/null
mkdir -p bench/results
dotnet bench/BalcaoVirtual.Bench/bin/Release/net10.0/BalcaoVirtual.Bench.dll alerts --redis "127.0.0.1:$redis_port,allowAdmin=true" \
  --cases "${1:-100000}" --out "bench/results/alerts-$(date -u +%Y%m%d-%H%M).md"
