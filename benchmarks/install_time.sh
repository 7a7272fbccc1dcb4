#!/usr/bin/env bash
# Time a fresh install: a new venv in a temporary folder, `pip install -r requirements.txt`.
# Uses pip's cache if it has one (as a returning user would); pass --no-cache for a cold install.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
extra=()
[ "${1:-}" = "--no-cache" ] && extra=(--no-cache-dir)
start=$(date +%s.%N)
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q ${extra[@]+"${extra[@]}"} -r requirements.txt >/dev/null
end=$(date +%s.%N)
printf 'fresh venv + pip install -r requirements.txt: %.1f s (%s MB)\n' "$(echo "$end - $start" | bc)" "$(du -sm "$tmp/venv" | cut -f1)"
