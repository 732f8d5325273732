#!/usr/bin/env bash
# The service's memory as a court runs it: bench/run-memory.sh [idle-seconds=20] [ingest-seconds=10].
# Publishes src/BalcaoVirtual.Web in Release (as deploy/systemd and deploy/compose do) and starts it with the Production
# environment and the Environment= lines of deploy/systemd/balcao-virtual.service, once with the embedded store and once
# with a redis-server (appendfsync always). Reports RSS once idle, its peak through a short burst of signed Twilio
# webhooks, and RSS once idle again. Results go to bench/results/memory-*.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
idle=${1:-20}
ingest=${2:-10}
app=$(mktemp -d)
dotnet publish src/BalcaoVirtual.Web -c Release -o "$app" -nologo -v quiet >/dev/null
dotnet build bench/BalcaoVirtual.Bench -c Release -nologo -v quiet >/dev/null
start_durable_redis
trap 'kill $redis_pid 2>/dev/null || true; rm -rf "$redis_work" "$app"' EXIT
mkdir -p bench/results
dotnet bench/BalcaoVirtual.Bench/bin/Release/net10.0/BalcaoVirtual.Bench.dll memory --app "$app" --idle "$idle" --ingest "$ingest" \
  --redis "127.0.0.1:$redis_port" --out "bench/results/memory-$(date -u +%Y%m%d-%H%M).md" "${@:3}"
