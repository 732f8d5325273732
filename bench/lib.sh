# Shared by the bench/run-*.sh scripts (sourced).

# Starts a throw-away redis-server on a random loopback port with appendfsync always (what production uses), stopped
# and deleted when the script exits; sets redis_port.
start_durable_redis() {
  start_redis --appendonly yes --appendfsync always
}

# The same without persistence (benchmarks of memory and timing, not durability); extra arguments go to redis-server.
start_redis() {
  command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install redis-server (or run ./test.sh once)" >&2; exit 1; }
  redis_work=$(mktemp -d)
  redis_port=$((30000 + RANDOM % 10000))
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$redis_work" --save "" --loglevel warning "${@:---appendonly no}" >/dev/null 2>&1 &
  redis_pid=$!
  trap 'kill $redis_pid 2>/dev/null || true; rm -rf "$redis_work"' EXIT
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
}
