#!/usr/bin/env bash
# Runs every test. Installs what is missing (Debian packages, when root), starts the servers the
# integration tests need on 127.0.0.1 only, stops them afterwards, and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

log() { printf '==> %s\n' "$*" >&2; }

need_packages=()
command -v redis-server >/dev/null 2>&1 || need_packages+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need_packages+=(redis-tools)
[ -x /usr/bin/chromium ] || need_packages+=(chromium)
/usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1 || need_packages+=(python3-aiosmtpd)
[ -x /usr/sbin/dovecot ] || need_packages+=(dovecot-imapd)
# The deploy/ files are checked with the real tools: nginx -t, and the compose file read as YAML.
[ -x /usr/sbin/nginx ] || need_packages+=(nginx-light)
/usr/bin/python3 -c "import yaml" >/dev/null 2>&1 || need_packages+=(python3-yaml)
# The browser tests run a second time with every clock of the test process and its browsers a year ahead.
command -v faketime >/dev/null 2>&1 || need_packages+=(faketime)
if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing: ${need_packages[*]}. Install them (sudo apt-get install ${need_packages[*]}) or run as root." >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  log "installing ${need_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The packages' own daemons (nginx on :80, Dovecot on :143, redis on :6379) must not start: the tests start their
  # own, on 127.0.0.1 only. policy-rc.d refuses every service start while apt runs (unless one is already there).
  policy_added=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
  fi
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
  installed=$?
  [ -n "$policy_added" ] && rm -f /usr/sbin/policy-rc.d
  [ "$installed" -eq 0 ] || {
    echo "apt-get could not install ${need_packages[*]}" >&2
    echo "0 passed, 1 failed"
    exit 1
  }
fi
# Debian's packages start a system redis on 6379 (and dovecot on 143 where services run); the tests never use them.

work=$(mktemp -d "${TMPDIR:-/tmp}/balcao-test.XXXXXX")
pids=()
cleanup() {
  # The test run is a process group of its own (setsid): its testhost and browsers go with it.
  [ -n "${test_pid:-}" ] && kill -TERM -- "-$test_pid" 2>/dev/null
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
# Stopped by hand (Ctrl-C, kill): clean up at once, not after the running tests end.
trap 'cleanup; trap - EXIT; echo "stopped"; exit 130' INT TERM

# A free port below the kernel's ephemeral range: a port in that range can be taken at any moment by an outgoing
# connection's local end (Dovecot once failed with "Address already in use" on a port that refused connections).
free_port() {
  local port low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 12000 ] 2>/dev/null || low=32768
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# Waits for a server to listen on 127.0.0.1:port; otherwise shows its logs and stops.
wait_port() {
  local port=$1 what=$2; shift 2
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$what did not start on 127.0.0.1:$port:" >&2; cat "$@" >&2 2>/dev/null
  echo "0 passed, 1 failed"
  exit 1
}

redis_port=$(free_port)
mkdir -p "$work/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --save "" --appendonly no \
  --protected-mode yes --loglevel warning >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
  echo "redis-server did not start on 127.0.0.1:$redis_port:" >&2; cat "$work/redis.log" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
log "redis-server on 127.0.0.1:$redis_port"
export BALCAO_TEST_REDIS="127.0.0.1:$redis_port"

# A real SMTP server (aiosmtpd) that delivers every message into a Maildir the tests read.
smtp_port=$(free_port)
# Python creates the Maildir (new, cur, tmp) only when the folder does not exist yet: do not create it here.
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$work/maildir" >"$work/smtp.log" 2>&1 &
pids+=($!)
wait_port "$smtp_port" "the SMTP server" "$work/smtp.log"
log "SMTP (aiosmtpd) on 127.0.0.1:$smtp_port"
export BALCAO_TEST_SMTP="127.0.0.1:$smtp_port" BALCAO_TEST_MAILDIR="$work/maildir"
# A real IMAP server (Dovecot). Any user name signs in with the one test password, so each test has its own
# mailbox; mail is kept under $work/imap. Dovecot refuses to keep mail as root: as root it uses "nobody".
imap_port=$(free_port)
mkdir -p "$work/imap/run" "$work/imap/state" "$work/imap/home"
if [ "$(id -u)" -eq 0 ]; then
  mail_owner="uid=nobody gid=nogroup"; chown nobody:nogroup "$work/imap/home"; chmod 755 "$work" "$work/imap"
  extra_users=""
else
  mail_owner="uid=$(id -u) gid=$(id -g)"
  extra_users="default_login_user = $(id -un)
default_internal_user = $(id -un)"
fi
cat >"$work/imap/dovecot.conf" <<EOF_DOVECOT
protocols = imap
listen = 127.0.0.1
base_dir = $work/imap/run
state_dir = $work/imap/state
instance_name = balcao-test-$imap_port
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
$extra_users
passdb {
  driver = static
  args = password=segredo-imap-teste
}
userdb {
  driver = static
  args = $mail_owner home=$work/imap/home/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0600
  }
}
log_path = $work/imap/dovecot.log
EOF_DOVECOT
/usr/sbin/dovecot -F -c "$work/imap/dovecot.conf" >"$work/imap/stdout.log" 2>&1 &
pids+=($!)
wait_port "$imap_port" "Dovecot" "$work/imap/stdout.log" "$work/imap/dovecot.log"
log "IMAP (Dovecot) on 127.0.0.1:$imap_port"
export BALCAO_TEST_IMAP="127.0.0.1:$imap_port" BALCAO_TEST_IMAP_PASSWORD="segredo-imap-teste"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log "building"
if ! dotnet build BalcaoVirtual.sln -c Release -nologo -v quiet >"$work/build.log" 2>&1; then
  grep -E "error|warn" "$work/build.log" | sort -u >&2 || cat "$work/build.log" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0; failed=0; status=0
# Runs one test command (its output kept under a name) and adds its counts to the totals.
run_tests() {
  local name=$1; shift
  local out="$work/$name.log"
  # In the background and waited for, so that a signal to this script is handled at once.
  setsid "$@" >"$out" 2>&1 &
  test_pid=$!
  tail -f --pid="$test_pid" "$out" 2>/dev/null &
  tail_pid=$!
  wait "$test_pid"; rc=$?
  wait "$tail_pid" 2>/dev/null
  test_pid=""
  summary=$(grep -E "(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+" "$out" | tail -n 1)
  if [ -z "$summary" ]; then
    echo "no test summary from $name (exit $rc)" >&2
    failed=$((failed + 1)); status=1; return
  fi
  f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$summary")
  p=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$summary")
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -ne 0 ]; then # the names of the failed tests, again at the end where CI shows them
    echo "failed in $name:" >&2; grep -E '^ +Failed ' "$out" | head -n 50 >&2
  fi
  [ "$rc" -eq 0 ] || status=1
}

for project in tests/BalcaoVirtual.Tests tests/BalcaoVirtual.IntegrationTests; do
  log "testing $project"
  run_tests "$(basename "$project")" dotnet test "$project" -c Release --no-build -nologo
done
# A fixed fake date in the tests must never meet a real clock (a browser's cookie jar and Date.now(), a JWT check):
# the browser tests again, with the test process, Chromium and the service a year ahead of today. The servers
# started above keep today's date. The accessibility scan is left out of this second run: axe checks each page's
# structure, which no clock changes.
log "testing the browser tests a year ahead (faketime +365d)"
# Bounded: libfaketime has been seen to hang some programs; a hang here must fail the run, not stall CI.
run_tests "browser-year-ahead" timeout --kill-after=30s 20m faketime -f '+365d' \
  dotnet test tests/BalcaoVirtual.IntegrationTests -c Release --no-build -nologo --filter "FullyQualifiedName~.Browser.&FullyQualifiedName!~AccessibilityTests"

[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
