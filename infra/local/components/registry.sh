# Schema registry for local runs and tests: Apicurio Registry 3.3 (the ready-to-run Quarkus
# app from Maven Central), whose /apis/ccompat/v7 API is the Confluent Schema Registry API that
# @kafkajs/confluent-schema-registry speaks. Production and compose use Confluent's registry.
# Sourced by infra/local/{up,down,status} after lib.sh.

REGISTRY_VERSION=3.3.3
REGISTRY_PORT=18081
# Quarkus serves health and metrics on a separate management port (default 9000, a common clash).
REGISTRY_MANAGEMENT_PORT=18082
REGISTRY_HOME="$SUBMERGE_CACHE/apicurio-registry/$REGISTRY_VERSION"
REGISTRY_DATA="$SUBMERGE_RUN/registry"
REGISTRY_HEAP_OPTS="${SUBMERGE_REGISTRY_HEAP_OPTS:--Xms128m -Xmx512m}"
REGISTRY_READY_TIMEOUT="${SUBMERGE_REGISTRY_READY_TIMEOUT:-180}"
REGISTRY_COMPATIBILITY=BACKWARD

# Apicurio 3.3 is compiled for Java 21 (class file 65); the machine default here is Java 17, which
# stays the one Kafka uses. This picks the first runtime >= 21: $SUBMERGE_REGISTRY_JAVA_HOME,
# $JAVA_HOME, `java` on PATH, then any JDK under /usr/lib/jvm (this machine kind ships Temurin 25).
_java_feature_version() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}
_registry_java() {
  local candidate v
  for candidate in \
    ${SUBMERGE_REGISTRY_JAVA_HOME:+"$SUBMERGE_REGISTRY_JAVA_HOME/bin/java"} \
    ${JAVA_HOME:+"$JAVA_HOME/bin/java"} \
    "$(command -v java || true)" \
    /usr/lib/jvm/*/bin/java; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    v="$(_java_feature_version "$candidate")"
    if [[ "$v" =~ ^[0-9]+$ ]] && (( v >= 21 )); then printf '%s' "$candidate"; return 0; fi
  done
  return 1
}

_registry_base() { printf 'http://127.0.0.1:%s' "$REGISTRY_PORT"; }
_registry_ccompat() { printf '%s/apis/ccompat/v7' "$(_registry_base)"; }

registry_install() {
  _registry_java >/dev/null \
    || die "registry: Apicurio $REGISTRY_VERSION needs a Java 21+ runtime; none found (set SUBMERGE_REGISTRY_JAVA_HOME)"
  [[ -f "$REGISTRY_HOME/quarkus-run.jar" ]] && return 0
  local tgz
  tgz="$(maven_artifact io.apicurio apicurio-registry-app "$REGISTRY_VERSION" all tar.gz)"
  log "unpacking apicurio registry $REGISTRY_VERSION into $REGISTRY_HOME"
  rm -rf "$REGISTRY_HOME.part"
  mkdir -p "$REGISTRY_HOME.part"
  tar -xzf "$tgz" -C "$REGISTRY_HOME.part" || die "registry: cannot unpack $tgz"
  [[ -f "$REGISTRY_HOME.part/quarkus-run.jar" ]] || die "registry: quarkus-run.jar missing in $tgz"
  rm -rf "$REGISTRY_HOME"
  mv "$REGISTRY_HOME.part" "$REGISTRY_HOME"
}

_registry_subjects_ok() { curl -fsS -o /dev/null --max-time 5 "$(_registry_ccompat)/subjects"; }

registry_is_up() { is_running registry && _registry_subjects_ok; }

registry_start() {
  if is_running registry; then
    die "registry (pid $(cat "$(pid_file registry)")) runs but does not answer; see $(log_file registry) or run infra/local/down registry"
  fi
  if port_open "$REGISTRY_PORT" || port_open "$REGISTRY_MANAGEMENT_PORT"; then
    die "registry: port $REGISTRY_PORT or $REGISTRY_MANAGEMENT_PORT is taken by a process infra/local did not start"
  fi
  mkdir -p "$REGISTRY_DATA"
  local java; java="$(_registry_java)" || die "registry: no Java 21+ runtime found"
  log "starting apicurio registry $REGISTRY_VERSION on 127.0.0.1:$REGISTRY_PORT (java: $java)"
  local t0=$SECONDS
  # The H2 database is file-backed so schema ids survive restarts, like the Kafka log that
  # carries them in every record. -D flags beat the app's application.properties.
  # Its working directory is the data dir, so nothing it might drop in cwd lands in the repo.
  # shellcheck disable=SC2086 # heap options are a word list on purpose
  (cd "$REGISTRY_DATA" && start_daemon registry "$java" $REGISTRY_HEAP_OPTS \
    -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MANAGEMENT_PORT" \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -Dapicurio.datasource.url="jdbc:h2:file:$REGISTRY_DATA/registry" \
    -Dapicurio.datasource.jdbc.initial-size=2 -Dapicurio.datasource.jdbc.min-size=2 \
    -Dapicurio.datasource.jdbc.max-size=20 \
    -Dapicurio.rules.global.compatibility="$REGISTRY_COMPATIBILITY" \
    -Dquarkus.otel.sdk.disabled=true \
    -jar "$REGISTRY_HOME/quarkus-run.jar")
  # In a subshell so a failed wait can still stop what we started before dying.
  if ! (wait_until registry "$REGISTRY_READY_TIMEOUT" _registry_subjects_ok); then
    stop_daemon registry
    die "registry did not become ready; log: $(log_file registry)"
  fi
  # The -D flag makes BACKWARD the default rule of a fresh database; the PUT also resets a
  # file-backed database whose global level was changed by hand. Idempotent.
  curl -fsS -o /dev/null --max-time 10 -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
    --data "{\"compatibility\":\"$REGISTRY_COMPATIBILITY\"}" "$(_registry_ccompat)/config" \
    || die "registry: setting global compatibility failed; log: $(log_file registry)"
  log "registry ready in $((SECONDS - t0))s"
}

registry_write_env() { set_env SUBMERGE_SCHEMA_REGISTRY_URL "$(_registry_ccompat)"; }

registry_stop() {
  if is_running registry; then log "stopping registry (pid $(cat "$(pid_file registry)"))"; fi
  stop_daemon registry
  unset_env SUBMERGE_SCHEMA_REGISTRY_URL
}

registry_status() {
  if registry_is_up; then
    printf '%-11s %-6s %-22s %-7s %s\n' registry up "apicurio-$REGISTRY_VERSION" "$REGISTRY_PORT" \
      "$(cat "$(pid_file registry)")"
  else
    printf '%-11s %-6s %-22s %-7s %s\n' registry down "apicurio-$REGISTRY_VERSION" "$REGISTRY_PORT" -
    return 1
  fi
}
