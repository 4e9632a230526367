# Apache Kafka broker for local runs and tests: one KRaft node in combined mode
# (broker + controller) on 127.0.0.1, built from Maven Central jars (no tarball, no Docker).
# Sourced by infra/local/{up,down,status} after lib.sh.
#
# Version: 4.1.x. kafkajs 2.2.4 negotiates API versions through ApiVersions and only uses
# versions that Kafka 4 still serves (KIP-896 removed the oldest ones), so no 3.9 fallback is
# needed; test/integration/infra/kafka.int.spec.ts proves groups, rebalances and transactions.

KAFKA_VERSION=4.1.2
KAFKA_SCALA=2.13
# The broker's POM declares slf4j-api but no binding; these complete its logging.
KAFKA_LOG4J_VERSION=2.24.3
KAFKA_SLF4J_VERSION=2.0.17
KAFKA_PORT=19092
KAFKA_CONTROLLER_PORT=19093
KAFKA_HOME="$SUBMERGE_CACHE/kafka/$KAFKA_VERSION"
KAFKA_DATA="$SUBMERGE_RUN/kafka"
KAFKA_HEAP_OPTS="${SUBMERGE_KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
KAFKA_READY_TIMEOUT="${SUBMERGE_KAFKA_READY_TIMEOUT:-120}"

_kafka_brokers() { printf '127.0.0.1:%s' "$KAFKA_PORT"; }

# A throwaway pom whose only job is to let Maven resolve the broker's runtime closure from the
# published POMs (exclusions, version mediation) instead of us chasing it by hand.
_kafka_write_pom() {
  cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.submerge</groupId>
  <artifactId>kafka-broker-classpath</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <repositories>
    <repository><id>central</id><url>$MAVEN_CENTRAL</url></repository>
  </repositories>
  <pluginRepositories>
    <pluginRepository><id>central</id><url>$MAVEN_CENTRAL</url></pluginRepository>
  </pluginRepositories>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_$KAFKA_SCALA</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <!-- Declared directly so Maven's nearest-wins picks the 2.x API the slf4j2 binding needs
         (the broker POM names 1.7.36; 2.x is a drop-in for 1.7 callers). -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-api</artifactId>
      <version>$KAFKA_SLF4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j2-impl</artifactId>
      <version>$KAFKA_LOG4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>$KAFKA_LOG4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
}

kafka_install() {
  [[ -f "$KAFKA_HOME/.installed" ]] && return 0
  command -v java >/dev/null || die "kafka needs a Java 17+ runtime (java not on PATH)"
  command -v mvn >/dev/null || die "kafka install needs Maven (mvn not on PATH) to resolve the broker jars"
  log "installing kafka $KAFKA_VERSION jars into $KAFKA_HOME"
  mkdir -p "$KAFKA_HOME"
  _kafka_write_pom "$KAFKA_HOME/pom.xml"
  rm -rf "$KAFKA_HOME/libs.part"
  # The local repository is lib.sh's maven cache (same layout), so jars are fetched only once.
  if ! mvn -B -Dstyle.color=never -f "$KAFKA_HOME/pom.xml" \
    -Dmaven.repo.local="$SUBMERGE_CACHE/maven" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs.part" >"$KAFKA_HOME/install.log" 2>&1; then
    tail -n 30 "$KAFKA_HOME/install.log" >&2
    die "kafka: resolving the broker jars with Maven failed; log: $KAFKA_HOME/install.log"
  fi
  [[ -f "$KAFKA_HOME/libs.part/kafka_$KAFKA_SCALA-$KAFKA_VERSION.jar" ]] \
    || die "kafka: kafka_$KAFKA_SCALA-$KAFKA_VERSION.jar missing after resolution"
  rm -rf "$KAFKA_HOME/libs"
  mv "$KAFKA_HOME/libs.part" "$KAFKA_HOME/libs"
  touch "$KAFKA_HOME/.installed"
}

# _kafka_java HEAP_OPTS -> KAFKA_JAVA (an array, so start_daemon can exec it directly).
_kafka_java() {
  # shellcheck disable=SC2206 # heap options are a word list on purpose
  KAFKA_JAVA=(java $1
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true
    -Dlog4j2.configurationFile="$INFRA_LOCAL_DIR/kafka/log4j2.properties"
    -cp "$KAFKA_HOME/libs/*")
}

_kafka_render_config() {
  sed -e "s|@DATA_DIR@|$KAFKA_DATA|g" -e "s|@PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    "$INFRA_LOCAL_DIR/kafka/server.properties" >"$KAFKA_DATA/server.properties"
}

# Format the log dir once; later starts reuse the cluster (topics and offsets survive restarts).
_kafka_format_once() {
  [[ -f "$KAFKA_DATA/logs/meta.properties" ]] && return 0
  local cluster_id flog="$KAFKA_DATA/format.log"
  _kafka_java -Xmx128m
  cluster_id="$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid 2>"$flog" | tail -n 1)"
  [[ -n "$cluster_id" ]] || die "kafka: could not generate a cluster id; log: $flog"
  log "kafka: formatting storage (cluster $cluster_id) in $KAFKA_DATA/logs"
  "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --standalone \
    -t "$cluster_id" -c "$KAFKA_DATA/server.properties" >>"$flog" 2>&1 \
    || die "kafka: storage format failed; log: $flog"
}

_kafka_metadata_ready() {
  "$(project_node)" "$INFRA_LOCAL_DIR/kafka/metadata-probe.js" "$(_kafka_brokers)"
}

kafka_is_up() { is_running kafka && _kafka_metadata_ready >/dev/null 2>&1; }

kafka_start() {
  if is_running kafka; then
    die "kafka (pid $(cat "$(pid_file kafka)")) runs but does not answer; see $(log_file kafka) or run infra/local/down kafka"
  fi
  if port_open "$KAFKA_PORT" || port_open "$KAFKA_CONTROLLER_PORT"; then
    die "kafka: port $KAFKA_PORT or $KAFKA_CONTROLLER_PORT is taken by a process infra/local did not start"
  fi
  mkdir -p "$KAFKA_DATA"
  _kafka_render_config
  _kafka_format_once
  log "starting kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
  local t0=$SECONDS
  _kafka_java "$KAFKA_HEAP_OPTS"
  start_daemon kafka "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_DATA/server.properties"
  # In a subshell so a failed wait can still stop what we started before dying.
  if ! (wait_until kafka "$KAFKA_READY_TIMEOUT" _kafka_metadata_ready); then
    stop_daemon kafka
    die "kafka did not become ready; log: $(log_file kafka)"
  fi
  log "kafka ready in $((SECONDS - t0))s"
}

kafka_write_env() { set_env SUBMERGE_KAFKA_BROKERS "$(_kafka_brokers)"; }

kafka_stop() {
  if is_running kafka; then log "stopping kafka (pid $(cat "$(pid_file kafka)"))"; fi
  stop_daemon kafka
  unset_env SUBMERGE_KAFKA_BROKERS
}

kafka_status() {
  if kafka_is_up; then
    printf '%-11s %-6s %-22s %-7s %s\n' kafka up "$KAFKA_VERSION" "$KAFKA_PORT" "$(cat "$(pid_file kafka)")"
  else
    printf '%-11s %-6s %-22s %-7s %s\n' kafka down "$KAFKA_VERSION" "$KAFKA_PORT" -
    return 1
  fi
}
