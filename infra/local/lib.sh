# Shared helpers for infra/local. Sourced, never run.
# Layout: everything installed lives in $SUBMERGE_CACHE (outside the repo, survives clones);
# everything a running component writes (pid, log, data) lives in $SUBMERGE_RUN.
set -euo pipefail

INFRA_LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$INFRA_LOCAL_DIR/../.." && pwd)"
SUBMERGE_CACHE="${SUBMERGE_CACHE:-$HOME/.cache/submerge}"
SUBMERGE_RUN="${SUBMERGE_RUN:-$SUBMERGE_CACHE/run}"
SUBMERGE_ENV_FILE="${SUBMERGE_ENV_FILE:-$SUBMERGE_RUN/local.env}"
MAVEN_CENTRAL="${SUBMERGE_MAVEN_CENTRAL:-https://repo1.maven.org/maven2}"
# Components in start order; each has infra/local/components/<name>.sh.
ALL_COMPONENTS=(kafka registry clickhouse singbox librdkafka)

mkdir -p "$SUBMERGE_CACHE" "$SUBMERGE_RUN"

log() { printf '[infra/local] %s\n' "$*" >&2; }
die() { printf '[infra/local] ERROR: %s\n' "$*" >&2; exit 1; }

# The project's own Node 24 (from the npm registry), never the system one.
project_node() {
  local n="$REPO_DIR/node_modules/.bin/node"
  [[ -x "$n" ]] || die "node_modules/.bin/node missing: run 'npm ci' first"
  printf '%s' "$n"
}

# download URL DEST: fetch once into the cache, atomically, with retries.
download() {
  local url="$1" dest="$2"
  [[ -s "$dest" ]] && return 0
  mkdir -p "$(dirname "$dest")"
  log "downloading $url"
  curl -fsSL --retry 4 --retry-delay 2 --connect-timeout 20 -o "$dest.part" "$url" \
    || die "download failed: $url"
  mv "$dest.part" "$dest"
}

# maven_jar GROUP ARTIFACT VERSION [CLASSIFIER] [EXT] -> prints the cached path.
maven_artifact() {
  local group="$1" artifact="$2" version="$3" classifier="${4:-}" ext="${5:-jar}"
  local file="$artifact-$version${classifier:+-$classifier}.$ext"
  local dest="$SUBMERGE_CACHE/maven/${group//.//}/$artifact/$version/$file"
  download "$MAVEN_CENTRAL/${group//.//}/$artifact/$version/$file" "$dest"
  printf '%s' "$dest"
}

pid_file() { printf '%s/%s.pid' "$SUBMERGE_RUN" "$1"; }
log_file() { printf '%s/%s.log' "$SUBMERGE_RUN" "$1"; }

# is_running NAME: true when the pid we recorded is alive.
is_running() {
  local pf; pf="$(pid_file "$1")"
  [[ -f "$pf" ]] && kill -0 "$(cat "$pf")" 2>/dev/null
}

# start_daemon NAME CMD...: start in its own session, record the pid.
start_daemon() {
  local name="$1"; shift
  local lf; lf="$(log_file "$name")"
  : >"$lf"
  setsid "$@" >>"$lf" 2>&1 < /dev/null &
  echo $! >"$(pid_file "$name")"
}

# stop_daemon NAME: TERM the process group we started, then KILL after a grace period.
stop_daemon() {
  local name="$1" pf pid
  pf="$(pid_file "$name")"
  [[ -f "$pf" ]] || return 0
  pid="$(cat "$pf")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pf"
}

# wait_until NAME TIMEOUT_S CHECK...: poll CHECK until it succeeds; on timeout or death, fail
# naming the component and its log.
wait_until() {
  local name="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! is_running "$name"; then
      tail -n 40 "$(log_file "$name")" >&2 || true
      die "$name exited before it was ready; log: $(log_file "$name")"
    fi
    if (( SECONDS >= deadline )); then
      tail -n 40 "$(log_file "$name")" >&2 || true
      die "$name not ready after ${timeout}s; log: $(log_file "$name")"
    fi
    sleep 1
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# set_env KEY VALUE: record an endpoint in the env file the tests read.
set_env() {
  local key="$1" value="$2" tmp
  touch "$SUBMERGE_ENV_FILE"
  tmp="$(mktemp)"
  grep -v "^$key=" "$SUBMERGE_ENV_FILE" >"$tmp" || true
  printf '%s=%s\n' "$key" "$value" >>"$tmp"
  mv "$tmp" "$SUBMERGE_ENV_FILE"
}
unset_env() {
  local key="$1" tmp
  [[ -f "$SUBMERGE_ENV_FILE" ]] || return 0
  tmp="$(mktemp)"
  grep -v "^$key=" "$SUBMERGE_ENV_FILE" >"$tmp" || true
  mv "$tmp" "$SUBMERGE_ENV_FILE"
}

load_component() {
  local c="$1"
  [[ -f "$INFRA_LOCAL_DIR/components/$c.sh" ]] || die "unknown component '$c' (known: ${ALL_COMPONENTS[*]})"
  # shellcheck source=/dev/null
  source "$INFRA_LOCAL_DIR/components/$c.sh"
}

selected_components() {
  if (( $# == 0 )); then printf '%s\n' "${ALL_COMPONENTS[@]}"; else printf '%s\n' "$@"; fi
}
