#!/usr/bin/env bash
# CI smoke test of the production stack (issue 18): a fresh PostgreSQL database with the demo
# data, ops/serve (gunicorn + Celery worker + beat, DEBUG=false) on a free loopback port, then
# through HTTP: /readyz, a static file with its cache headers, / redirecting to sign-in, a
# sign-in and a signed-in page, a reminder pass sent by beat and run by the worker, and the
# job check (smoke_job). Stops every process it started and drops the database.
# Needs PostgreSQL (PGHOST/PGUSER, default 127.0.0.1/postgres) and Redis on 127.0.0.1:6379.
# SMOKE_DB names the database (approvals_smoke), SMOKE_REDIS_DB the Redis database (14).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
py="${PYTHON:-$root/.venv/bin/python}"  # PYTHON: another virtualenv's interpreter
export PATH="$(dirname "$py"):$PATH"

db="${SMOKE_DB:-approvals_smoke}"
redis_db="${SMOKE_REDIS_DB:-14}"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"
work=$(mktemp -d)
log="$work/serve.log"
serve_pid=""
started=$(date +%s.%N)

elapsed() { # seconds since $1, one decimal
  python3 -c "import sys,time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$1"
}
step() { # step NAME COMMAND...: run it, print NAME ok/FAILED and its time; stop on failure
  local name=$1 t0 rc=0
  shift
  t0=$(date +%s.%N)
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then
    printf '  %-52s ok      %6ss\n' "$name" "$(elapsed "$t0")"
  else
    printf '  %-52s FAILED  %6ss\n' "$name" "$(elapsed "$t0")"
    for file in "$work/rundemo.log" "$log"; do
      [ -f "$file" ] || continue
      echo "---- last lines of $file" >&2
      tail -n 40 "$file" >&2
    done
    exit 1
  fi
}
stop() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2> /dev/null; then
    kill -TERM -- "-$serve_pid" 2> /dev/null || true  # the whole process group of ops/serve
    for _ in $(seq 1 40); do
      kill -0 "$serve_pid" 2> /dev/null || break
      sleep 0.25
    done
    kill -KILL -- "-$serve_pid" 2> /dev/null || true
  fi
  dropdb --if-exists "$db" 2> /dev/null || true
  redis-cli -n "$redis_db" flushdb > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT

port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
base="http://127.0.0.1:$port"
export DATABASE_URL="postgres://$PGUSER@$PGHOST:5432/$db"
echo "== production stack smoke on $base (database $db, Redis db $redis_db)"

fresh_db() { dropdb --if-exists "$db" && createdb "$db"; }
demo_data() { "$py" manage.py rundemo --no-server > "$work/rundemo.log" 2>&1; }
step "fresh database $db" fresh_db
step "demo data (rundemo --no-server)" demo_data

start_stack() {
  redis-cli -n "$redis_db" flushdb > /dev/null
  local key
  key=smoke-$("$py" -c 'import secrets; print(secrets.token_urlsafe(48))')
  # setsid: ops/serve and everything it starts form one process group, stopped together
  env DEBUG=false SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1,localhost \
    SECRET_KEY=$key \
    CELERY_BROKER_URL="redis://127.0.0.1:6379/$redis_db" \
    CACHE_URL="redis://127.0.0.1:6379/$redis_db" \
    REMINDERS_INTERVAL_MINUTES=0.05 WEB_CONCURRENCY=2 CELERY_CONCURRENCY=1 \
    BIND="127.0.0.1:$port" VAR_DIR="$work/var" STATIC_ROOT="$work/static" \
    setsid ops/serve > "$log" 2>&1 &
  serve_pid=$!
}
wait_ready() { # /readyz answers 200 within 90 s
  for _ in $(seq 1 360); do
    kill -0 "$serve_pid" 2> /dev/null || return 1
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] && return 0
    sleep 0.25
  done
  return 1
}
step "ops/serve started" start_stack
step "/readyz answers 200 (database, cache, broker)" wait_ready

http_checks() { # $1: which check (see smoke_http.py)
  "$py" .ci/smoke_http.py "$base" "$1"
}
step "/healthz answers ok" http_checks healthz
step "a static .css: 200, max-age >= 1 year" http_checks static
step "/ redirects to the sign-in page" http_checks redirect
step "sign-in as a demo user, signed-in page 200" http_checks signin

reminder_ran() { # the worker logs the beat-sent reminder pass as succeeded within 60 s
  for _ in $(seq 1 240); do
    grep -q "approvals.notifications.send_reminders\[.*\] succeeded" "$log" && return 0
    sleep 0.25
  done
  return 1
}
step "beat reminder pass run by the worker" reminder_ran

step "a job queued through the web, run by the worker" http_checks job

echo "== smoke passed in $(elapsed "$started") s"
