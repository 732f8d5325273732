#!/usr/bin/env bash
# The parsers' fuzz and property tests at scale: bench/run-fuzz.sh [scale] (default 10: ten times the inputs ./test.sh
# runs, about 15 million) [seed]. Runs tests/BalcaoVirtual.Tests/Fuzz in Release and writes the counts, the time and any
# failing input to bench/results/fuzz-<date>.md (a failing input is also kept under the test folder's fuzz-failures/).
# A seed other than the default one explores other inputs: BALCAO_FUZZ_SEED reproduces a run.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-10}
seed=${2:-20261123}
mkdir -p bench/results
out="bench/results/fuzz-$(date -u +%Y%m%d-%H%M).md"
dotnet build tests/BalcaoVirtual.Tests -c Release -nologo -v quiet >/dev/null
start=$(date +%s)
set +e
BALCAO_FUZZ_SCALE="$scale" BALCAO_FUZZ_SEED="$seed" dotnet test tests/BalcaoVirtual.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~BalcaoVirtual.Tests.Fuzz" --logger "console;verbosity=normal" >"$out.log" 2>&1
status=$?
set -e
{
  echo "# Fuzz and property tests, $(date -u +%Y-%m-%d), scale $scale, seed $seed"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version). Wall time $(( $(date +%s) - start )) s."
  echo
  grep -E "^[a-z-]+: [0-9,]+ inputs|^\s+(Passed|Failed) " "$out.log" | sed 's/^ *//; s/^/- /'
  grep -A4 "Error Message" "$out.log" || true
} >"$out"
rm -f "$out.log"
cat "$out"
exit $status
