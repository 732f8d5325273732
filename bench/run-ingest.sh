#!/usr/bin/env bash
# The ingest benchmark with an independent load generator: bench/run-ingest.sh [seconds] [connections] [requests].
# wrk (installed with apt-get when missing and run as root) sends pre-signed Twilio webhooks (bench/wrk/twilio.lua)
# to a bare ASP.NET Core endpoint and to the service, side by side in one run, twice: the embedded store with its
# default durability, then a redis-server with appendfsync always. Every request wrk sent is then looked up in the
# store. Results go to bench/results/ingest-*.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
seconds=${1:-20}
connections=${2:-32}
requests=${3:-400000}
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else echo "wrk missing: sudo apt-get install wrk" >&2; exit 1; fi
fi
dotnet build bench/BalcaoVirtual.Bench -c Release -nologo -v quiet >/dev/null
bench=bench/BalcaoVirtual.Bench/bin/Release/net10.0/BalcaoVirtual.Bench.dll
mkdir -p bench/results
stamp=$(date -u +%Y%m%d-%H%M)
run() { dotnet "$bench" webhook --generator wrk --seconds "$seconds" --connections "$connections" --requests "$requests" "$@"; }
run --out "bench/results/ingest-embedded-$stamp.md"
start_durable_redis
run --redis "127.0.0.1:$redis_port" --out "bench/results/ingest-redis-$stamp.md"
