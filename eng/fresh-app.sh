#!/usr/bin/env bash
# Follows docs/getting-started.md as a new user would, against the packages packed from this commit:
# `dotnet new web` and the `dotnet add package` lines of the guide (its block marked <!-- fresh-app -->), then the
# guide's Program.cs and appsettings.json (samples/GettingStarted: every block of the guide is a region of those
# files, which DocsSnippetTests checks). It builds the app, starts it, signs in, records an order and asks for the
# week's leaderboard and the community page. Ends with "fresh-app: passed" or "fresh-app: failed (...)".
# Usage: ./eng/fresh-app.sh   (packs first, with a version of its own, so no stale package cache is used)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d -t communitysdk-fresh-app.XXXXXX)
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  rm -rf "$work"
  # this run's packages in the NuGet cache (a version of its own each run): gone with it
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/communitysdk*/"0.1.0-${version_suffix:-none}"
}
trap cleanup EXIT
fail() { echo "fresh-app: failed ($1)"; [ -f "$work/app.log" ] && tail -n 30 "$work/app.log" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
version_suffix="fresh.$(date +%Y%m%d%H%M%S)"
./eng/pack.sh "$version_suffix" >"$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; fail "pack"; }

# The packed folder serves CommunitySdk*; everything else comes from the registry, as in a real app.
cat >"$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="communitysdk-local" value="$repo/artifacts/packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="communitysdk-local"><package pattern="CommunitySdk*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

# The guide's own commands, exactly as written.
python3 - "$repo/docs/getting-started.md" >"$work/steps.sh" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"<!-- fresh-app -->\n```bash\n(.*?)```", page, re.S)
if not blocks:
    sys.exit("docs/getting-started.md has no <!-- fresh-app --> block")
print("set -euo pipefail")
print("\n".join(blocks))
PY
(cd "$work" && bash steps.sh >"$work/steps.log" 2>&1) || { cat "$work/steps.log" >&2; fail "the guide's commands"; }
project_dir=$(dirname "$(ls "$work"/*/*.csproj | head -n 1)")
cp samples/GettingStarted/Program.cs samples/GettingStarted/appsettings.json "$project_dir/"
grep -q 'Include="CommunitySdk.AspNetCore" Version="0.1.0-'"$version_suffix"'"' "$project_dir"/*.csproj || fail "the app does not reference the packed packages"
dotnet build "$project_dir" -c Release >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "build"; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
(cd "$project_dir" && ASPNETCORE_ENVIRONMENT=Development exec dotnet run -c Release --no-build --no-launch-profile --urls "$base" >"$work/app.log" 2>&1) &
app_pid=$!
for _ in $(seq 1 120); do
  curl -sf "$base/health" >/dev/null 2>&1 && break
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited at start"
  sleep 0.5
done
curl -sf "$base/health" >/dev/null || fail "no answer from /health"

jar="$work/cookies"
curl -sf -c "$jar" -b "$jar" -o /dev/null "$base/dev/sign-in/ann" || fail "sign-in"
order=$(curl -sf -c "$jar" -b "$jar" -H 'content-type: application/json' -d '{"id":"1042","total":40}' "$base/orders") || fail "POST /orders"
grep -q '"coins":40' <<<"$order" || fail "the order earned no coins: $order"
board=$(curl -sf -b "$jar" "$base/api/community/my-shop/leaderboards/week") || fail "GET leaderboards/week"
grep -q '"currency":"coins"' <<<"$board" && grep -q '"rank":1' <<<"$board" && grep -q '"isMe":true' <<<"$board" \
  || fail "the week's leaderboard does not rank the order: $board"
page=$(curl -sf -b "$jar" "$base/") || fail "GET /"
grep -q 'First order' <<<"$page" && grep -q '40 coins' <<<"$page" || fail "the community page lacks the badge or the coins: $page"
curl -s -o /dev/null -w '%{http_code}' "$base/api/community/my-shop/me/balances" | grep -q '^401$' || fail "a signed-out request was not refused"
echo "fresh-app: passed (dotnet new web + the guide's packages $version_suffix: sign-in, order, week board, page)"
