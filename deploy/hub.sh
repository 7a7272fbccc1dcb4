#!/usr/bin/env bash
# Start the class's JupyterHub on 127.0.0.1:${NNPRACTICE_HUB_PORT:-8000} (run as root).
#   deploy/hub.sh [ROSTER.csv]    set the class up from the roster (idempotent), then start the hub
set -euo pipefail
ROSTER="${1:+$(realpath "$1")}"
cd "$(dirname "$0")"; DEPLOY="$PWD"
[ "$(id -u)" -eq 0 ] || { echo "deploy/hub.sh: run as root (the hub starts each user's server as that user)" >&2; exit 1; }
command -v npm >/dev/null || { echo "deploy/hub.sh: npm missing (apt-get install nodejs npm)" >&2; exit 1; }
[ -x node_modules/.bin/configurable-http-proxy ] || npm install --no-audit --no-fund --loglevel=error
PREFIX="${NNPRACTICE_HUB_PREFIX:-/srv/nnpractice}"
if [ -n "$ROSTER" ]; then
  python3 setup_class.py "$ROSTER"
elif [ ! -f "$PREFIX/class.json" ]; then
  echo "deploy/hub.sh: no class in $PREFIX yet; give a roster: deploy/hub.sh deploy/roster.example.csv" >&2; exit 1
fi
VENV="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["venv"])' "$PREFIX/class.json")"
cd "$PREFIX"
exec "$VENV/bin/jupyterhub" -f "$DEPLOY/jupyterhub_config.py"
