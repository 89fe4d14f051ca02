#!/usr/bin/env bash
# ./bench.sh            runs every benchmark
# ./bench.sh NAME ...   runs the named ones; --quick for shorter runs
# Results: printed, and written to benchmarks/results/NAME.md and NAME.json.
set -euo pipefail
cd "$(dirname "$0")"
# What the benchmarks run beside the product: PostgreSQL (audit), Chromium (ui), node and npm (the JavaScript peer).
bash .ci/need postgresql chromium nodejs npm || exit 1
out=$(dotnet build -c Release benchmarks/Dashboard.Benchmarks -v q -nologo 2>&1) || { echo "$out" | grep -E 'error' | sort -u >&2; exit 1; }
exec dotnet benchmarks/Dashboard.Benchmarks/bin/Release/net10.0/Dashboard.Benchmarks.dll "$@"
