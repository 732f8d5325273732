#!/usr/bin/env bash
# One command for the webhook benchmark: bench/run-webhook.sh [seconds] [connections].
# Runs it three ways: embedded Garnet with the default durability, embedded Garnet with Durability=Interval, and
# an external redis-server with appendfsync always. Results go to bench/results/webhook-*.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-32}
command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install redis-server (or run ./test.sh once)" >&2; exit 1; }
dotnet build bench/BalcaoVirtual.Bench -c Release -nologo -v quiet >/dev/null
bench=bench/BalcaoVirtual.Bench/bin/Release/net10.0/BalcaoVirtual.Bench.dll
mkdir -p bench/results
stamp=$(date -u +%Y%m%d-%H%M)
dotnet "$bench" webhook --seconds "$seconds" --connections "$connections" --out "bench/results/webhook-embedded-$stamp.md"
dotnet "$bench" webhook --seconds "$seconds" --connections "$connections" --service-arg --Storage:Durability=Interval \
  --out "bench/results/webhook-embedded-interval-$stamp.md"
work=$(mktemp -d)
port=$((30000 + RANDOM % 10000))
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync always --save "" --loglevel warning >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
dotnet "$bench" webhook --seconds "$seconds" --connections "$connections" --redis "127.0.0.1:$port" \
  --out "bench/results/webhook-redis-$stamp.md"
