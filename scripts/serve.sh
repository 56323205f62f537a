#!/usr/bin/env bash
# Usage: serve.sh HOST PORT
# Serves Stepscope in daphne. With REDIS_URL set, a Celery worker runs beside it and stops with it.
set -euo pipefail
host=$1
port=$2
bin=.venv/bin
worker_pid=""
if [ -n "${REDIS_URL:-}" ]; then
  echo "stepscope: REDIS_URL is set: starting a Celery worker (with beat) beside daphne" >&2
  var_dir=${STEPSCOPE_VAR_DIR:-var}
  mkdir -p "$var_dir"
  # -B: the worker also runs Celery beat (the periodic sweep of lost steps). Run one beat per
  # deployment: extra workers go without -B (a second beat only sweeps twice, harmlessly).
  "$bin/celery" -A config worker -B --schedule "$var_dir/celerybeat-schedule" \
    --loglevel=info --concurrency=2 &
  worker_pid=$!
  trap 'kill "$worker_pid" 2>/dev/null || true' EXIT INT TERM
else
  echo "stepscope: embedded mode: SQLite (unless DATABASE_URL), in-memory channel layer, tasks in-process" >&2
  # The server process sweeps for lost steps itself (at start, then periodically).
  export STEPSCOPE_SWEEP_IN_PROCESS=${STEPSCOPE_SWEEP_IN_PROCESS:-1}
fi
proxy=()
case "${DJANGO_SECURE_PROXY_SSL_HEADER:-0}" in
  1|true|yes|on)
    # Behind a proxy: the client's address (what sign-in throttling counts per address) comes
    # from the X-Forwarded-For the proxy sets, not from the proxy's own address.
    proxy=(--proxy-headers)
    echo "stepscope: behind a proxy: client addresses from X-Forwarded-For" >&2 ;;
esac
echo "stepscope: serving on http://$host:$port/ (sign in at http://$host:$port/accounts/login/)" >&2
"$bin/daphne" "${proxy[@]}" -b "$host" -p "$port" config.asgi:application
