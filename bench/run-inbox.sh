#!/usr/bin/env bash
# One command for the inbox benchmark: bench/run-inbox.sh [conversations] [requests]. Writes bench/results/inbox-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/BalcaoVirtual.Bench -c Release -nologo -v quiet >/dev/null
mkdir -p bench/results
dotnet bench/BalcaoVirtual.Bench/bin/Release/net10.0/BalcaoVirtual.Bench.dll inbox --conversations "${1:-10000}" --requests "${2:-200}" \
  --out "bench/results/inbox-$(date -u +%Y%m%d-%H%M).md"
