# shellcheck shell=bash
# ClickHouse for local runs and tests: the ClickHouse engine from the npm package `chdb`
# (libchdb, in process), owned by ONE small process, services/clickhouse-local, which serves the
# ClickHouse HTTP interface on loopback. libchdb binds one data directory per process and locks
# it against others, so this process owns it and every service and test connects over HTTP,
# exactly as to a ClickHouse server in production (docs/clickhouse-local.md).
# No modern ClickHouse server is installable from the registries reachable here; `npm ci`
# installs chdb and its engine, so there is nothing to download.
# Sourced by infra/local/{up,down,status} after lib.sh.

CLICKHOUSE_PORT="${SUBMERGE_CLICKHOUSE_PORT:-18123}"
CLICKHOUSE_DATA="$SUBMERGE_RUN/clickhouse"
CLICKHOUSE_READY_TIMEOUT="${SUBMERGE_CLICKHOUSE_READY_TIMEOUT:-60}"
CLICKHOUSE_MAIN="services/clickhouse-local/main.ts"

_clickhouse_url() { printf 'http://127.0.0.1:%s' "$CLICKHOUSE_PORT"; }
_clickhouse_query() { curl -fsS --max-time 10 --data-binary "$1" "$(_clickhouse_url)/"; }
# Ready means the HTTP side answers AND the engine runs a real query.
_clickhouse_ready() {
  curl -fsS -o /dev/null --max-time 5 "$(_clickhouse_url)/ping" && _clickhouse_query 'SELECT version()' >/dev/null
}

clickhouse_install() {
  project_node >/dev/null
  [[ -f "$REPO_DIR/node_modules/chdb/package.json" ]] \
    || die "clickhouse: node_modules/chdb missing: run 'npm ci' (it installs the chDB engine)"
  compgen -G "$REPO_DIR/node_modules/@chdb/lib-*/libchdb.so" >/dev/null \
    || die "clickhouse: no libchdb for this platform under node_modules/@chdb (chdb ships linux/macOS x64/arm64 only): run 'npm ci'"
}

clickhouse_is_up() { is_running clickhouse && _clickhouse_ready; }

clickhouse_start() {
  if port_open "$CLICKHOUSE_PORT"; then
    die "clickhouse: port $CLICKHOUSE_PORT is taken by a process infra/local did not start"
  fi
  mkdir -p "$CLICKHOUSE_DATA"
  log "starting clickhouse-local (chDB) on 127.0.0.1:$CLICKHOUSE_PORT, data in $CLICKHOUSE_DATA"
  local t0 node
  t0="$(date +%s%N)"
  node="$(project_node)"
  # From the repo so `--import tsx` resolves. TZ pins the engine's server time zone, as in
  # compose. Each running query holds a libuv worker, so the pool is sized above its default 4
  # to keep short queries from queueing behind long ones.
  (cd "$REPO_DIR" && start_daemon clickhouse env TZ=UTC UV_THREADPOOL_SIZE=16 \
    "$node" --import tsx "$CLICKHOUSE_MAIN" --port "$CLICKHOUSE_PORT" --data-dir "$CLICKHOUSE_DATA")
  wait_until clickhouse "$CLICKHOUSE_READY_TIMEOUT" _clickhouse_ready
  log "clickhouse ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

clickhouse_write_env() { set_env SUBMERGE_CLICKHOUSE_URL "$(_clickhouse_url)"; }

clickhouse_stop() {
  if is_running clickhouse; then log "stopping clickhouse (pid $(cat "$(pid_file clickhouse)"))"; fi
  stop_daemon clickhouse
  unset_env SUBMERGE_CLICKHOUSE_URL
}

clickhouse_status() {
  local version
  if clickhouse_is_up && version="$(_clickhouse_query 'SELECT version()')"; then
    printf '%-11s %-6s %-22s %-7s %s\n' clickhouse up "chdb-$version" "$CLICKHOUSE_PORT" \
      "$(cat "$(pid_file clickhouse)")"
  else
    printf '%-11s %-6s %-22s %-7s %s\n' clickhouse down - "$CLICKHOUSE_PORT" -
    return 1
  fi
}
