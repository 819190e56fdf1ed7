#!/usr/bin/env bash
# Synthesizes every example app under examples/<name>/ with the cdk8s CLI, as a user would.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cdk8s="$root/node_modules/.bin/cdk8s"
shopt -s nullglob
found=0
for dir in "$root"/examples/*/; do
  [ -f "$dir/cdk8s.yaml" ] || continue
  found=1
  name="$(basename "$dir")"
  (cd "$dir" && "$cdk8s" synth --no-check-upgrade > /dev/null)
  echo "examples/$name -> examples/$name/dist/"
  for f in "$dir"dist/*; do echo "  ${f#"$root"/}"; done
done
[ "$found" = 1 ] || { echo "no examples found under examples/" >&2; exit 1; }
