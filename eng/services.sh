#!/usr/bin/env bash
# Throwaway servers for tests and benchmarks, from Debian's packages, on free loopback ports in a
# temporary folder. Source it, then call start_redis; everything started is stopped by stop_services
# (installed as an EXIT trap by the caller). Exports COMMUNITYSDK_REDIS (a StackExchange.Redis string).

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

stop_services() {
  for pid in "${_started_pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${_started_pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
  rm -rf "$COMMUNITYSDK_SERVICES_DIR"
}
