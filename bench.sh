#!/usr/bin/env bash
# ./bench.sh            runs every benchmark
# ./bench.sh NAME ...   runs the named ones; --quick for shorter runs
# Results: printed, and written to benchmarks/results/NAME.md and NAME.json.
set -euo pipefail
cd "$(dirname "$0")"
out=$(dotnet build -c Release benchmarks/Dashboard.Benchmarks -v q -nologo 2>&1) || { echo "$out" | grep -E 'error' | sort -u >&2; exit 1; }
exec dotnet benchmarks/Dashboard.Benchmarks/bin/Release/net10.0/Dashboard.Benchmarks.dll "$@"
