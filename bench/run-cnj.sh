#!/usr/bin/env bash
# One command for the case-number benchmark: bench/run-cnj.sh [messages]. Writes bench/results/cnj-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/BalcaoVirtual.Bench -c Release -nologo -v quiet >/dev/null
mkdir -p bench/results
dotnet bench/BalcaoVirtual.Bench/bin/Release/net10.0/BalcaoVirtual.Bench.dll cnj --messages "${1:-200000}" \
  --out "bench/results/cnj-$(date -u +%Y%m%d-%H%M).md"
