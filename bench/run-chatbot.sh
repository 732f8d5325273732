#!/usr/bin/env bash
# One command for the chatbot benchmark: bench/run-chatbot.sh [citizens] [seconds]. Writes bench/results/chatbot-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/BalcaoVirtual.Bench -c Release -nologo -v quiet >/dev/null
mkdir -p bench/results
dotnet bench/BalcaoVirtual.Bench/bin/Release/net10.0/BalcaoVirtual.Bench.dll chatbot --citizens "${1:-16}" --seconds "${2:-20}" \
  --out "bench/results/chatbot-$(date -u +%Y%m%d-%H%M).md"
