#!/usr/bin/env bash
# The crash harness at scale: bench/run-crash.sh [messages] (default 10000). Runs CrashSafetyTests (the real service
# in its own process, killed with SIGKILL twice under signed webhooks; embedded store, then redis-server with AOF)
# with that many webhooks, and writes their figures to bench/results/crash-<date>.md. Needs redis-server on PATH
# (./test.sh installs it); no other server: Twilio is faked on loopback and alerts go to a folder.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install redis-server (or run ./test.sh once)" >&2; exit 1; }
messages=${1:-10000}
mkdir -p bench/results
out="bench/results/crash-$(date -u +%Y%m%d-%H%M).md"
{
  echo "# Crash harness, $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version)."
  echo
} >"$out"
dotnet build tests/BalcaoVirtual.IntegrationTests -c Release -nologo -v quiet >/dev/null
BALCAO_CRASH_MESSAGES="$messages" BALCAO_CRASH_REPORT="$PWD/$out" \
  dotnet test tests/BalcaoVirtual.IntegrationTests -c Release --no-build -nologo --filter "FullyQualifiedName~CrashSafetyTests" | tail -n 3
cat "$out"
