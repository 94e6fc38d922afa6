// Bytes a container received and sent, from /proc/<pid>/net/dev of a process inside it (the
// file shows the process's own network namespace): every interface but loopback, summed. A
// server's own are those of one interface (src/metrics/host.ts).

export interface NetBytes {
  rx: number;
  tx: number;
}

export function parseNetDev(text: string, only?: string): NetBytes {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    if (colon < 0 || name === 'lo' || (only !== undefined && name !== only)) continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    // Receive: bytes packets errs drop fifo frame compressed multicast; then transmit: bytes …
    rx += fields[0] || 0;
    tx += fields[8] || 0;
  }
  return { rx, tx };
}
