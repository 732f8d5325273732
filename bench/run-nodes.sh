#!/usr/bin/env bash
# The scale-out benchmark: bench/run-nodes.sh [seconds] [paced-rate]. Setups of nodes x Storage:Concurrency side by side
# (BALCAO_BENCH_SETUPS, default 1x1,1x32,3x32: one node one turn at a time, one node and three at the default), on one redis-server (AOF,
# fsync always) behind nginx with the shipped site configuration, the fake Twilio on loopback: webhook throughput and
# latency at the peak and at a paced rate (default: half the one-node reply rate), end-to-end time from the webhook to the
# bot's reply at the fake Twilio, memory of every node and of Redis; then the delivery audit (each message stored
# once, one bot turn, one reply sent once). Runs tests/…/Reliability/NodeBenchmarks.cs (explicit, never in
# ./test.sh) and writes bench/results/nodes-<date>.md. Needs redis-server and nginx (./test.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in redis-server /usr/sbin/nginx; do
  command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install redis-server nginx-light (or run ./test.sh once)" >&2; exit 1; }
done
mkdir -p bench/results
out="bench/results/nodes-$(date -u +%Y%m%d-%H%M).md"
{
  echo "# One node against three, $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version), $(redis-server --version | awk '{print $1, $3}'), $(/usr/sbin/nginx -v 2>&1 | sed 's/.*: //')."
  echo
} >"$out"
dotnet build tests/BalcaoVirtual.IntegrationTests -c Release -nologo -v quiet >/dev/null
BALCAO_BENCH_SECONDS="${1:-10}" BALCAO_BENCH_RATE="${2:-}" BALCAO_BENCH_REPORT="$PWD/$out" \
  dotnet test tests/BalcaoVirtual.IntegrationTests -c Release --no-build -nologo --filter "FullyQualifiedName~NodeBenchmarks" | tail -n 3
cat "$out"
