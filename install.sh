#!/usr/bin/env bash
# Installs Spur on a fresh Debian or Ubuntu server:
#   curl -fsSL https://raw.githubusercontent.com/spur-paas/spur/main/install.sh | sudo bash
# Installs Docker (if missing) and Node.js 20+, builds Spur from its repository into /opt/spur,
# starts it under systemd, and prints the URL and the one-time setup token. Spur itself then
# initialises Swarm, creates the spur-edge network and starts Traefik v3 as a Swarm service.
# Settings (environment): SPUR_REPO, SPUR_REF, SPUR_PORT, SPUR_SSH_PORT, SPUR_BASE_DOMAIN, SPUR_TRAEFIK_IMAGE.
set -euo pipefail

SPUR_REPO=${SPUR_REPO:-https://github.com/spur-paas/spur.git}
SPUR_REF=${SPUR_REF:-main}
SPUR_PORT=${SPUR_PORT:-3000}
SPUR_SSH_PORT=${SPUR_SSH_PORT:-2222}
SPUR_TRAEFIK_IMAGE=${SPUR_TRAEFIK_IMAGE:-traefik:v3.5}
PREFIX=/opt/spur
DATA_DIR=/var/lib/spur
NODE_VERSION=v20.19.5

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'spur install: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (curl … | sudo bash)"
. /etc/os-release 2>/dev/null || die "cannot read /etc/os-release"
case "${ID:-}${ID_LIKE:-}" in *debian*|*ubuntu*) ;; *) die "this installer supports Debian and Ubuntu (found ${PRETTY_NAME:-unknown})";; esac
[[ "$SPUR_PORT" =~ ^[0-9]+$ ]] || die "SPUR_PORT must be a number"
[[ "$SPUR_SSH_PORT" =~ ^[0-9]+$ ]] || die "SPUR_SSH_PORT must be a number"

export DEBIAN_FRONTEND=noninteractive
say "Installing base packages"
apt-get update -qq
apt-get install -y -qq ca-certificates curl git xz-utils python3 make g++ >/dev/null

if ! command -v docker >/dev/null 2>&1; then
  say "Installing Docker"
  apt-get install -y -qq docker.io >/dev/null
fi
systemctl enable --now docker >/dev/null
for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
docker info >/dev/null 2>&1 || die "Docker did not start; see: journalctl -u docker"

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  say "Installing Node.js $NODE_VERSION"
  arch=$(dpkg --print-architecture); case "$arch" in amd64) arch=x64;; arm64) arch=arm64;; *) die "unsupported CPU architecture $arch";; esac
  curl -fsSL "https://nodejs.org/dist/$NODE_VERSION/node-$NODE_VERSION-linux-$arch.tar.xz" | tar -xJ -C /usr/local --strip-components=1
fi

say "Building Spur ($SPUR_REF)"
if [ -d "$PREFIX/.git" ]; then
  git -C "$PREFIX" fetch --quiet origin "$SPUR_REF" && git -C "$PREFIX" checkout --quiet FETCH_HEAD
else
  git clone --quiet --branch "$SPUR_REF" -- "$SPUR_REPO" "$PREFIX"
fi
(cd "$PREFIX" && npm install --no-audit --no-fund --loglevel=error && node scripts/build.mjs && npm prune --omit=dev --loglevel=error)
ln -sf "$PREFIX/dist/spur.cjs" /usr/local/bin/spur
chmod +x "$PREFIX/dist/spur.cjs"

say "Pulling Traefik ($SPUR_TRAEFIK_IMAGE)"
docker pull -q "$SPUR_TRAEFIK_IMAGE" >/dev/null || say "could not pull $SPUR_TRAEFIK_IMAGE now; Swarm will retry"

mkdir -p "$DATA_DIR" && chmod 700 "$DATA_DIR"
cat > /etc/systemd/system/spur.service <<UNIT
[Unit]
Description=Spur platform-as-a-service
After=network-online.target docker.service
Wants=network-online.target
Requires=docker.service

[Service]
Environment=SPUR_DATA_DIR=$DATA_DIR
Environment=SPUR_PORT=$SPUR_PORT
Environment=SPUR_SSH_PORT=$SPUR_SSH_PORT
Environment=SPUR_TRAEFIK_IMAGE=$SPUR_TRAEFIK_IMAGE
${SPUR_BASE_DOMAIN:+Environment=SPUR_BASE_DOMAIN=$SPUR_BASE_DOMAIN}
ExecStart=/usr/local/bin/node $PREFIX/dist/spur.cjs serve
Restart=always
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=90

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now spur >/dev/null
systemctl restart spur

say "Waiting for Spur to answer"
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$SPUR_PORT/healthz" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "http://127.0.0.1:$SPUR_PORT/healthz" >/dev/null 2>&1 || die "Spur did not start; see: journalctl -u spur"

ip=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i=1;i<NF;i++) if ($i=="src") print $(i+1)}' | head -n1)
echo
say "Spur is running: http://${ip:-<this server>}:$SPUR_PORT"
if [ -f "$DATA_DIR/setup-token" ]; then
  echo "Open the URL and create the owner account with this one-time setup token:"
  echo
  echo "    $(cat "$DATA_DIR/setup-token")"
  echo
fi
echo "git push: ssh://git@${ip:-<this server>}:$SPUR_SSH_PORT/<project>/<service> (add your key under SSH keys)"
echo "Logs: journalctl -u spur -f"
