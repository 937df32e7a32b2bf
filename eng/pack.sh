#!/usr/bin/env bash
# Packs every shipped package (src/*) into artifacts/packages and checks each one: README, XML docs, icon,
# release notes (this version's CHANGELOG section), tags of its own,
# SourceLink (repository commit in the nuspec), and a symbols package (.snupkg).
# Usage: ./eng/pack.sh [version suffix]   e.g. ./eng/pack.sh preview.2
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/artifacts/packages
rm -rf "$out"
suffix=${1:-preview}
# SourceLink maps sources to the GitHub remote. A clone without one (a local work tree, CI's clone of it) is
# packed from a temporary clone of HEAD whose origin is the public repository, so the symbols point there.
repository=https://github.com/communitysdk/communitysdk
root=$PWD
if ! git remote get-url origin 2>/dev/null | grep -q '^https://github.com/'; then
  root=$(mktemp -d -t communitysdk-pack.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  git clone -q "$PWD" "$root"
  git -C "$root" remote set-url origin "$repository"
fi
dotnet pack "$root/CommunitySdk.sln" -c Release -o "$out" --version-suffix "$suffix" -p:ContinuousIntegrationBuild=true -v q -nologo
problems=0
for project in src/*/*.csproj; do
  id=$(basename "$project" .csproj)
  nupkg=$(ls "$out/$id".[0-9]*.nupkg 2>/dev/null | head -n 1 || true)
  if [ -z "$nupkg" ]; then echo "pack: $id: no package" >&2; problems=1; continue; fi
  listing=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$nupkg")
  nuspec=$(python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read([n for n in z.namelist() if n.endswith(".nuspec")][0]).decode())' "$nupkg")
  grep -qx "README.md" <<<"$listing" || { echo "pack: $id: README.md missing" >&2; problems=1; }
  grep -qx "lib/net10.0/$id.xml" <<<"$listing" || { echo "pack: $id: XML docs missing" >&2; problems=1; }
  grep -qx "icon.png" <<<"$listing" && grep -q "<icon>icon.png</icon>" <<<"$nuspec" || { echo "pack: $id: icon missing" >&2; problems=1; }
  grep -q "<releaseNotes>## " <<<"$nuspec" || { echo "pack: $id: release notes missing" >&2; problems=1; }
  # Each package says what it is beyond the shared tags (sqlite, postgresql, redis, ...).
  [ "$(grep -o '<tags>[^<]*</tags>' <<<"$nuspec" | wc -w)" -gt 7 ] || { echo "pack: $id: no tags of its own" >&2; problems=1; }
  grep -q '<repository [^>]*commit="[0-9a-f]\{40\}"' <<<"$nuspec" || { echo "pack: $id: no repository commit" >&2; problems=1; }
  snupkg="${nupkg%.nupkg}.snupkg"
  if [ ! -f "$snupkg" ]; then
    echo "pack: $id: no symbols package" >&2; problems=1
  else
    # The portable PDB carries the SourceLink map (source path -> raw GitHub URL at the commit).
    python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); sys.exit(0 if any(b"raw.githubusercontent.com/communitysdk/communitysdk/" in z.read(n) for n in z.namelist() if n.endswith(".pdb")) else 1)' "$snupkg" \
      || { echo "pack: $id: no SourceLink map in the symbols" >&2; problems=1; }
  fi
done
count=$(ls "$out"/*.nupkg | wc -l)
if [ "$problems" -ne 0 ]; then echo "pack: problems found in $count packages" >&2; exit 1; fi
echo "pack: $count packages in $out, each with README, XML docs, icon, release notes, its own tags, SourceLink and symbols"
