// The SSH keys Spur makes (host key, node key, deploy keys): ed25519 from node:crypto, written in
// OpenSSH's formats here. ssh2's own generator drops leading zero bytes of the public key, so about
// one key in 250 it makes cannot be read back (by ssh2 or OpenSSH); every key made here is read
// back with ssh2 before it is handed out.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { utils } from 'ssh2';

export interface SshKeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` text, unencrypted. */
  private: string;
  /** The `ssh-ed25519 AAAA… comment` line. */
  public: string;
}

const KEY_TYPE = 'ssh-ed25519';
const MAGIC = Buffer.from('openssh-key-v1\0');

/** A new ed25519 key pair in OpenSSH's formats, checked to parse with ssh2. */
export function generateSshKeyPair(comment: string): SshKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  return keyPairFromSeed(seed, comment);
}

/** Why ssh2 cannot use this private key, or undefined when it can. */
export function sshKeyProblem(privateKey: string | Buffer): string | undefined {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) return parsed.message;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) return 'not a private key';
  return undefined;
}

/**
 * Rebuilds an unencrypted OpenSSH ed25519 private key from its 32-byte seed: a key that ssh2's
 * generator wrote with a short public part becomes the same key, written correctly. Undefined
 * when the text is not such a key.
 */
export function repairEd25519Key(privateKey: string): SshKeyPair | undefined {
  const body = privateKey.match(/-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/)?.[1];
  if (!body) return undefined;
  try {
    const reader = new WireReader(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
    if (!reader.take(MAGIC.length).equals(MAGIC)) return undefined;
    if (reader.string().toString() !== 'none' || reader.string().toString() !== 'none') return undefined; // encrypted
    reader.string(); // kdf options
    if (reader.uint32() !== 1) return undefined;
    reader.string(); // public key
    const block = new WireReader(reader.string());
    block.uint32();
    block.uint32();
    if (block.string().toString() !== KEY_TYPE) return undefined;
    block.string(); // public part, possibly short
    const secret = block.string();
    const comment = block.string().toString();
    if (secret.length < 32) return undefined;
    return keyPairFromSeed(secret.subarray(0, 32), comment);
  } catch {
    return undefined;
  }
}

function keyPairFromSeed(seed: Buffer, comment: string): SshKeyPair {
  const pub = publicOf(seed);
  const publicBlob = Buffer.concat([wireString(KEY_TYPE), wireString(pub)]);
  const check = randomBytes(4);
  const unpadded = Buffer.concat([check, check, publicBlob, wireString(Buffer.concat([seed, pub])), wireString(comment)]);
  const padding = Buffer.from(Array.from({ length: (8 - (unpadded.length % 8)) % 8 }, (_, i) => i + 1));
  const file = Buffer.concat([MAGIC, wireString('none'), wireString('none'), wireString(''), uint32(1), wireString(publicBlob), wireString(Buffer.concat([unpadded, padding]))]);
  const base64 = file.toString('base64').match(/.{1,70}/g)!.join('\n');
  const pair = {
    private: `-----BEGIN OPENSSH PRIVATE KEY-----\n${base64}\n-----END OPENSSH PRIVATE KEY-----\n`,
    public: `${KEY_TYPE} ${publicBlob.toString('base64')}${comment ? ` ${comment}` : ''}`,
  };
  const problem = sshKeyProblem(pair.private) ?? (utils.parseKey(pair.public) instanceof Error ? 'public key unreadable' : undefined);
  if (problem) throw new Error(`made an SSH key that does not read back: ${problem}`);
  return pair;
}

/** The public half of an ed25519 seed: the seed as PKCS#8 DER, read by node:crypto. */
function publicOf(seed: Buffer): Buffer {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const key = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  return Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
}

const uint32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const wireString = (value: string | Buffer) => {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
};

class WireReader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  take(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new Error('short key');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  uint32 = () => this.take(4).readUInt32BE();
  string = () => this.take(this.uint32());
}
