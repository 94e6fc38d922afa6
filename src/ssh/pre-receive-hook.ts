// Runs inside `git receive-pack` as its pre-receive hook: hands the pushed refs to the Spur
// server over its local socket and prints what comes back, which git shows the pusher as
// `remote:` lines. A failed deploy rejects the push.
import { request } from 'node:http';

const RESULT = 'spur-result: ';

export async function runPreReceiveHook(env: NodeJS.ProcessEnv, input: string, write: (text: string) => void): Promise<number> {
  const updates = input
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [oldSha, newSha, ref] = line.split(' ');
      return { oldSha, newSha, ref };
    });
  const objectEnv = Object.fromEntries(['GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_QUARANTINE_PATH'].filter((k) => env[k]).map((k) => [k, env[k]!]));
  if (!env.SPUR_HOOK_SOCKET || !env.SPUR_PUSH_TOKEN) {
    write('spur: this repository only accepts pushes through Spur\n');
    return 1;
  }
  return new Promise((resolve) => {
    const req = request({ socketPath: env.SPUR_HOOK_SOCKET, path: '/push', method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let pending = '';
      let code = 1;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith(RESULT)) code = line.slice(RESULT.length) === 'ok' ? 0 : 1;
          else write(line + '\n');
        }
      });
      res.on('end', () => resolve(code));
    });
    req.on('error', (err) => {
      write(`spur: cannot reach the Spur server (${err.message})\n`);
      resolve(1);
    });
    req.end(JSON.stringify({ token: env.SPUR_PUSH_TOKEN, updates, objectEnv }));
  });
}

export const pushResultLine = (ok: boolean) => `${RESULT}${ok ? 'ok' : 'failed'}\n`;
