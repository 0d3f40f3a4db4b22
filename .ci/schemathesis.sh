#!/usr/bin/env bash
# Property-based API check: serve the demo site on a fresh SQLite database, then let
# schemathesis call every operation of /api/schema/ with generated data, as a demo user
# holding a token. It fails on any 5xx answer or any answer that breaks the schema.
#
#   .ci/schemathesis.sh                 # about 3-4 minutes on 2 cores
#
# "Connection: close": Django's development server does not read chunked request bodies,
# so a connection kept alive after one would mix its leftover bytes into the next request.
#   ST_MAX_EXAMPLES=50 ST_SEED=7 .ci/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-.venv/bin/python}
st=${ST:-.venv/bin/st}
user=${ST_USER:-gd.ldtbxh}
max_examples=${ST_MAX_EXAMPLES:-10}
seed=${ST_SEED:-20261122}

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "${ST_KEEP_LOG:-}" ]; then cp "$work/server.log" "$ST_KEEP_LOG"; fi
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="sqlite:///$work/schemathesis.sqlite3"
export DEBUG=true
# The fuzzer calls the login and token endpoints too; keep their limit, only the
# token for the run is fetched before it starts.

echo "== schemathesis: fresh database and demo data ($work)"
"$python" manage.py migrate --noinput -v 0
"$python" manage.py seed_demo --no-logins > /dev/null

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
echo "== schemathesis: serving on $base"
"$python" manage.py runserver "127.0.0.1:$port" --noreload --skip-checks > "$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 60); do
  if "$python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
      "$base/api/schema/" 2>/dev/null; then
    break
  fi
  sleep 0.5
done

token=$("$python" - "$base" "$user" <<'PY'
import json
import os
import sys
import urllib.request

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django.setup()
from project.demo.data import DEMO_PASSWORD  # noqa: E402

base, username = sys.argv[1], sys.argv[2]
request = urllib.request.Request(
    f"{base}/api/auth/token/",
    data=json.dumps({"username": username, "password": DEMO_PASSWORD}).encode(),
    headers={"Content-Type": "application/json"},
)
with urllib.request.urlopen(request, timeout=10) as response:
    print(json.load(response)["token"])
PY
)

echo "== schemathesis: st run as $user, $max_examples examples per operation, seed $seed"
status=0
SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH=".ci${PYTHONPATH:+:$PYTHONPATH}" \
"$st" --config-file .ci/schemathesis.toml run "$base/api/schema/" \
  --header "Authorization: Token $token" \
  --header "Connection: close" \
  --checks not_a_server_error,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$max_examples" \
  --seed "$seed" \
  --workers 2 \
  --request-timeout 60 \
  --generation-database none \
  --no-color ${ST_EXTRA:-} || status=$?

if grep -q "Internal Server Error" "$work/server.log"; then
  echo "== the server logged errors:" >&2
  grep -A 30 "Internal Server Error" "$work/server.log" | head -n 120 >&2
  status=1
fi
exit "$status"
