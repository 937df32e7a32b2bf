#!/usr/bin/env bash
# Runs the benchmarks with their real peers: starts a throwaway redis-server (persistence off) and
# PostgreSQL the way
# the test script does, then BenchmarkDotNet. Arguments go to BenchmarkSwitcher, e.g.:
#   ./eng/bench.sh --filter '*'            full run (reports in BenchmarkDotNet.Artifacts/results)
#   ./eng/bench.sh --smoke                 one in-process iteration of everything on small data (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
source eng/services.sh
trap stop_services EXIT
start_redis
start_postgres
dotnet run -c Release --project benchmarks/CommunitySdk.Benchmarks -- "$@"
