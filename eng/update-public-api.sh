#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of every shipped package from its code (the analyzer's code fix).
# Shipped API (PublicAPI.Shipped.txt, the 0.1.0 surface) is never touched: moving lines there is a release step.
set -euo pipefail
cd "$(dirname "$0")/.."
for proj in src/*/*.csproj; do
  dir=$(dirname "$proj")
  [ -f "$dir/PublicAPI.Shipped.txt" ] || echo "#nullable enable" > "$dir/PublicAPI.Shipped.txt"
  echo "#nullable enable" > "$dir/PublicAPI.Unshipped.txt"
done
for proj in src/*/*.csproj; do
  dotnet format analyzers "$proj" --diagnostics RS0016 --severity warn || true
done

# Refresh the approved public-API snapshots (review the diff before committing).
find tests -path '*__snapshots__*' -name '*public_api_is_unchanged.snap' -delete
find tests -type d -name '__mismatch__' -prune -exec rm -rf {} +
dotnet test CommunitySdk.sln --filter "FullyQualifiedName~public_api_is_unchanged" >/dev/null
