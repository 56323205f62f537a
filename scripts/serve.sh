#!/usr/bin/env bash
# Usage: serve.sh HOST PORT
# Serves Stepscope in daphne. With REDIS_URL set, a Celery worker runs beside it and stops with it.
set -euo pipefail
host=$1
port=$2
bin=.venv/bin
worker_pid=""
if [ -n "${REDIS_URL:-}" ]; then
  echo "stepscope: REDIS_URL is set: starting a Celery worker beside daphne" >&2
  "$bin/celery" -A config worker --loglevel=info --concurrency=2 &
  worker_pid=$!
  trap 'kill "$worker_pid" 2>/dev/null || true' EXIT INT TERM
else
  echo "stepscope: embedded mode: SQLite (unless DATABASE_URL), in-memory channel layer, tasks in-process" >&2
fi
echo "stepscope: serving on http://$host:$port/ (sign in at http://$host:$port/accounts/login/)" >&2
"$bin/daphne" -b "$host" -p "$port" config.asgi:application
