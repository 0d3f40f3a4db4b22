#!/usr/bin/env bash
# Restore a dump made by ops/backup.sh into a NEW, empty database.
#
#   ops/restore.sh backup-file postgres://user@host:5432/approvals_restored
#
# The target database is created (it must not exist: this script never overwrites one).
# Afterwards verify it: DATABASE_URL=<target> python manage.py verify_integrity
set -euo pipefail

file="${1:?usage: ops/restore.sh backup-file target-database-url}"
target="${2:?usage: ops/restore.sh backup-file target-database-url}"
name="${target##*/}"
name="${name%%\?*}"
server="${target%/*}/postgres"
if ! [[ "$name" =~ ^[A-Za-z0-9_]+$ ]]; then
  echo "the target database name must be letters, digits and underscores: $name" >&2
  exit 1
fi

if [ -n "$(psql "$server" -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
  echo "database $name already exists; restore into a new database" >&2
  exit 1
fi
psql "$server" -qc "CREATE DATABASE \"$name\""
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
  --dbname="$target" "$file"
echo "restored $file into $name"
