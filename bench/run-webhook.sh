#!/usr/bin/env bash
# One command for the webhook benchmark: bench/run-webhook.sh [seconds] [connections].
# Runs it three ways: embedded Garnet with the default durability, embedded Garnet with Durability=Interval, and
# an external redis-server with appendfsync always. Results go to bench/results/webhook-*.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
seconds=${1:-10}
connections=${2:-32}
dotnet build bench/BalcaoVirtual.Bench -c Release -nologo -v quiet >/dev/null
bench=bench/BalcaoVirtual.Bench/bin/Release/net10.0/BalcaoVirtual.Bench.dll
mkdir -p bench/results
stamp=$(date -u +%Y%m%d-%H%M)
dotnet "$bench" webhook --seconds "$seconds" --connections "$connections" --out "bench/results/webhook-embedded-$stamp.md"
dotnet "$bench" webhook --seconds "$seconds" --connections "$connections" --service-arg --Storage:Durability=Interval \
  --out "bench/results/webhook-embedded-interval-$stamp.md"
start_durable_redis
dotnet "$bench" webhook --seconds "$seconds" --connections "$connections" --redis "127.0.0.1:$redis_port" \
  --out "bench/results/webhook-redis-$stamp.md"
