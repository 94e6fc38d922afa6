// An address of this machine on a private network (Docker's bridge on a test machine), for
// receivers that Spur may post to only once private networks are allowed.
import { networkInterfaces } from 'node:os';
import { addressKind } from '../src/git/host.js';

export function privateAddress(): string {
  const found = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal && addressKind(a.address) === 'private');
  if (!found) throw new Error('this machine has no private IPv4 address to receive on (Docker makes one: run scripts/test-env.sh)');
  return found.address;
}
