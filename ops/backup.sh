#!/usr/bin/env bash
# Back up the running database to one file (pg_dump custom format, compressed).
#
#   DATABASE_URL=postgres://user@host:5432/approvals ops/backup.sh [backup-file]
#
# The dump is a consistent snapshot taken while the site keeps running (pg_dump reads in one
# repeatable-read transaction). Default file: backups/approvals-<UTC time>.dump. Uploaded
# files live in MEDIA_ROOT: copy that folder alongside the dump (e.g. rsync or tar).
# Restore with ops/restore.sh, then run `manage.py verify_integrity` against the restored copy.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
file="${1:-backups/approvals-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$file")"
tmp="$file.partial"
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$tmp" "$DATABASE_URL"
# Only a dump that pg_restore can read replaces the target name.
pg_restore --list "$tmp" > /dev/null
mv "$tmp" "$file"
echo "$file"
