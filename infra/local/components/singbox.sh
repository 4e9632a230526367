# shellcheck shell=bash
# Proxy cores built from their Go modules through the Go module proxy (no prebuilt binaries can
# be fetched here): sing-box (required) and mihomo (optional). Nothing runs as a daemon: tests and
# the prober start their own short-lived processes, so "up" means "the binary exists and runs".
#
# Versions are pinned, not resolved at run time, so every machine builds the same binary.
# - sing-box: newest stable v1.x served by the proxy (`go list -m -versions` lists v1.14.1).
# - mihomo: the proxy here refuses its version list (403) and serves tags up to v1.19.30
#   (v1.19.31+ answer "This module version is not available"), so v1.19.30 is pinned.
# Override with SUBMERGE_SINGBOX_VERSION / SUBMERGE_MIHOMO_VERSION.

SINGBOX_MODULE=github.com/sagernet/sing-box
SINGBOX_VERSION="${SUBMERGE_SINGBOX_VERSION:-v1.14.1}"
# Subset of the release's DEFAULT_BUILD_TAGS that probing and config validation need: QUIC
# (hysteria, hysteria2, tuic), uTLS (also enables Reality), Clash API (delay probes), gVisor.
# badlinkname + tfogo_checklinkname0 go with -checklinkname=0 from release/LDFLAGS.
# with_wireguard is NOT in the default set: v1.14.x requires github.com/sagernet/wireguard-go
# v0.0.6 (v1.14.0: a v0.0.5 pseudo-version), which the proxy here refuses ("This module version
# is not available"); the served v0.0.4 lacks the API 1.14 calls (SetSinglePeerMode,
# LookupActivePeer, ...). Without the tag, `sing-box check` still decodes a wireguard endpoint's
# options and then fails with "WireGuard is not included in this build". Where the proxy serves
# the dependency (or for v1.13.12, whose whole graph is served here) add it back with
# SUBMERGE_SINGBOX_TAGS="$SINGBOX_TAGS,with_wireguard".
# Left out on purpose: tailscale, ccm/ocm, cloudflared, naive (needs libcronet), acme, dhcp,
# usbip, openvpn, openconnect.
SINGBOX_TAGS="${SUBMERGE_SINGBOX_TAGS:-with_gvisor,with_quic,with_utls,with_clash_api,badlinkname,tfogo_checklinkname0}"
# Tags `sing-box version` must report for a cached binary to be reused.
read -r -a SINGBOX_REQUIRED_TAGS <<<"$(tr ',' ' ' <<<"${SINGBOX_TAGS//badlinkname/}" | sed 's/tfogo_checklinkname0//')"

MIHOMO_MODULE=github.com/metacubex/mihomo
MIHOMO_VERSION="${SUBMERGE_MIHOMO_VERSION:-v1.19.30}"
MIHOMO_TAGS="with_gvisor"

# Used only when no usable `go` is installed: the toolchain is itself a module on the proxy.
GO_FALLBACK_TOOLCHAIN="${SUBMERGE_GO_TOOLCHAIN:-go1.26.8}"
# The whole machine has 2 cores shared by a team: never let a build take more.
GO_BUILD_JOBS="${SUBMERGE_GO_BUILD_JOBS:-2}"

SUBMERGE_GO="$SUBMERGE_CACHE/go"
CORES_BIN_DIR="$SUBMERGE_CACHE/bin"

singbox_bin() { printf '%s/sing-box-%s' "$CORES_BIN_DIR" "${SINGBOX_VERSION#v}"; }
mihomo_bin() { printf '%s/mihomo-%s' "$CORES_BIN_DIR" "${MIHOMO_VERSION#v}"; }

# go_cmd ARGS...: run go with module, build and GOPATH caches kept in $SUBMERGE_CACHE/go.
go_cmd() {
  GOPATH="$SUBMERGE_GO/path" GOMODCACHE="$SUBMERGE_GO/mod" GOCACHE="$SUBMERGE_GO/cache" \
    GOFLAGS="-buildvcs=false" GOTOOLCHAIN="${SUBMERGE_GOTOOLCHAIN:-auto}" CGO_ENABLED=0 \
    GOMAXPROCS="$GO_BUILD_JOBS" "${GO_RESOLVED:?go_cmd before singbox_install resolved go}" "$@"
}

# go_binary: an installed go >= 1.21 (it fetches a newer toolchain itself when a go.mod asks for
# one), else a toolchain unpacked from the golang.org/toolchain module on the proxy.
go_binary() {
  local candidate v
  for candidate in "${SUBMERGE_GO_BIN:-}" "$(command -v go || true)" /usr/local/go/bin/go; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    v="$("$candidate" env GOVERSION 2>/dev/null || true)"
    if [[ "$v" =~ ^go1\.([0-9]+) ]] && ((BASH_REMATCH[1] >= 21)); then
      printf '%s' "$candidate"
      return 0
    fi
  done
  go_fallback_toolchain
}

go_fallback_toolchain() {
  local os arch zip dir proxy
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  dir="$SUBMERGE_GO/toolchain/$GO_FALLBACK_TOOLCHAIN.$os-$arch"
  if [[ ! -x "$dir/bin/go" ]]; then
    proxy="${GOPROXY:-https://proxy.golang.org}"
    proxy="${proxy%%,*}"
    [[ "$proxy" == direct || "$proxy" == off ]] && proxy=https://proxy.golang.org
    zip="$SUBMERGE_GO/toolchain/$GO_FALLBACK_TOOLCHAIN.$os-$arch.zip"
    download "$proxy/golang.org/toolchain/@v/v0.0.1-$GO_FALLBACK_TOOLCHAIN.$os-$arch.zip" "$zip" >&2
    rm -rf "$dir.part" && mkdir -p "$dir.part"
    unzip -q "$zip" -d "$dir.part" >&2 || die "singbox: cannot unpack Go toolchain $zip"
    mv "$dir.part/golang.org/toolchain@v0.0.1-$GO_FALLBACK_TOOLCHAIN.$os-$arch" "$dir"
    rm -rf "$dir.part"
    chmod +x "$dir/bin/"* "$dir/pkg/tool/"*/* 2>/dev/null || true
  fi
  printf '%s' "$dir/bin/go"
}

# singbox_binary_ok BIN: runs and reports every required build tag.
singbox_binary_ok() {
  local out tag
  [[ -x "$1" ]] || return 1
  out="$("$1" version 2>/dev/null)" || return 1
  for tag in "${SINGBOX_REQUIRED_TAGS[@]}"; do
    [[ "$out" == *"$tag"* ]] || return 1
  done
}

mihomo_binary_ok() { [[ -x "$1" ]] && "$1" -v >/dev/null 2>&1; }

singbox_build() {
  local bin tmp blog ver="${SINGBOX_VERSION#v}" started=$SECONDS
  bin="$(singbox_bin)"
  blog="$(log_file singbox-build)"
  tmp="$SUBMERGE_GO/gobin.singbox"
  log "building sing-box $SINGBOX_VERSION from $SINGBOX_MODULE (tags $SINGBOX_TAGS, -p $GO_BUILD_JOBS); log: $blog"
  rm -rf "$tmp" && mkdir -p "$tmp"
  # go install pkg@version builds in module mode from the proxy; sing-box's go.mod has no replace
  # directives, so this is the whole recipe.
  if ! GOBIN="$tmp" go_cmd install -p "$GO_BUILD_JOBS" -trimpath -tags "$SINGBOX_TAGS" \
    -ldflags "-s -w -buildid= -X github.com/sagernet/sing-box/constant.Version=$ver -X runtime.godebugDefault=multipathtcp=0,tlssha1=1 -checklinkname=0" \
    "$SINGBOX_MODULE/cmd/sing-box@$SINGBOX_VERSION" >"$blog" 2>&1; then
    tail -n 30 "$blog" >&2 || true
    die "singbox: building sing-box $SINGBOX_VERSION failed; log: $blog"
  fi
  mv -f "$tmp/sing-box" "$bin"
  rm -rf "$tmp"
  singbox_binary_ok "$bin" || die "singbox: built $bin does not run or lacks tags ${SINGBOX_REQUIRED_TAGS[*]}; log: $blog"
  log "sing-box $SINGBOX_VERSION built in $((SECONDS - started))s"
}

# mihomo's go.mod carries a replace directive (google.golang.org/protobuf => metacubex fork), which
# `go install pkg@version` refuses. So: fetch its module zip from the proxy, copy the source to a
# writable dir, and `go build` there, where its own go.mod (and the replace) applies.
mihomo_build() {
  local bin blog src work info build_time started=$SECONDS
  bin="$(mihomo_bin)"
  blog="$(log_file mihomo-build)"
  log "building mihomo $MIHOMO_VERSION from $MIHOMO_MODULE (tags $MIHOMO_TAGS, -p $GO_BUILD_JOBS); log: $blog"
  : >"$blog"
  info="$(cd "$SUBMERGE_GO" && go_cmd mod download -json "$MIHOMO_MODULE@$MIHOMO_VERSION" 2>>"$blog")" || {
    printf '%s\n' "$info" >>"$blog"
    MIHOMO_FAILURE="go mod download $MIHOMO_MODULE@$MIHOMO_VERSION failed: $(tail -n 3 "$blog" | tr '\n' ' ')"
    return 1
  }
  src="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")"
  [[ -d "$src" ]] || {
    MIHOMO_FAILURE="go mod download gave no source dir: $info"
    return 1
  }
  # Build time from the tag's commit time, so the binary does not change between rebuilds.
  build_time="$(sed -n 's/^[[:space:]]*"Info": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")"
  build_time="$(grep -o '"Time": *"[^"]*"' "$build_time" 2>/dev/null | sed 's/.*"\([^"]*\)"$/\1/' || true)"
  work="$SUBMERGE_GO/build/mihomo-$MIHOMO_VERSION"
  rm -rf "$work" && mkdir -p "$(dirname "$work")"
  cp -r "$src" "$work" && chmod -R u+w "$work"
  if ! (cd "$work" && go_cmd build -p "$GO_BUILD_JOBS" -trimpath -tags "$MIHOMO_TAGS" \
    -ldflags "-s -w -buildid= -X 'github.com/metacubex/mihomo/constant.Version=$MIHOMO_VERSION' -X 'github.com/metacubex/mihomo/constant.BuildTime=${build_time:-unknown}'" \
    -o "$bin.part" .) >>"$blog" 2>&1; then
    MIHOMO_FAILURE="go build in $work failed: $(tail -n 5 "$blog" | tr '\n' ' ')"
    return 1
  fi
  mv -f "$bin.part" "$bin"
  rm -rf "$work"
  mihomo_binary_ok "$bin" || {
    MIHOMO_FAILURE="built $bin does not run '-v'"
    return 1
  }
  log "mihomo $MIHOMO_VERSION built in $((SECONDS - started))s"
}

singbox_install() {
  mkdir -p "$CORES_BIN_DIR" "$SUBMERGE_GO"
  GO_RESOLVED="$(go_binary)" || die "singbox: no Go toolchain (installed or from the module proxy)"
  # Two concurrent `up` runs must not build into the same paths.
  exec {lock_fd}>"$CORES_BIN_DIR/.proxy-cores.lock"
  flock "$lock_fd"
  singbox_binary_ok "$(singbox_bin)" || singbox_build
  ln -sfn "$(basename "$(singbox_bin)")" "$CORES_BIN_DIR/sing-box"
  if ! mihomo_binary_ok "$(mihomo_bin)"; then
    MIHOMO_FAILURE=""
    if mihomo_build; then
      :
    else
      rm -f "$(mihomo_bin).part"
      log "################################################################################"
      log "WARNING: mihomo $MIHOMO_VERSION could not be built; continuing without it."
      log "reason: $MIHOMO_FAILURE"
      log "log: $(log_file mihomo-build)"
      log "################################################################################"
    fi
  fi
  if mihomo_binary_ok "$(mihomo_bin)"; then
    ln -sfn "$(basename "$(mihomo_bin)")" "$CORES_BIN_DIR/mihomo"
  fi
  flock -u "$lock_fd"
  exec {lock_fd}>&-
}

singbox_is_up() { singbox_binary_ok "$(singbox_bin)"; }

# Nothing to start: is_up is false only when install did not produce a working binary.
singbox_start() {
  singbox_is_up || die "singbox: $(singbox_bin) missing or not runnable; log: $(log_file singbox-build)"
}

singbox_write_env() {
  set_env SUBMERGE_SINGBOX_BIN "$(singbox_bin)"
  if mihomo_binary_ok "$(mihomo_bin)"; then
    set_env SUBMERGE_MIHOMO_BIN "$(mihomo_bin)"
  else
    unset_env SUBMERGE_MIHOMO_BIN
  fi
}

singbox_stop() { :; }

singbox_status() {
  local fmt='%-11s %-6s %-22s %-7s %s\n' rc=0
  if singbox_is_up; then
    printf "$fmt" singbox up "$("$(singbox_bin)" version | sed -n '1s/^sing-box version //p')" - -
  else
    printf "$fmt" singbox down "${SINGBOX_VERSION#v}" - -
    rc=1
  fi
  # mihomo is optional: reported, but its absence does not make the stack "down".
  if mihomo_binary_ok "$(mihomo_bin)"; then
    printf "$fmt" mihomo up "$("$(mihomo_bin)" -v | awk 'NR==1 {sub(/^v/, "", $3); print $3}')" - -
  else
    printf "$fmt" mihomo down "${MIHOMO_VERSION#v}" - -
  fi
  return "$rc"
}
