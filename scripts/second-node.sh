#!/usr/bin/env bash
# A second server on this machine, for the multi-node tests: a network namespace joined to the host
# by a veth pair (the node at 10.77.0.2, the host at 10.77.0.1), its own hostname and mount
# namespace, its own Docker daemon (its socket bound over /var/run/docker.sock inside, so an SSH
# session reaches this daemon, not the host's) and its own sshd on port 22. It shares the host's
# files otherwise. Not joined to any Swarm: enrolling it is what the tests do.
#   scripts/second-node.sh start   (idempotent)   |   scripts/second-node.sh stop
set -euo pipefail

NAME=spur-node2
STATE=/run/$NAME
DATA=/var/lib/$NAME
HOST_IP=10.77.0.1
NODE_IP=10.77.0.2
log() { printf '[second-node] %s\n' "$*"; }
in_node() { nsenter -t "$(cat "$STATE/holder.pid")" -n -u -m "$@"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  mkdir -p "$STATE" "$DATA"
  chmod 700 "$STATE"
  if ! ip netns list | grep -qw "$NAME"; then
    ip netns add "$NAME"
    ip link add "$NAME-h" type veth peer name "$NAME-n"
    ip link set "$NAME-n" netns "$NAME"
    ip addr add "$HOST_IP/24" dev "$NAME-h"
    ip link set "$NAME-h" up
    nsenter --net="/run/netns/$NAME" sh -c "ip link set lo up && ip addr add $NODE_IP/24 dev $NAME-n && ip link set $NAME-n up && ip route add default via $HOST_IP"
  fi
  # The manager speaks to the node from the address it advertises in the Swarm, as a real server
  # with one address does: the node's overlay (VXLAN) answers only the peers it knows.
  local advertised
  advertised=$(docker info --format '{{.Swarm.NodeAddr}}' 2>/dev/null || true)
  if [ -n "$advertised" ]; then ip route replace "${NODE_IP%.*}.0/24" dev "$NAME-h" src "$advertised"; fi
  # One process holds the node's hostname and mount namespace; everything of the node runs in it.
  if ! alive "$STATE/holder.pid"; then
    nsenter --net="/run/netns/$NAME" unshare --uts --mount --propagation private sleep infinity </dev/null >/dev/null 2>&1 &
    echo $! >"$STATE/holder.pid"
    sleep 0.5
    in_node hostname "$NAME"
  fi
  if ! alive "$STATE/dockerd.pid"; then
    log "starting the node's dockerd"
    in_node setsid dockerd --data-root "$DATA/docker" --exec-root "$STATE/exec" --pidfile "$STATE/dockerd.pid" \
      -H "unix://$STATE/docker.sock" --cgroup-parent "$NAME" --bridge none </dev/null >"$DATA/dockerd.log" 2>&1 &
    for _ in $(seq 1 60); do docker -H "unix://$STATE/docker.sock" info >/dev/null 2>&1 && break; sleep 1; done
    docker -H "unix://$STATE/docker.sock" info >/dev/null 2>&1 || { log "the node's dockerd did not start; see $DATA/dockerd.log"; tail -20 "$DATA/dockerd.log"; exit 1; }
    in_node mount --bind "$STATE/docker.sock" /run/docker.sock
  fi
  if ! alive "$STATE/sshd.pid"; then
    log "starting the node's sshd on $NODE_IP:22"
    [ -f "$STATE/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$STATE/ssh_host_ed25519_key"
    touch "$STATE/authorized_keys"
    chmod 600 "$STATE/authorized_keys"
    cat >"$STATE/sshd_config" <<EOF
Port 22
ListenAddress $NODE_IP
HostKey $STATE/ssh_host_ed25519_key
PidFile $STATE/sshd.pid
AuthorizedKeysFile $STATE/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowStreamLocalForwarding yes
Subsystem sftp internal-sftp
EOF
    mkdir -p /run/sshd
    in_node /usr/sbin/sshd -f "$STATE/sshd_config"
    for _ in $(seq 1 20); do alive "$STATE/sshd.pid" && break; sleep 0.25; done
  fi
  log "ready: $NAME at $NODE_IP (ssh root@$NODE_IP, keys in $STATE/authorized_keys, Docker at unix://$STATE/docker.sock)"
}

stop() {
  for f in sshd dockerd; do
    if alive "$STATE/$f.pid"; then kill "$(cat "$STATE/$f.pid")"; fi
  done
  for _ in $(seq 1 30); do alive "$STATE/dockerd.pid" || break; sleep 1; done
  if alive "$STATE/holder.pid"; then kill "$(cat "$STATE/holder.pid")"; fi
  ip netns list | grep -qw "$NAME" && ip netns del "$NAME"
  ip link show "$NAME-h" >/dev/null 2>&1 && ip link del "$NAME-h"
  rm -rf "$STATE"
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
