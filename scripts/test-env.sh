#!/usr/bin/env bash
# Installs and starts everything the test suite needs on a bare Debian 12 machine (idempotent):
# Debian packages, a running Docker daemon with an active single-node Swarm, and locally made
# base images (nothing can be pulled from a registry on the test machines).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test-env] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
# The machine's own Debian mirror, as apt reads it: the first URI of a deb822 source whose suites
# include bookworm, else the first "deb" line of sources.list (never a host written here).
debian_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN{RS=""} /(^|\n)Suites:[^\n]*bookworm( |\n|$)/ && /(^|\n)Types:[^\n]*deb( |\n|$)/ {
      if (match($0, /(^|\n)URIs: *[^ \n]+/)) { u=substr($0, RSTART, RLENGTH); sub(/^\n?URIs: */, "", u); print u; exit } }' "$f"
  done | head -n1 | grep . && return
  [ -f /etc/apt/sources.list ] && awk '$1=="deb" { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list
}

packages=(docker.io debootstrap chromium git openssh-client openssh-server openssl iproute2 procps gcc libc6-dev pebble docker-registry apache2-utils)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A dockerd that is still starting or stopping gets a minute to finish first.
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && break
  pgrep -x dockerd >/dev/null || break
  sleep 1
done
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  as_root bash -c 'setsid nohup /usr/sbin/dockerd >/var/log/spur-test-dockerd.log 2>&1 < /dev/null &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start; see /var/log/spur-test-dockerd.log"; tail -20 /var/log/spur-test-dockerd.log; exit 1; }
fi

if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
  addr=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i=1;i<NF;i++) if ($i=="src") print $(i+1)}' | head -n1)
  [ -n "$addr" ] || addr=$(hostname -I | awk '{print $1}')
  log "initialising swarm on $addr"
  docker swarm init --advertise-addr "$addr" >/dev/null
fi

# Base image for test apps: Debian minbase + Node 18 from Debian's packages.
base=spur-test/node:bookworm
if ! docker image inspect "$base" >/dev/null 2>&1; then
  log "making $base with debootstrap (about a minute)"
  rootfs=$(mktemp -d /tmp/spur-rootfs.XXXXXX)
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { log "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"; exit 1; }
  as_root debootstrap --variant=minbase --include=nodejs bookworm "$rootfs" "$mirror" >/tmp/spur-debootstrap.log 2>&1 \
    || { tail -20 /tmp/spur-debootstrap.log; exit 1; }
  as_root tar -C "$rootfs" -c . | docker import --change 'CMD ["node"]' - "$base" >/dev/null
  as_root rm -rf "$rootfs"
fi
# A Debian system container with systemd as PID 1, where test/install.test.ts runs install.sh.
systemd_image=spur-test/systemd:bookworm-1
if ! docker image inspect "$systemd_image" >/dev/null 2>&1; then
  log "making $systemd_image"
  printf '%s\n' "FROM $base" \
    'RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd systemd-sysv curl ca-certificates iproute2 procps sudo >/dev/null && rm -rf /var/lib/apt/lists/*' \
    | docker build -q -t "$systemd_image" - >/dev/null
fi
# Stand-ins for official database images, under their official names (test/fixtures/images/*):
# made again when their recipe changes.
# The build stacks' base images (test/build-stacks.test.ts) are stand-ins too: one image each,
# tagged with every name the tests' apps ask for. Each build context also gets this machine's CA
# bundle (the node stand-in trusts it, so npm reaches its registry from inside builds).
stand_ins=(postgres:17=postgres mariadb:11=mariadb redis:7=redis node:22-slim=node python:3.13-slim=python golang:1.19=golang gcr.io/distroless/static-debian12=distroless busybox:1.37=busybox)
for entry in "${stand_ins[@]}"; do
  image=${entry%%=*}
  dir=test/fixtures/images/${entry#*=}
  recipe=$(cat "$dir"/* | sha256sum | cut -c1-16)
  if [ "$(docker image inspect -f '{{index .Config.Labels "spur.test.recipe"}}' "$image" 2>/dev/null)" != "$recipe" ]; then
    log "making stand-in $image from Debian's packages (about a minute)"
    context=$(mktemp -d /tmp/spur-stand-in.XXXXXX)
    cp -r "$dir"/. "$context"/ && cp /etc/ssl/certs/ca-certificates.crt "$context"/
    docker build -q --label "spur.test.recipe=$recipe" --build-arg "BASE=$base" -t "$image" "$context" >/dev/null
    rm -rf "$context"
  fi
done
log "ready: docker $(docker version --format '{{.Server.Version}}'), swarm active, $base, $systemd_image and ${stand_ins[*]%%=*} present"
