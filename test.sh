#!/usr/bin/env bash
# The one test command. On a fresh machine of this kind, as root, with no stdin:
# installs what the tests need, starts a throwaway PostgreSQL and Redis on 127.0.0.1, builds the solution
# once, runs each test project in turn, stops everything it started, and prints `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '[test.sh %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { say "ERROR: $*"; exit 1; }

# 1. What the tests need from Debian.
bash .ci/need postgresql redis-server chromium || die "could not install what the tests need"
for v in 1.27 1.33; do
  [ -x "/usr/lib/google-cloud-sdk/bin/kubectl.$v" ] || die "kubectl $v is missing at /usr/lib/google-cloud-sdk/bin/kubectl.$v: it cannot be installed here, and the simulator tests need it as their referee"
done

# 2. Throwaway services, stopped on any exit.
WORK=$(mktemp -d /tmp/dashboard-test.XXXXXX)
chmod 755 "$WORK"
PGROOT="$WORK/pg"
PGDATA_DIR="$PGROOT/data"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
cleanup() {
  [ -f "$PGDATA_DIR/postmaster.pid" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( (RANDOM % 20000) + 20000 ))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  die "no free port"
}

mkdir -p "$PGROOT" && chown postgres "$PGROOT"
PGPORT=$(free_port)
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust --no-sync >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log"; die "initdb failed"; }
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGROOT/postgres.log" -w -t 30 start \
  -o "-p $PGPORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null \
  || { cat "$PGROOT/postgres.log"; die "PostgreSQL did not start"; }
export DASHBOARD_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres;Include Error Detail=true"
say "PostgreSQL on 127.0.0.1:$PGPORT"

REDISPORT=$(free_port)
redis-server --port "$REDISPORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
  --dir "$WORK" --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log" >/dev/null || die "redis-server did not start"
export DASHBOARD_TEST_REDIS="127.0.0.1:$REDISPORT"
say "Redis on 127.0.0.1:$REDISPORT"

# 3. Build once.
say "building"
dotnet build dashboard.sln -c Debug -nologo -v q </dev/null >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; die "build failed"; }
grep -E "[0-9]+ Warning" "$WORK/build.log" | tail -n 1
# One browser test runs the Release publish output: trimmed WebAssembly can break where Debug works.
say "publishing the server in Release"
dotnet publish Dashboard.Server -c Release -o "$WORK/publish" -nologo -v q </dev/null >"$WORK/publish.log" 2>&1 || { cat "$WORK/publish.log"; die "publish failed"; }
export DASHBOARD_TEST_PUBLISHED="$WORK/publish/Dashboard.Server.dll"

# 4. Each test project in turn (two cores), each with a hard limit.
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
status=0
for project in tests/Dashboard.Simulator.Tests tests/Dashboard.Server.Tests tests/Dashboard.Client.Tests tests/Dashboard.E2E.Tests; do
  [ -d "$project" ] || continue
  name=$(basename "$project")
  start=$(date +%s)
  timeout --kill-after=30 900 dotnet test "$project" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" \
    --blame-hang-timeout 5m </dev/null >"$RESULTS/$name.log" 2>&1
  code=$?
  grep -E "^  (Failed|Skipped) [A-Za-z_][A-Za-z0-9_.]* |^Total tests|^ +(Passed|Failed|Skipped):" "$RESULTS/$name.log" || true
  if [ $code -ne 0 ]; then
    status=1
    if grep -qE "^  Failed [A-Za-z_]" "$RESULTS/$name.log"; then
      grep -E -A 12 "^  Failed [A-Za-z_]" "$RESULTS/$name.log"
    else
      tail -n 40 "$RESULTS/$name.log"
    fi
  fi
  say "$name: exit $code in $(( $(date +%s) - start )) s"
done

# 5. One line: N passed, N failed (summed from the trx counters).
passed=0; failed=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$(( passed + ${p:-0} )); failed=$(( failed + ${f:-0} ))
done
[ "$passed" -gt 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
