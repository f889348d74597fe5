# Shared steps of scripts/demo and scripts/test (sourced, not run).
# Expects the current directory to be the repository root.

PYTHON=${PYTHON:-python3}
VENV=.venv

log() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  # Installs Debian packages; `apt-get update` runs once per script run, only when needed.
  if [ -z "${_APT_UPDATED:-}" ]; then
    as_root apt-get update -qq
    _APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# pip, without the harmless "Location 'file:///...' is ignored" lines this machine's pip config causes.
pip_quiet() {
  "$VENV/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

# Creates .venv if needed and installs ent_lite (editable) with the given extra ("" or "test").
# pip runs again only when pyproject.toml changed since the last install.
ensure_venv() {
  local extra=$1 target=. stamp
  [ -n "$extra" ] && target=".[$extra]"
  if [ ! -x "$VENV/bin/python" ]; then
    log "Creating $VENV"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
      # Debian's python3 needs python3-venv for ensurepip.
      rm -rf "$VENV"
      apt_install python3-venv
      "$PYTHON" -m venv "$VENV"
    fi
    pip_quiet install -q -U pip
  fi
  stamp="$VENV/.ent_lite-installed-${extra:-base}"
  local digest
  digest=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
    log "Installing ent_lite ($target) into $VENV"
    pip_quiet install -q -e "$target"
    echo "$digest" >"$stamp"
  fi
}

# Compiles translations/*/LC_MESSAGES/*.po into the .mo files the app reads (not committed).
compile_translations() {
  if compgen -G "translations/*/LC_MESSAGES/*.po" >/dev/null; then
    log "Compiling translations"
    "$VENV/bin/pybabel" -q compile -d translations
  else
    log "No translation catalogue (translations/*/LC_MESSAGES/*.po) yet: the interface stays in English"
  fi
}

# A free TCP port on the loopback interface (for the throwaway servers of scripts/test).
free_port() {
  "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A throwaway Redis (Debian's redis-server) on a free loopback port, writing nothing to disk
# (--save '' --appendonly no): the shared rate-limit counters of several app processes.
# Sets REDIS_URL; stop_redis stops it and removes its folder (safe to call when none runs).
start_redis() {
  local port tries=0
  port=$(free_port)
  REDIS_DIR=$(mktemp -d /tmp/redistest.XXXXXX)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$REDIS_DIR" --logfile "$REDIS_DIR/log" &
  REDIS_PID=$!
  REDIS_URL="redis://127.0.0.1:$port/0"
  until [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; do
    tries=$((tries + 1))
    if ! kill -0 "$REDIS_PID" 2>/dev/null || [ "$tries" -gt 200 ]; then
      cat "$REDIS_DIR/log" >&2
      stop_redis
      return 1
    fi
    sleep 0.05
  done
}

stop_redis() {
  if [ -n "${REDIS_PID:-}" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=
  fi
  if [ -n "${REDIS_DIR:-}" ]; then
    rm -rf "$REDIS_DIR"
    REDIS_DIR=
  fi
}
