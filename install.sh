#!/usr/bin/env bash
# Installs Spur on a Debian or Ubuntu server, or upgrades it in place (data kept):
#   curl -fsSL https://raw.githubusercontent.com/spur-paas/spur/main/install.sh | sudo bash
# Downloads the single executable of the release, checks its SHA-256 before running it, installs
# Docker if missing, writes a hardened systemd unit and an environment file, starts Spur, waits
# until it answers, and prints the URL and the one-time setup token.
# Settings (environment): SPUR_VERSION (default: latest), SPUR_DOWNLOAD_URL (a mirror of the
# release layout), SPUR_BINARY (a local executable, with its .sha256 beside it: offline install),
# and the settings of the README's configuration table (written to /etc/spur/spur.env).
set -euo pipefail

ARTIFACT=spur-linux-x64
DATA_DIR=/var/lib/spur
ENV_FILE=/etc/spur/spur.env
UNIT_FILE=/etc/systemd/system/spur.service
SPUR_VERSION=${SPUR_VERSION:-latest}
DOWNLOAD_URL=${SPUR_DOWNLOAD_URL:-https://github.com/spur-paas/spur/releases}
SETTINGS=(SPUR_PORT SPUR_SSH_PORT SPUR_HOST SPUR_SSH_HOST SPUR_PUBLIC_URL SPUR_BASE_DOMAIN SPUR_TRAEFIK SPUR_TRAEFIK_IMAGE
  SPUR_KEEP_IMAGES SPUR_BUILD_TIMEOUT SPUR_SSH_AUTH_TIMEOUT SPUR_GIT_ALLOW_PRIVATE SPUR_GIT_CA_FILE
  SPUR_BACKUP_KEEP SPUR_UPDATE_CHECK SPUR_DOWNLOAD_URL SPUR_PUBLIC_IP SPUR_ACME_DIRECTORY SPUR_ACME_EMAIL
  SPUR_ACME_CA_FILE SPUR_ACME_PORT SPUR_ACME_HOST SPUR_DOMAIN NODE_EXTRA_CA_CERTS)

say() { printf '==> %s\n' "$*"; }
die() { printf 'spur install: %s\n' "$*" >&2; exit 1; }

# --- Checks: nothing is changed until all of them pass and the executable is verified.
[ "$(id -u)" = 0 ] || die "run as root: curl -fsSL …/install.sh | sudo bash"
[ -r /etc/os-release ] || die "cannot read /etc/os-release; Spur installs on Debian 11/12/13 and Ubuntu 22.04/24.04"
. /etc/os-release
case "${ID:-}:${VERSION_ID:-}" in
  debian:11|debian:12|debian:13|ubuntu:22.04|ubuntu:24.04) ;;
  *) die "unsupported OS ${PRETTY_NAME:-unknown}; Spur installs on Debian 11/12/13 and Ubuntu 22.04/24.04" ;;
esac
[ "$(uname -m)" = x86_64 ] || die "unsupported architecture $(uname -m); Spur releases are built for x86_64"
[ -d /run/systemd/system ] || die "systemd is not running; Spur runs as a systemd service"
command -v curl >/dev/null || die "curl is missing; apt-get install curl"
[[ "$SPUR_VERSION" =~ ^(latest|v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?)$ ]] || die "SPUR_VERSION must be latest or a version like 1.2.3"
[[ "$DOWNLOAD_URL" =~ ^https://[A-Za-z0-9.:/_~-]+$ ]] || die "SPUR_DOWNLOAD_URL must be an https:// URL"
# Spur's own domain (served by Traefik over HTTPS): asked on a first install run from a terminal.
if [ -z "${SPUR_DOMAIN:-}" ] && [ ! -f "$ENV_FILE" ] && [ -t 2 ] && { exec 3</dev/tty; } 2>/dev/null; then
  printf "Spur's own domain, for its UI over HTTPS (e.g. spur.example.com, its DNS pointing here), or Enter to skip: " >&2
  read -r SPUR_DOMAIN <&3 || SPUR_DOMAIN=
  exec 3<&-
fi
SPUR_DOMAIN=${SPUR_DOMAIN:-}
SPUR_DOMAIN=${SPUR_DOMAIN,,}
SPUR_DOMAIN=${SPUR_DOMAIN%.}
[[ -z "$SPUR_DOMAIN" || ( ${#SPUR_DOMAIN} -le 253 && "$SPUR_DOMAIN" =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$ ) ]] || die "SPUR_DOMAIN $SPUR_DOMAIN is not a domain name like spur.example.com"
for name in "${SETTINGS[@]}"; do
  value=${!name-}
  [[ "$value" =~ ^[A-Za-z0-9_.:/@,+-]*$ ]] || die "$name holds characters an environment file cannot take safely: $value"
done
setting() { local v=${!1-}; if [ -n "$v" ]; then echo "$v"; elif [ -f "$ENV_FILE" ]; then sed -n "s/^$1=//p" "$ENV_FILE" | tail -n1; fi; }
PORT=$(setting SPUR_PORT); PORT=${PORT:-3000}
SSH_PORT=$(setting SPUR_SSH_PORT); SSH_PORT=${SSH_PORT:-2222}
ACME_PORT=$(setting SPUR_ACME_PORT); ACME_PORT=${ACME_PORT:-3080}
[[ "$PORT" =~ ^[0-9]+$ && "$SSH_PORT" =~ ^[0-9]+$ && "$ACME_PORT" =~ ^[0-9]+$ ]] || die "SPUR_PORT, SPUR_SSH_PORT and SPUR_ACME_PORT must be port numbers"

# A port Spur (or its Traefik, through Docker) already holds is fine: this is an upgrade.
if command -v ss >/dev/null; then
  for port in 80 443 "$PORT" "$SSH_PORT" "$ACME_PORT"; do
    holder=$(ss -H -ltnp "sport = :$port" 2>/dev/null | grep -o 'users:(("[^"]*"' | head -n1 | sed 's/users:(("//; s/"$//' || true)
    case "$holder" in ''|spur|docker-proxy|dockerd|traefik) ;; *) die "port $port is in use by $holder; free it (or choose SPUR_PORT / SPUR_SSH_PORT / SPUR_ACME_PORT) and run again" ;; esac
  done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${SPUR_BINARY:-}" ]; then
  [ -f "$SPUR_BINARY" ] || die "SPUR_BINARY $SPUR_BINARY is not a file"
  [ -f "$SPUR_BINARY.sha256" ] || die "$SPUR_BINARY.sha256 is missing; an offline install needs the checksum file beside the executable"
  cp -- "$SPUR_BINARY" "$work/spur"
  cp -- "$SPUR_BINARY.sha256" "$work/spur.sha256"
  source_name=$SPUR_BINARY
else
  if [ "$SPUR_VERSION" = latest ]; then base="$DOWNLOAD_URL/latest/download"; else base="$DOWNLOAD_URL/download/v${SPUR_VERSION#v}"; fi
  source_name="$base/$ARTIFACT"
  say "Downloading $source_name"
  curl -fsSL --retry 3 -o "$work/spur" -- "$base/$ARTIFACT" || die "download of $base/$ARTIFACT failed"
  curl -fsSL --retry 3 -o "$work/spur.sha256" -- "$base/$ARTIFACT.sha256" || die "download of $base/$ARTIFACT.sha256 failed"
fi
expected=$(awk 'NR==1 {print tolower($1)}' "$work/spur.sha256")
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "the checksum file for $source_name holds no SHA-256 digest"
actual=$(sha256sum "$work/spur" | awk '{print $1}')
[ "$actual" = "$expected" ] || die "checksum mismatch for $source_name: expected $expected, got $actual; nothing was changed"
chmod 0755 "$work/spur"
version=$("$work/spur" --version) || die "the downloaded executable does not run on this server"
say "Verified $version (SHA-256 $actual)"

# --- Docker: installed if missing (Spur initialises Swarm itself when it starts).
docker_answers() { curl -fsS --max-time 5 --unix-socket /var/run/docker.sock http://docker/_ping >/dev/null 2>&1; }
if ! docker_answers; then
  if ! command -v dockerd >/dev/null; then
    say "Installing Docker"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq docker.io >/dev/null || die "installing docker.io failed"
  fi
  systemctl enable --now docker >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do docker_answers && break; sleep 1; done
  docker_answers || die "Docker does not answer on /var/run/docker.sock; see: journalctl -u docker"
fi

# --- The executable, its data dir, settings and unit.
mkdir -p "$DATA_DIR/bin" /etc/spur
chmod 0700 "$DATA_DIR"
install -m 0755 "$work/spur" "$DATA_DIR/bin/spur.new"
mv -f "$DATA_DIR/bin/spur.new" "$DATA_DIR/bin/spur"
ln -sfn "$DATA_DIR/bin/spur" /usr/local/bin/spur

if [ ! -f "$ENV_FILE" ]; then
  cat > "$ENV_FILE" <<EOF
# Spur's settings (see the README's configuration table); restart after a change: systemctl restart spur
SPUR_DATA_DIR=$DATA_DIR
SPUR_PORT=$PORT
SPUR_SSH_PORT=$SSH_PORT
EOF
fi
chmod 0600 "$ENV_FILE"
for name in "${SETTINGS[@]}"; do
  value=${!name-}
  [ -n "$value" ] || continue
  sed -i "/^$name=/d" "$ENV_FILE"
  echo "$name=$value" >> "$ENV_FILE"
done

cat > "$UNIT_FILE" <<EOF
[Unit]
Description=Spur, a self-hosted platform-as-a-service
Documentation=https://github.com/spur-paas/spur
After=network-online.target docker.service
Wants=network-online.target docker.service
# Restart=always means always: no start limit (systemd's default refuses a sixth start in 10 s,
# which a crash loop, a boot before Docker is up, or an update's rollback can reach).
StartLimitIntervalSec=0

[Service]
EnvironmentFile=$ENV_FILE
Environment=HOME=$DATA_DIR
# glibc malloc, tuned for a mostly single-threaded server that should give memory back when idle:
# two arenas, not one per thread; blocks of 128 KiB and more mapped on their own and returned when
# freed (glibc would otherwise raise that limit as it goes, and keep freed buffers in its heap).
# npm run bench:idle runs Spur with these lines.
Environment=MALLOC_ARENA_MAX=2
Environment=MALLOC_MMAP_THRESHOLD_=131072
ExecStart=$DATA_DIR/bin/spur serve
Restart=always
RestartSec=2
TimeoutStopSec=90
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=$DATA_DIR
PrivateTmp=yes
ProtectHome=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes

[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable spur >/dev/null 2>&1
systemctl restart spur

want=$(echo "$version" | awk '{print $2}')
say "Waiting for Spur $want to answer"
for _ in $(seq 1 60); do
  curl -fsS --max-time 2 "http://127.0.0.1:$PORT/healthz" 2>/dev/null | grep -q "\"version\":\"$want\"" && break
  sleep 1
done
curl -fsS --max-time 2 "http://127.0.0.1:$PORT/healthz" 2>/dev/null | grep -q "\"version\":\"$want\"" || die "Spur did not answer on port $PORT within 60 s; see: journalctl -u spur"

ip=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i=1;i<NF;i++) if ($i=="src") print $(i+1)}' | head -n1 || true)
echo
say "Spur $want is running: http://${ip:-<this server>}:$PORT"
if [ -f "$DATA_DIR/setup-token" ]; then
  echo "Open the URL and create the owner account with this one-time setup token:"
  echo
  echo "    $(cat "$DATA_DIR/setup-token")"
  echo
fi
domain=$(setting SPUR_DOMAIN)
if [ -n "$domain" ]; then
  echo "Spur's domain: https://$domain once its certificate is in (its DNS must point here; Settings shows the certificate)"
fi
echo "git push: ssh://git@${domain:-${ip:-<this server>}}:$SSH_PORT/<project>/<service> (add your key under SSH keys)"
echo "Settings: $ENV_FILE · Logs: journalctl -u spur -f · Update: spur update · Backups: spur backup create"
