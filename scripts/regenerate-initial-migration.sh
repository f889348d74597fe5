#!/usr/bin/env bash
# Rewrites migrations/versions/0001_initial_schema.py from the current models, then checks it.
# Only while ent_lite has never been released: once a database exists in production, add
# migrations with `flask --app ent_lite db migrate -m "..."` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_venv test
work=$(mktemp -d /tmp/ent_lite_migration.XXXXXX)
trap 'rm -rf "$work"' EXIT
export ENT_LITE_ENV=development
export ENT_LITE_INSTANCE_PATH="$work"
export ENT_LITE_DATABASE_URL="sqlite:///$work/empty.sqlite3"

rm -f migrations/versions/*.py
log "Generating migrations/versions/0001_initial_schema.py from the models"
"$VENV/bin/flask" --app ent_lite db migrate --rev-id 0001 -m "initial schema"
# The migration must give exactly the models' schema and go down and up again.
log "Checking it"
"$VENV/bin/python" -m pytest -q tests/test_migrations.py
