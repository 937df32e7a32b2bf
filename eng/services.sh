#!/usr/bin/env bash
# Throwaway servers for tests and benchmarks, from Debian's packages, on free loopback ports in a
# temporary folder, and Debian's Chromium for the browser test. Source it, then call start_redis /
# start_postgres / ensure_chromium; everything started is stopped by
# stop_services (installed as an EXIT trap by the caller). Exports COMMUNITYSDK_REDIS (a
# StackExchange.Redis string) and COMMUNITYSDK_POSTGRES (an Npgsql connection string).

COMMUNITYSDK_SERVICES_DIR=${COMMUNITYSDK_SERVICES_DIR:-$(mktemp -d -t communitysdk-services.XXXXXX)}
_started_pids=()

_free_port() {
  python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

_apt_install() {
  if [ "$(id -u)" != "0" ]; then
    echo "services: $1 is missing and this is not root; install it with: apt-get install -y $1" >&2
    return 1
  fi
  echo "services: installing $1 from Debian's packages" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1") >"$COMMUNITYSDK_SERVICES_DIR/apt-$1.log" 2>&1
}

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser). Exports
# COMMUNITYSDK_CHROMIUM.
ensure_chromium() {
  if [ -n "${COMMUNITYSDK_CHROMIUM:-}" ] && [ -x "$COMMUNITYSDK_CHROMIUM" ]; then return 0; fi
  [ -x /usr/bin/chromium ] || _apt_install chromium || return 1
  # A Chinese font, so the screenshots of the shop in Chinese show characters, not boxes (the assertions read text
  # and do not need it: a failed install only costs the screenshots).
  fc-list :lang=zh 2>/dev/null | grep -q . || _apt_install fonts-wqy-microhei || true
  export COMMUNITYSDK_CHROMIUM=/usr/bin/chromium
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || _apt_install redis-server || return 1
  local port dir
  port=$(_free_port)
  dir="$COMMUNITYSDK_SERVICES_DIR/redis"
  mkdir -p "$dir"
  # Persistence off: the benchmark peer and the tests measure the server, not the disk.
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly no \
    --daemonize no --logfile "$dir/redis.log" &
  _started_pids+=($!)
  for _ in $(seq 1 100); do
    if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
      export COMMUNITYSDK_REDIS="127.0.0.1:$port"
      echo "services: redis on $COMMUNITYSDK_REDIS" >&2
      return 0
    fi
    sleep 0.1
  done
  echo "services: redis did not start; see $dir/redis.log" >&2
  return 1
}

_postgres_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_postgres() {
  local bin
  bin=$(_postgres_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    _apt_install postgresql || return 1
    bin=$(_postgres_bin)
  fi
  local port dir run=()
  port=$(_free_port)
  dir="$COMMUNITYSDK_SERVICES_DIR/postgres"
  mkdir -p "$dir"
  if [ "$(id -u)" = "0" ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user Debian's package created.
    chmod 755 "$COMMUNITYSDK_SERVICES_DIR"
    chown postgres "$dir"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$dir/data" -U communitysdk --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 || {
    echo "services: initdb failed; see $dir/initdb.log" >&2; return 1; }
  "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null || {
    echo "services: postgres did not start; see $dir/postgres.log" >&2; return 1; }
  _postgres_stop=("${run[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop)
  export COMMUNITYSDK_POSTGRES="Host=127.0.0.1;Port=$port;Username=communitysdk;Database=postgres;Pooling=true;Maximum Pool Size=50"
  echo "services: postgres on 127.0.0.1:$port" >&2
}

stop_services() {
  if [ -n "${_postgres_stop[*]:-}" ]; then
    "${_postgres_stop[@]}" >/dev/null 2>&1
  fi
  for pid in "${_started_pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${_started_pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
  rm -rf "$COMMUNITYSDK_SERVICES_DIR"
}
